"""TrainedModel: a cached model with its record, loaded into Keras only when it must run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from generator.datasets import Dataset
from generator.datasets.images import load_image
from generator.errors import ModelSpecError
from generator.models.applications import preprocess_function
from generator.models.backend import import_keras
from generator.models.build import check_saved_memory
from generator.models.saving import holds_code, load_keras_file
from generator.models.nesting import SEPARATOR, find_layer, input_producer, layer_hint, layer_listing, tap
from generator.models.spec import ModelSpec


class TrainedModel:
    def __init__(self, ref: str, spec: ModelSpec, cache_key: str, record: dict, path: Path,
                 load_dataset: Callable[[], Dataset | None], *, model: Any = None, safe: bool = False):
        """`model`: the Keras model already in memory (just trained), else it is loaded from `path` when used
        (`safe`: not if the file holds Python code)."""
        self.ref, self.spec, self.cache_key, self.record, self.path = ref, spec, cache_key, record, path
        self.safe = safe
        self._load_dataset = load_dataset
        self._model = model
        self._extractors: dict[tuple, Any] = {}

    @property
    def keras_model(self):
        if self._model is None:
            check_saved_memory(self.spec, self.path, import_keras())
            try:
                self._model, _ = load_keras_file(self.path, safe=self.safe)
            except Exception as error:  # a cached or frozen copy of a `load:` file with Python code in it
                if not holds_code(error):
                    raise
                raise self.spec.error(f"model {self.ref} holds a Lambda layer (Python code), which --safe refuses",
                                      "load") from None
        return self._model

    def dataset(self) -> Dataset | None:
        return self._load_dataset()

    def layer_names(self) -> list[str]:
        return [layer["name"] for layer in self.record["layers"]]

    def load_probe(self, path: Path) -> np.ndarray:
        """(H, W, C) float32 raw pixels, converted and resized like the training data."""
        height, width, channels = self.record["input_shape"]
        return load_image(Path(path), [height, width], "rgb" if channels == 3 else "grayscale").astype("float32")

    def input_note(self, names: list[str], sizes: list[tuple[int, int]]) -> str:
        """What was done to probes of these (width, height) sizes before the network saw them, in words."""
        height, width = self.record["input_shape"][:2]
        resized = [f"{name} ({w}\u00d7{h})" for name, (w, h) in zip(names, sizes) if (w, h) != (width, height)]
        steps = []
        if resized:
            steps.append(f"{', '.join(resized)} resized to {width}\u00d7{height} (bilinear"
                         + (", aspect ratio not kept)" if any(w * height != h * width for w, h in sizes) else ")"))
        if self.record.get("preprocess"):
            steps.append(f"passed through {self.record['preprocess']}")
        return ("Probes: " + ", then ".join(steps) + ".") if steps else ""

    def activations(self, layers: list[str | int], images: np.ndarray) -> dict[str, np.ndarray]:
        """Outputs of `layers` (names or indices) for raw-pixel `images`, in one forward pass."""
        names = [self._layer_name(layer) for layer in layers]
        if tuple(names) not in self._extractors:
            keras = import_keras()
            model = self.keras_model
            if any(SEPARATOR in name for name in names):  # inside a nested model: rebuild the graph
                self._extractors[tuple(names)] = tap(model, names)
            else:
                self._extractors[tuple(names)] = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
        outputs = self._extractors[tuple(names)]([self.prepare(images)], training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        return {name: np.asarray(output) for name, output in zip(names, outputs)}

    def layer(self, name: str):
        """The Keras layer of a record name (a path for a layer inside a nested model)."""
        return find_layer(self.keras_model, self._layer_name(name))

    def input_of(self, name: str) -> str | None:
        """The layer whose output `name` takes in, or None when it takes the (prepared) images."""
        return input_producer(self.keras_model, self._layer_name(name))

    def predict(self, images: np.ndarray) -> np.ndarray:
        return predict_eagerly(self.keras_model, self.prepare(images))

    def prepare(self, images: np.ndarray) -> np.ndarray:
        """Raw 0..255 pixels as the network takes them: through its preprocess_input, if it has one."""
        images = np.asarray(images, dtype="float32")
        function = preprocess_function(self.record.get("preprocess"))
        return np.asarray(function(images.copy())) if function else images

    def _layer_name(self, layer: str | int) -> str:
        names = self.layer_names()
        if isinstance(layer, int) and not isinstance(layer, bool):
            if -len(names) <= layer < len(names):
                return names[layer]
            raise ModelSpecError(f"model '{self.ref}' has no layer {layer} (it has {len(names)} layers)",
                                 hint=layer_listing(names, lead="layers are "))
        if layer not in names:
            raise ModelSpecError(f"model '{self.ref}' has no layer '{layer}'",
                                 hint=layer_hint(str(layer), names) or layer_listing(names))
        return layer


def predict_eagerly(model, x: np.ndarray, batch: int = 1024) -> np.ndarray:
    """Class probabilities by calling the model directly: `model.predict` would first trace a
    predict function (most of a second), which costs more than the whole pass on a few probes
    or a small test set."""
    keras = import_keras()
    return np.concatenate([keras.ops.convert_to_numpy(model(x[start:start + batch], training=False))
                           for start in range(0, len(x), batch)])
