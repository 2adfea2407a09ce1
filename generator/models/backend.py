"""The one place that imports TensorFlow and Keras (lazily, on first need), with TF's C++ chatter off."""

from __future__ import annotations

import contextlib
import os
import sys

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


def import_keras():
    """The keras module, TensorFlow backend, importing it on first call."""
    try:
        if sys.modules.get("keras") is None:
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            with native_stderr_silenced():
                import tensorflow as tf

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
