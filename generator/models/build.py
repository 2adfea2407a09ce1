"""ModelSpec -> compiled Keras model (declared layers, a saved file, layers + saved weights, or an application)."""

from __future__ import annotations

import json
import logging
import random
import zipfile
from pathlib import Path

import numpy as np

from generator.models.applications import build_application
from generator.models.backend import import_keras
from generator.models import memory
from generator.models.saving import holds_code, load_keras_file
from generator.models.spec import ModelSpec, layer_kwargs, make_optimizer

log = logging.getLogger(__name__)
LEGACY_HINT = "declare the architecture under 'layers:' and load only the weights with 'weights: {path}'"


def build_model(spec: ModelSpec, input_shape: tuple | None, *, safe: bool = False):
    """A compiled Keras model for `spec`; call after keras.utils.set_random_seed(spec.seed).
    `safe` (--safe): a `load:` file with Python code in it (Lambda layers) is an error."""
    keras = import_keras()
    check_memory(spec, input_shape, keras)
    if spec.application:
        model = build_application(spec)
    else:
        model = _load_saved(spec, keras, safe) if spec.load else _declared(spec, input_shape, keras)
        if spec.weights:
            _load_weights(spec, model)
    model.compile(optimizer=make_optimizer(spec.compile["optimizer"]), loss=spec.compile["loss"],
                  metrics=list(spec.compile["metrics"]))
    return model


def targets(y: np.ndarray, loss, n_classes: int) -> np.ndarray:
    """Labels in the form the loss expects: integers for sparse/binary losses, else one-hot."""
    name = str(loss).lower()
    if "sparse" in name:
        return y
    if "binary" in name:
        return y.astype("float32")
    return np.eye(n_classes, dtype="float32")[y]


def check_memory(spec: ModelSpec, input_shape, keras) -> None:
    """An error at the spec's largest layer (or its `load:`) when the model cannot fit in the memory left."""
    if spec.application:
        return   # keras.applications' networks are of known size: the largest holds 143 million parameters
    if spec.load:
        check_saved_memory(spec, spec.load, keras)
        return
    shape = _counted(keras, lambda: _declared(spec, input_shape, keras))
    layers = spec.layers or ()
    line = layers[shape.largest_layer].line if shape and shape.largest_layer < len(layers) else None
    trains = not (spec.untrained or spec.weights)
    _refuse_too_large(spec, shape, trains, line, "make it smaller: fewer units, filters or layers, or a smaller "
                                                 "image_size")


def check_saved_memory(spec: ModelSpec, path, keras) -> None:
    """The same for the model a `.keras` file describes (`load:`, or a cached or frozen copy), before
    Keras builds it: 14 KB of config can declare a `Dense` of 10^9 units."""
    shape = _counted(keras, lambda: _saved_architecture(path, keras))
    _refuse_too_large(spec, shape, False, spec.line("load") if spec.load else None,
                      f"{Path(path).name} describes a model too large for this machine")


def _refuse_too_large(spec: ModelSpec, shape: memory.Footprint | None, trains: bool, line, hint: str) -> None:
    if shape is None:
        return
    needed = memory.needed_bytes(shape, batch_size=spec.fit["batch_size"], trains=trains)
    room = memory.available_bytes()
    if room is not None and needed > room:
        raise spec.error(f"the model needs about {_gigabytes(needed)} of memory to {'train' if trains else 'run'} "
                         f"({shape.params:,} parameters), more than the {_gigabytes(room)} free here", line=line,
                         hint=hint)


def _counted(keras, make) -> memory.Footprint | None:
    """The footprint of the model `make()` returns, made in Keras's stateless scope (variables with
    shapes and no values): nothing is allocated, and nothing of Keras's or the seeds' state changes."""
    from keras.src.backend.common import global_state   # Keras keeps such variables to fill them later: not these

    pending = list(global_state.get_global_attribute("uninitialized_variables") or [])
    seeds = random.getstate(), np.random.get_state()   # Keras draws its initializers' seeds from these
    try:
        with keras.StatelessScope(initialize_variables=False):
            model = make()
            return memory.footprint(model) if model is not None else None
    finally:
        global_state.set_global_attribute("uninitialized_variables", pending)
        random.setstate(seeds[0])
        np.random.set_state(seeds[1])


def _saved_architecture(path, keras):
    """The model a `.keras` file describes, without its weights (None when that cannot be made this way:
    an `.h5`, or a file Keras will refuse anyway, which its own load then reports)."""
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
        return keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception:  # any file Keras cannot describe this way is reported by the load itself
        return None


def _gigabytes(count: int) -> str:
    return f"{count / 1e9:,.1f} GB"


def _declared(spec: ModelSpec, input_shape, keras):
    model = keras.Sequential(name=spec.name)
    model.add(keras.Input(shape=tuple(input_shape), name="input_layer"))
    for (cls, kwargs), layer in zip(layer_kwargs(spec), spec.layers or ()):
        try:
            model.add(cls(**kwargs))
        except (TypeError, ValueError) as error:
            message = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise spec.error(f"{layer.class_name}: {message}", line=layer.line) from None
    return model


def _load_saved(spec: ModelSpec, keras, safe: bool):
    assert spec.load is not None, "build_model calls it for a load: spec"
    try:
        model, runs_code = load_keras_file(spec.load, safe=safe)
    except Exception as error:  # Keras raises many types for files it cannot read
        if holds_code(error):
            raise spec.error(f"load: {spec.written['load']} holds a Lambda layer (Python code), which --safe refuses",
                             "load", hint="build without --safe (and without safe: true) only if you trust this "
                                          "file") from None
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise spec.error(f"load: Keras {keras.__version__} cannot read {spec.written['load']}: {reason}", "load",
                         hint=LEGACY_HINT.format(path=spec.written["load"])) from None
    if runs_code:
        log.warning(spec.error(f"load: {spec.written['load']} holds a Lambda layer: this build runs its Python code",
                               "load", hint="--safe refuses such files"))
    return model


def _load_weights(spec: ModelSpec, model) -> None:
    try:
        model.load_weights(spec.weights)
    except Exception as error:  # shape or count mismatches surface as several types
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise spec.error(f"weights: cannot load {spec.written['weights']} into the declared layers: {reason}",
                         "weights") from None
