"""The one place that imports TensorFlow and Keras (lazily, on first need), with TF's C++ chatter off."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

from generator.errors import ModelSpecError


@contextlib.contextmanager
def native_stderr_silenced():
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ start-up lines bypass Python's logging."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


# Kernels split their work by the intra-op thread count, and the split changes float rounding:
# 1, 2 and 4 threads train other weights. A fixed count makes them the same whatever the machine's
# core count (measured: docs/reproducibility.md). LAYERPRESS_INTRA_OP_THREADS=0 uses every core.
THREADS_VARIABLE = "LAYERPRESS_INTRA_OP_THREADS"
DEFAULT_INTRA_OP_THREADS = 2


def intra_op_threads() -> int:
    value = os.environ.get(THREADS_VARIABLE, str(DEFAULT_INTRA_OP_THREADS))
    if not value.isdigit():
        raise ModelSpecError(f"{THREADS_VARIABLE} must be a whole number, not {value!r}",
                             hint="0 lets TensorFlow use every core (results then depend on the core count)")
    return int(value)


def import_keras() -> Any:
    """The keras module, TensorFlow backend, importing it on first call."""
    try:
        if sys.modules.get("keras") is None:
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            with native_stderr_silenced():
                import tensorflow as tf

                if intra_op_threads():  # before TensorFlow runs anything, or it is too late
                    tf.config.threading.set_intra_op_parallelism_threads(intra_op_threads())
                tf.config.list_physical_devices()  # CUDA probing happens here; its errors are not ours
            tf.get_logger().setLevel("ERROR")
        import keras
    except ImportError as error:
        raise ModelSpecError(f"a model must be trained or run here, but TensorFlow cannot be imported ({error})",
                             hint="pip install the project with its dependencies, or build from frozen results: "
                                  "`layerpress freeze` where TensorFlow works, then commit _freeze/") from None
    return keras


def import_tensorflow():
    import_keras()
    import tensorflow as tf

    return tf
