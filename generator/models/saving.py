"""Saving a Keras model as a byte-stable `.keras` file: the same weights give the same bytes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def save_model(model, path: Path) -> None:
    """model.save(path), then drop the save date and zip timestamps Keras writes."""
    scratch = path.with_name(path.name + ".raw.keras")
    model.save(scratch)
    with zipfile.ZipFile(scratch) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "metadata.json":
                metadata = json.loads(data)
                metadata.pop("date_saved", None)
                data = json.dumps(metadata, sort_keys=True).encode()
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    scratch.unlink()
