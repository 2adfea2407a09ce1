"""Saving a Keras model as a small, byte-stable `.keras` file: the same weights give the same bytes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from generator.models.backend import import_keras

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def save_model(model, path: Path) -> None:
    """model.save(path) without the optimizer's state, then drop the save date and zip timestamps Keras writes.

    The file is for predicting (figures, readers' downloads); training resumes from its own
    checkpoints, never from it. Keras 3 ignores `include_optimizer` for `.keras` files, so the
    optimizer is detached while saving: Adam's two slots per weight would triple the size. The
    compile settings stay: `load_model(..., compile=True)` gives a fresh optimizer (and Keras
    warns that it skips the missing optimizer variables); `compile=False` loads silently.
    The weights are stored, not deflated: float32 weights shrink by under a tenth, and deflating
    a 2.6-million-weight model cost most of a second per save.
    """
    scratch = path.with_name(path.name + ".raw.keras")
    optimizer = getattr(model, "optimizer", None)
    model.optimizer = None
    try:
        model.save(scratch)
    finally:
        model.optimizer = optimizer
    with zipfile.ZipFile(scratch) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "metadata.json":
                metadata = json.loads(data)
                metadata.pop("date_saved", None)
                data = json.dumps(metadata, sort_keys=True).encode()
            compression = zipfile.ZIP_STORED if info.filename.endswith(".h5") else zipfile.ZIP_DEFLATED
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, compression)
    scratch.unlink()


def holds_code(error: Exception) -> bool:
    """Keras's refusal (in its safe mode) of a Lambda layer or Python lambda: Python code in the file."""
    text = str(error)
    return isinstance(error, ValueError) and "safe_mode" in text and "lambda" in text.lower()


def load_keras_file(path: Path, *, safe: bool):
    """(model, runs_code): Keras's safe mode first; a file with Lambda layers loads only outside `safe`
    (then its Python code runs: `runs_code` is True for the caller to say so). In `safe`, Keras's
    error is raised as it is, for the caller to place."""
    keras = import_keras()
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True), False
    except Exception as error:  # Keras raises many types for files it cannot read
        if safe or not holds_code(error):
            raise
    return keras.saving.load_model(path, compile=False, safe_mode=False), True
