"""The models stage: specs in `_models/`, trained (or loaded) once and kept in the cache (generator/models/store.py)."""
