"""Pretrained networks by name (`application: MobileNetV2`): built by their keras.applications constructor,
their weights from ImageNet (Keras's cache or download), a file the spec names, or none, and their inputs
passed through the architecture's own `preprocess_input`.

The record keeps what a model's inputs go through (`preprocess`, e.g.
`keras.applications.mobilenet_v2.preprocess_input`), so a loaded model needs no spec to run:
`preprocess_function(name)` turns it back into the function.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import re
from pathlib import Path

from generator.models.backend import import_keras
from generator.models.spec import ModelSpec, application_constructor

IMAGENET_CLASSES = "data/imagenet_classes.json"
IMAGENET_OUTPUTS = 1000


def build_application(spec: ModelSpec):
    """The application's Keras model with the weights the spec asks for (not compiled)."""
    constructor = application_constructor(spec)
    pretrained = None if spec.untrained else spec.pretrained  # `NAME:untrained`: the architecture, initial weights
    arguments = dict(spec.arguments, weights="imagenet" if pretrained == "imagenet" else None)
    if spec.input_shape:
        arguments["input_shape"] = tuple(spec.input_shape)
    try:
        with fresh_layer_names():
            model = constructor(**arguments)
    except (TypeError, ValueError) as error:
        raise spec.error(f"{spec.application}: {_first_line(error)}", "application") from None
    except Exception as error:  # Keras's download raises a bare Exception when it cannot fetch the weights
        if pretrained != "imagenet":
            raise
        raise _offline_error(spec, error) from None
    if pretrained == "file":
        try:
            model.load_weights(spec.weights)
        except Exception as error:  # shape or count mismatches surface as several types
            raise spec.error(f"weights: cannot load {spec.written.get('weights')} into {spec.application}: "
                             f"{_first_line(error)[:200]}", "weights") from None
    if None in tuple(model.inputs[0].shape[1:3]):
        raise spec.error(f"{spec.application} takes images of any size here: give their size",
                         "application", hint="add e.g. `input_shape: [224, 224, 3]` to the spec")
    return model


@contextlib.contextmanager
def fresh_layer_names():
    """Build with Keras's default layer names numbered from scratch, so a network's layers are named the
    same whatever this process built before (an application names some layers only by their class)."""
    from keras.src.backend.common import global_state

    saved = global_state.get_global_attribute("object_name_uids")
    global_state.set_global_attribute("object_name_uids", collections.defaultdict(int))
    try:
        yield
    finally:
        global_state.set_global_attribute("object_name_uids", saved)


@contextlib.contextmanager
def imagenet_files_read():
    """The list of weights files (.h5) Keras's applications take from its cache or download while the block
    runs: the path `keras.utils.get_file` returns, which no spec names (the store keys a model by its bytes)."""
    from keras.src.utils import file_utils

    read: list[Path] = []
    get_file = file_utils.get_file

    def recording_get_file(*args, **kwargs):
        path = get_file(*args, **kwargs)
        if str(path).endswith(".h5"):
            read.append(Path(path))
        return path

    file_utils.get_file = recording_get_file  # every application module calls it as file_utils.get_file
    try:
        yield read
    finally:
        file_utils.get_file = get_file


def keras_models_folder() -> Path:
    """Where Keras keeps downloaded weights: $KERAS_HOME/models, else ~/.keras/models (as Keras read it when
    it was imported)."""
    from keras.src.backend import config

    return Path(os.path.expanduser(config.keras_home())) / "models"


def _offline_error(spec: ModelSpec, error: Exception):
    url = re.search(r"https?://\S+?\.h5", str(error))
    file = url[0].rsplit("/", 1)[-1] if url else f"the {spec.application} weights file"
    where = keras_models_folder()
    return spec.error(f"application: the ImageNet weights of {spec.application} are not in {where} and cannot be "
                      "downloaded (no network?)", "application",
                      hint=f"put {file} in {where}" + (f" (from {url[0]})" if url else "")
                      + f", or name a file with `weights: path/to/{file}`, or use `weights: none`")


def preprocess_name(spec: ModelSpec) -> str | None:
    """The dotted name of the application's preprocess_input, or None when inputs go in as they are."""
    if not spec.application or not spec.preprocess:
        return None
    module = application_constructor(spec).__module__.rsplit(".", 1)[-1]
    return f"keras.applications.{module}.preprocess_input"


def preprocess_function(name: str | None):
    """The function a record's `preprocess` names (None: the identity)."""
    if not name:
        return None
    keras = import_keras()
    module, _, function = name.removeprefix("keras.applications.").rpartition(".")
    return getattr(getattr(keras.applications, module), function)


def default_class_names(spec: ModelSpec, model) -> list[str] | None:
    """ImageNet's 1000 class names for an application with its ImageNet top (the constructor's default)."""
    if not spec.application or spec.classes or not spec.arguments.get("include_top", True):
        return None
    if "classes" in spec.arguments or model.outputs[0].shape[-1] != IMAGENET_OUTPUTS:
        return None
    return imagenet_class_names()


def imagenet_class_names() -> list[str]:
    """The 1000 ImageNet-1k class names shipped with layerpress (data/NOTICE says where they come from)."""
    return json.loads((Path(__file__).parent / IMAGENET_CLASSES).read_text(encoding="utf-8"))


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
