"""The one backend-specific piece of the attribution kinds: the gradient of a batch of scores.

Keras 3 has no backend-agnostic gradient function, so `gradients` dispatches on
`keras.backend.backend()`: TensorFlow's GradientTape, jax.grad or torch.autograd. Everything
else the kinds compute goes through `keras.ops`. Only the TensorFlow path runs in this
project's tests (it is the backend layerpress installs).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from generator.models.backend import import_keras


def gradients(fn: Callable, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fn(x), d sum(fn(x)) / dx) as float32 numpy arrays.

    `fn` maps a batch (N, ...) to one score per example (N,); examples of a batch do not mix
    (inference mode), so the gradient of the sum is each example's own gradient.
    """
    keras = import_keras()
    backend = keras.backend.backend()
    x = np.asarray(x, dtype="float32")
    if backend == "tensorflow":
        import tensorflow as tf

        tensor = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(tensor)
            scores = fn(tensor)
            total = tf.reduce_sum(scores)
        grads = tape.gradient(total, tensor)
    elif backend == "jax":  # pragma: no cover - not installed here
        import jax

        def summed(value):
            scores = fn(value)
            return keras.ops.sum(scores), scores

        (_, scores), grads = jax.value_and_grad(summed, has_aux=True)(x)
    elif backend == "torch":  # pragma: no cover - not installed here
        import torch

        tensor = torch.tensor(x, requires_grad=True)
        scores = fn(tensor)
        scores.sum().backward()
        grads, scores = tensor.grad, scores.detach()
    else:  # pragma: no cover
        raise NotImplementedError(f"no gradient for the Keras backend '{backend}'")
    to_numpy = keras.ops.convert_to_numpy
    if grads is None:  # the scores do not depend on x at all
        grads = np.zeros_like(x)
    return np.asarray(to_numpy(scores), dtype="float32"), np.asarray(to_numpy(grads), dtype="float32")
