"""layerpress: static blogs whose figures are computed from real Keras models."""

__version__ = "0.1.0"
