"""Content-addressed store for trained models and drawn figures.

An entry is a folder named by the digest of everything that went into it. It is
complete only when its manifest (names, sizes and SHA-256 of its files) is present
and matches the files: an entry is filled in a scratch folder and renamed into place,
so an interrupted write never looks complete, and a corrupted one is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Callable

MANIFEST = "MANIFEST.json"


def canonical_json(value) -> str:
    """JSON text that is the same for equal values, whatever the key order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def digest(*parts) -> str:
    """SHA-256 hex digest of the canonical JSON of `parts`."""
    return hashlib.sha256(canonical_json(parts).encode()).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Store:
    """A folder of cache entries, one sub-folder per key."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def entry_path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str, *, deep: bool = False) -> Path | None:
        """The entry's folder if it is complete and intact, else None (a broken entry is removed).

        Sizes are always checked; `deep` also re-hashes every file.
        """
        path = self.entry_path(key)
        manifest = self._read_manifest(path)
        if manifest is None:
            if path.exists():
                self.remove(key)
            return None
        if not self._matches(path, manifest, deep=deep):
            self.remove(key)
            return None
        return path

    def manifest(self, key: str) -> dict | None:
        """The manifest of a complete entry: {relative path: {"size": n, "sha256": hex}}."""
        return self._read_manifest(self.entry_path(key))

    def put(self, key: str, fill: Callable[[Path], None]) -> Path:
        """Create the entry by calling `fill(folder)` on a scratch folder, then move it into place."""
        final = self.entry_path(key)
        scratch = self.root / ".incoming" / f"{key}-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        try:
            fill(scratch)
            files = {
                p.relative_to(scratch).as_posix(): {"size": p.stat().st_size, "sha256": file_digest(p)}
                for p in sorted(scratch.rglob("*"))
                if p.is_file()
            }
            (scratch / MANIFEST).write_text(canonical_json(files))
            final.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(final, ignore_errors=True)
            os.replace(scratch, final)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return final

    def remove(self, key: str) -> None:
        shutil.rmtree(self.entry_path(key), ignore_errors=True)

    def work_dir(self, key: str) -> Path:
        """A persistent scratch folder for work that may resume later (e.g. interrupted training)."""
        path = self.root / ".work" / key
        path.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def _read_manifest(path: Path) -> dict | None:
        try:
            return json.loads((path / MANIFEST).read_text())
        except (OSError, ValueError):
            return None

    @staticmethod
    def _matches(path: Path, manifest: dict, *, deep: bool) -> bool:
        for name, expected in manifest.items():
            file = path / name
            try:
                if file.stat().st_size != expected["size"]:
                    return False
            except OSError:
                return False
            if deep and file_digest(file) != expected["sha256"]:
                return False
        return True
