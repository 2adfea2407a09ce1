"""The models stage: specs in `_models/`, trained (or loaded) once and kept in the cache (generator/models/store.py)."""

# The variant every model has: its layers with their initial weights, not fitted (`NAME:untrained`). Here, not in
# spec.py, so that finding figure blocks (figures/collect.py) reads it without importing the spec reader.
UNTRAINED = "untrained"
