"""The one place that imports TensorFlow and Keras (lazily, on first need), with TF's C++ chatter off."""

from __future__ import annotations

import os


def import_keras():
    """The keras module, TensorFlow backend, importing it on first call."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return keras


def import_tensorflow():
    import_keras()
    import tensorflow as tf

    return tf
