"""layerpress: static blogs whose figures are computed from real Keras models."""

__version__ = "0.1.0"

# numpy is imported on first use (see generator/lazy.py): a build with nothing to train or draw
# never needs it, though the data-set and figure modules import it at their top.
from generator.lazy import defer_heavy_modules

defer_heavy_modules()
