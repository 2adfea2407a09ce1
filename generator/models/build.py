"""ModelSpec -> compiled Keras model (declared layers, a saved file, layers + saved weights, or an application)."""

from __future__ import annotations

import numpy as np

from generator.models.applications import build_application
from generator.models.backend import import_keras
from generator.models.spec import ModelSpec, layer_kwargs, make_optimizer

LEGACY_HINT = "declare the architecture under 'layers:' and load only the weights with 'weights: {path}'"


def build_model(spec: ModelSpec, input_shape: tuple | None):
    """A compiled Keras model for `spec`; call after keras.utils.set_random_seed(spec.seed)."""
    keras = import_keras()
    if spec.application:
        model = build_application(spec)
    else:
        model = _load_saved(spec, keras) if spec.load else _declared(spec, input_shape, keras)
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


def _load_saved(spec: ModelSpec, keras):
    try:
        return keras.saving.load_model(spec.load, compile=False)
    except Exception as error:  # Keras raises many types for files it cannot read
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise spec.error(f"load: Keras {keras.__version__} cannot read {spec.written['load']}: {reason}", "load",
                         hint=LEGACY_HINT.format(path=spec.written["load"])) from None


def _load_weights(spec: ModelSpec, model) -> None:
    try:
        model.load_weights(spec.weights)
    except Exception as error:  # shape or count mismatches surface as several types
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise spec.error(f"weights: cannot load {spec.written['weights']} into the declared layers: {reason}",
                         "weights") from None
