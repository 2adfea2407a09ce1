"""Content-addressed store for trained models and drawn figures.

An entry is a folder named by the digest of everything that went into it. It is
complete only when its manifest (names, sizes and SHA-256 of its files) is present
and matches the files: an entry is filled in a scratch folder and renamed into place,
so an interrupted write never looks complete, and a corrupted one is dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import stat
import threading
from pathlib import Path
from collections.abc import Callable

from generator.errors import LayerpressError, display_path
from generator.readable import read_bytes

log = logging.getLogger(__name__)

MANIFEST = "MANIFEST.json"
# (size, mtime, ctime, inode) of each file when its hash was last checked: any write since then
# changes the ctime, so an entry whose stamps still match needs no re-hashing.
STAMPS = "STAMPS.json"


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a file whole or not at all: into a scratch file beside it (named by process and thread),
    renamed over it once written. Its folder is made if need be."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        if isinstance(data, str):
            scratch.write_text(data, encoding="utf-8")
        else:
            scratch.write_bytes(data)
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise


def canonical_json(value) -> str:
    """JSON text that is the same for equal values, whatever the key order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def digest(*parts) -> str:
    """SHA-256 hex digest of the canonical JSON of `parts`."""
    return hashlib.sha256(canonical_json(parts).encode()).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    sha256 = hashlib.sha256()
    with open(path, "rb") as handle:  # hashlib.file_digest is Python 3.11+
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha256.update(block)
    return sha256.hexdigest()


class Store:
    """A folder of cache entries, one sub-folder per key."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._verified: set[str] = set()   # keys this Store has checked


    def entry_path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str, *, deep: bool = False) -> Path | None:
        """The entry's folder if it is complete and intact, else None (a broken entry is removed).

        The first `get` of a key in a Store re-hashes every file whose stamp (size, mtime, ctime,
        inode) changed since its hash was last checked, so a flipped byte is caught on the path a
        no-change build takes without reading unchanged files; later gets compare sizes only.
        `deep` always re-hashes.
        """
        path = self.entry_path(key)
        manifest = self._read_manifest(path)
        if manifest is None and not path.exists():
            return None
        rehash = deep or (key not in self._verified and not self._stamps_match(path, manifest))
        damaged = MANIFEST if manifest is None else self._damaged(path, manifest, deep=rehash)
        if damaged:  # entries are renamed into place complete, so this is damage, not an interrupted write
            log.warning("cache entry %s is damaged (%s differs from its manifest): dropped, computing it again",
                        display_path(path), damaged)
            self.remove(key)
            return None
        if rehash and manifest is not None:
            self._write_stamps(path, manifest)
        self._verified.add(key)
        return path

    def manifest(self, key: str) -> dict | None:
        """The manifest of a complete entry: {relative path: {"size": n, "sha256": hex}}."""
        return self._read_manifest(self.entry_path(key))

    def put(self, key: str, fill: Callable[[Path], object]) -> Path:
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
            try:
                os.replace(scratch, final)
            except OSError:
                if self._read_manifest(final) is None:  # not another process's complete entry
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        self._write_stamps(final, json.loads((final / MANIFEST).read_text()))
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
        try:   # a regular file of bounded size: a pipe planted in a committed _freeze/ must not hang the build
            return json.loads(read_bytes(path / MANIFEST, "state"))
        except (OSError, ValueError, LayerpressError):
            return None

    @staticmethod
    def _stamps(path: Path, manifest: dict) -> dict:
        stamps = {}
        for name in manifest:
            status = (path / name).stat()
            stamps[name] = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        return stamps

    def _stamps_match(self, path: Path, manifest) -> bool:
        try:
            return json.loads((path / STAMPS).read_text()) == self._stamps(path, manifest)
        except (OSError, ValueError, TypeError, AttributeError):
            return False

    def _write_stamps(self, path: Path, manifest: dict) -> None:
        with contextlib.suppress(OSError):   # a read-only cache is still usable: it is re-hashed each time
            write_atomically(path / STAMPS, canonical_json(self._stamps(path, manifest)))

    @staticmethod
    def _damaged(path: Path, manifest: dict, *, deep: bool) -> str | None:
        """The first file of the entry that does not match its manifest, or None."""
        try:
            for name, expected in manifest.items():
                file = path / name
                status = file.stat()
                if (not stat.S_ISREG(status.st_mode) or status.st_size != expected["size"]
                        or (deep and file_digest(file) != expected["sha256"])):
                    return name
        except (OSError, KeyError, TypeError, AttributeError):
            return MANIFEST
        return None
