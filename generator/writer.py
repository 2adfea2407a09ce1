"""Write the site into a fresh folder and swap it into place only when everything succeeded.

A file whose bytes equal the old site's file at the same path is hard-linked from the old site
instead of written again (compared byte for byte, never by date): a rebuild after a small edit
writes only what changed, and the swap stays one rename, as for a site written from nothing.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator.config import Paths
from generator.destination import DEFAULT_KEEP_FILES, MARKER, MARKER_TEXT, check_destination, keep_files
from generator.errors import OutputError, display_path


@dataclass
class Item:
    source: Path | str          # who asked for this path (shown when two items collide)
    data: bytes | None = None
    file: Path | None = None
    link: bool = False          # hard-link `file` (immutable cache entries) instead of copying


class SiteWriter:
    """Collects every output first; `commit()` writes them all and swaps the folder in."""

    def __init__(self, dest: Path, keep: list[str] | tuple = DEFAULT_KEEP_FILES) -> None:
        self.dest = Path(dest).absolute()
        self.keep = list(keep)      # entries of the old site that survive (destination.keep_files)
        self.items: dict[str, Item] = {}
        self._folders: dict[str, str] = {}

    def add_text(self, path: str, text: str, source) -> None:
        self._add(path, Item(source, data=text.encode("utf-8")))

    def add_file(self, path: str, file: Path, source, *, link: bool = False) -> None:
        self._add(path, Item(source, file=Path(file), link=link))

    def has(self, path: str) -> bool:
        return self._key(path, None) in self.items

    @cached_property
    def _root(self) -> str:
        return os.path.realpath(self.dest)

    def _real_folder(self, folder: str) -> str:
        """The real path of a folder under dest (symlinks in the old site followed), once per folder."""
        if folder not in self._folders:
            self._folders[folder] = os.path.realpath(os.path.join(self.dest, folder))
        return self._folders[folder]

    def _key(self, path: str, source) -> str:
        """`path`'s real location relative to dest, as `Path.resolve` finds it (the folder resolved once,
        then the name: only a symlink or a dot name needs resolving again)."""
        folder, _, name = path.lstrip("/").rpartition("/")
        target = os.path.join(self._real_folder(folder), name)
        if name in ("", ".", "..") or os.path.islink(target):
            target = os.path.realpath(target)
        if not target.startswith(self._root + os.sep):
            raise OutputError(f"output path '{path}' is outside the site folder",
                              file=source, hint="check its permalink, slug and file name")
        return target[len(self._root) + 1:]

    def _add(self, path: str, item: Item) -> None:
        key = self._key(path, item.source)
        if key in self.items:
            raise OutputError(f"'{key}' is written by both {describe(self.items[key].source)} and {describe(item.source)}",
                              file=item.source, hint="give one of them another permalink")
        self.items[key] = item

    def commit(self) -> int:
        """Write everything into a temporary sibling of `dest`, then rename it into place."""
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.dest.name}-", dir=self.dest.parent))
        old = self.dest if self.dest.is_dir() and not self.dest.is_symlink() else None
        try:
            make_folders(staging, self.items)
            for key in sorted(self.items):
                target = staging / key
                if old is None or not reuse_unchanged(old / key, target, self.items[key]):
                    write_item(target, self.items[key])
            (staging / MARKER).write_text(MARKER_TEXT)
            swap_in(staging, self.dest, self.keep)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return len(self.items)


def describe(source: Path | str) -> str:
    return display_path(source) if isinstance(source, Path) else source


def make_folders(root: Path, keys) -> None:
    """Every folder the keys need under `root`, each made once (a mkdir per file costs more than its write)."""
    for folder in sorted({os.path.dirname(key) for key in keys} - {""}):
        os.makedirs(root / folder, exist_ok=True)


def write_item(target: Path, item: Item) -> None:
    """Write one item; its folder exists (make_folders)."""
    if item.data is not None:
        target.write_bytes(item.data)
        return
    assert item.file is not None, "an item has data or a file"
    if item.link:
        try:
            os.link(item.file, target)
        except OSError:
            shutil.copyfile(item.file, target)
    else:
        shutil.copyfile(item.file, target)


COMPARE_CHUNK = 1 << 20


def reuse_unchanged(old: Path, target: Path, item: Item) -> bool:
    """Hard-link `old` (the previous site's file at this path) to `target` if its bytes are the item's."""
    try:
        status = os.lstat(old)
        if not stat.S_ISREG(status.st_mode) or not same_bytes(old, status, item):
            return False
        os.link(old, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def same_bytes(old: Path, status: os.stat_result, item: Item) -> bool:
    if item.data is not None:
        return status.st_size == len(item.data) and old.read_bytes() == item.data
    assert item.file is not None, "an item has data or a file"
    source = os.stat(item.file)
    if status.st_size != source.st_size:
        return False
    if os.path.samestat(status, source):
        return True
    with open(old, "rb") as first, open(item.file, "rb") as second:
        while True:
            chunk = first.read(COMPARE_CHUNK)
            if chunk != second.read(COMPARE_CHUNK):
                return False
            if not chunk:
                return True


def swap_in(staging: Path, dest: Path, keep: list[str] | tuple = ()) -> None:
    """Replace `dest` by `staging`: the old folder is moved aside, never edited in place.
    The `keep` entries of the old folder (e.g. `.git`) are moved into the new one first."""
    os.chmod(staging, 0o755)
    if not dest.exists():
        staging.rename(dest)
        return
    moved = move_kept(dest, staging, keep)
    retired = Path(tempfile.mkdtemp(prefix=f".{dest.name}-old-", dir=dest.parent))
    try:
        dest.rename(retired / dest.name)
    except BaseException:
        move_kept(staging, dest, moved)
        shutil.rmtree(retired, ignore_errors=True)
        raise
    try:
        staging.rename(dest)
    except BaseException:
        (retired / dest.name).rename(dest)
        move_kept(staging, dest, moved)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def move_kept(old: Path, new: Path, keep) -> list[str]:
    """Move each kept entry of `old` that `new` does not write to `new`; the entries moved."""
    moved = []
    for name in keep:
        if (old / name).exists() or (old / name).is_symlink():
            if (new / name).exists():
                continue  # the new site writes this path itself
            (new / name).parent.mkdir(parents=True, exist_ok=True)
            os.rename(old / name, new / name)
            moved.append(name)
    return moved


def remove_outputs(source: Path, dest: Path, config=None, *, force: bool = False) -> list[Path]:
    """`layerpress clean`: the site folder (but its keep_files) and the build cache, never the sources."""
    source, dest = Path(source), Path(dest)
    real = check_destination(source, dest, config, force=force)
    removed = []
    if real.is_dir():
        kept = {name.split("/")[0] for name in keep_files(config)}
        if any((real / name).exists() for name in kept):
            for entry in sorted(real.iterdir()):
                if entry.name in kept:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        else:
            shutil.rmtree(real)
        removed.append(dest)
    cache = Paths.of(source).cache_dir
    if cache.exists():
        shutil.rmtree(cache)
        removed.append(cache)
    return removed
