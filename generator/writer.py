"""Write the site into a fresh folder and swap it into place only when everything succeeded.

A file whose bytes equal the old site's file at the same path is hard-linked from the old site
instead of written again: a rebuild after a small edit writes only what changed, and the swap
stays one rename, as for a site written from nothing. Bytes are compared, except for a file item
(a figure, a model, a theme asset) whose source and old site file are, by their stat signatures,
the very files a commit found equal before (`CopyRecord`): then neither is read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import json
import stat
import tempfile
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator.cache import write_atomically
from generator.config import Paths
from generator.confine import check_writable
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

    def __init__(self, dest: Path, keep: list[str] | tuple = DEFAULT_KEEP_FILES, *,
                 record: Path | None = None, spare: Path | None = None) -> None:
        self.dest = Path(dest).absolute()
        self.keep = list(keep)      # entries of the old site that survive (destination.keep_files)
        self.items: dict[str, Item] = {}
        self._folders: dict[str, str] = {}
        self.record = CopyRecord(record)   # file items known equal to the old site's files
        # Where the site before the current one is kept (on dest's file system) to stage the next one in:
        # its folders and unchanged files are there already, and the replaced site is not deleted.
        self.spare = Path(spare).absolute() if spare is not None else None

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
        """Write everything into a folder beside `dest` (the spare, or a new one), then rename it into place."""
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        old = str(self.dest) if self.dest.is_dir() and not self.dest.is_symlink() else None
        items = self.items | {MARKER: Item("layerpress", data=MARKER_TEXT.encode())}
        known = self.record.load() if old is not None else {}
        proven: dict[str, list] = {}
        spare = self.spare if old is not None and self.spare is not None and usable_spare(self.spare, self.dest) else None
        staging = spare if spare is not None and spare.is_dir() and not spare.is_symlink() else \
            Path(tempfile.mkdtemp(prefix=f".{self.dest.name}-", dir=self.dest.parent))
        started = time.time_ns()
        try:
            if staging == spare:
                prune(str(staging), items)
            make_folders(staging, items, existing=staging == spare)
            for key in sorted(items):
                target, item = os.path.join(staging, key), items[key]
                old_file = os.path.join(old, key) if old is not None else None
                status = unchanged_status(old_file, item, known.get(key), proven.setdefault(key, [])) \
                    if old_file is not None else None
                if old_file is None or status is None or not link_old(old_file, status, target):
                    write_item(target, item)
            swap_in(staging, self.dest, self.keep, retire_to=spare)
        except BaseException:
            if staging != spare:
                shutil.rmtree(staging, ignore_errors=True)
            raise
        self.record.save({key: signature for key, signature in proven.items()
                          if signature and not racy(signature, started)})
        return len(self.items)


def describe(source: Path | str) -> str:
    return display_path(source) if isinstance(source, Path) else source


def make_folders(root: Path, keys, *, existing: bool = False) -> None:
    """Every folder the keys need under `root`, each made once (a mkdir per file costs more than its write);
    with `existing`, those `root` lacks."""
    for folder in sorted(folders_of(keys)):   # a parent sorts before its children
        path = os.path.join(root, folder)
        if not (existing and os.path.isdir(path)):
            os.mkdir(path)


def folders_of(keys) -> set[str]:
    folders: set[str] = set()
    for key in keys:
        folder = os.path.dirname(key)
        while folder and folder not in folders:
            folders.add(folder)
            folder = os.path.dirname(folder)
    return folders


def usable_spare(spare: Path, dest: Path) -> bool:
    """A spare folder can be renamed to and from `dest`: same file system (its parent made if need be)."""
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        return os.stat(spare.parent).st_dev == os.stat(dest.parent).st_dev
    except OSError:
        return False


def prune(root: str, items: dict) -> None:
    """Remove from the spare `root` every file and folder that is not one of `items` or a folder of one."""
    prune_folder(root, items, "", folders_of(items))


def prune_folder(root: str, items: dict, prefix: str, folders: set[str]) -> None:
    with os.scandir(os.path.join(root, prefix)) as entries:
        for entry in entries:
            key = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if key in folders:
                    prune_folder(root, items, key + "/", folders)
                else:
                    shutil.rmtree(entry.path)
            elif key not in items:
                os.unlink(entry.path)


def write_item(target: str, item: Item) -> None:
    """Write one item as a new file; its folder exists (make_folders). A file already at `target` (in
    the spare: maybe a hard link of the live site's file) is unlinked, never written into."""
    remove_file(target)
    if item.data is not None:
        with open(target, "wb") as handle:
            handle.write(item.data)
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


def remove_file(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def unchanged_status(old: str, item: Item, known: list | None = None, proven: list | None = None) -> os.stat_result | None:
    """The status of `old` (the previous site's file at this path) if its bytes are the item's, else None.
    For a file item, `known` is the signature under which a commit found `old` equal to the item's
    file; `proven` receives the signature of this comparison when the bytes are equal."""
    try:
        status = os.lstat(old)
        if not stat.S_ISREG(status.st_mode):
            return None
        if item.data is not None:
            return status if status.st_size == len(item.data) and same_data(old, item.data) else None
        assert item.file is not None, "an item has data or a file"
        source = os.stat(item.file)
        signature = copy_signature(item.file, source, status)
        if signature != known and not same_file_bytes(old, status, item.file, source):
            return None
    except OSError:
        return None
    if proven is not None:
        proven[:] = signature
    return status


def link_old(old: str, status: os.stat_result, target: str) -> bool:
    """Make `target` the file `old` (of `status`), by a hard link, unless it is that file already (the spare's)."""
    try:
        if os.path.samestat(os.lstat(target), status):
            return True
        os.unlink(target)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    try:
        os.link(old, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def same_data(old: str, data: bytes) -> bool:
    with open(old, "rb") as handle:
        return handle.read() == data


def same_file_bytes(old: str, status: os.stat_result, file: Path, source: os.stat_result) -> bool:
    if status.st_size != source.st_size:
        return False
    if os.path.samestat(status, source):
        return True
    with open(old, "rb") as first, open(file, "rb") as second:
        while True:
            chunk = first.read(COMPARE_CHUNK)
            if chunk != second.read(COMPARE_CHUNK):
                return False
            if not chunk:
                return True


# A signature (see copy_signature) taken less than this after its files' last change is not recorded:
# a write in the same clock tick as that change could leave the mtime as it was (git's racy clean).
RACY_NS = 2 * 10**9


def copy_signature(file: Path | str, source: os.stat_result, old: os.stat_result) -> list:
    """What identifies a file item's source and the old site's file at its path: any write to either
    changes its mtime (and a replacement its inode). The site file's ctime is left out: linking it
    into the new site changes it."""
    return [str(file), source.st_dev, source.st_ino, source.st_size, source.st_mtime_ns, source.st_ctime_ns,
            old.st_dev, old.st_ino, old.st_size, old.st_mtime_ns]


def racy(signature: list, started_ns: int) -> bool:
    """Whether a file of `signature` was written too close to `started_ns` (before its stat) to trust it."""
    return max(signature[4], signature[9]) >= started_ns - RACY_NS


class CopyRecord:
    """The signatures of the file items the last commit found equal to the site's files (a JSON file
    in the build cache): the next commit links those without reading either file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> dict[str, list]:
        if self.path is None:
            return {}
        try:
            record = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    def save(self, signatures: dict[str, list]) -> None:
        if self.path is None:
            return
        with contextlib.suppress(OSError):   # a read-only cache: the next commit compares bytes
            write_atomically(self.path, json.dumps(signatures))


def swap_in(staging: Path, dest: Path, keep: list[str] | tuple = (), *, retire_to: Path | None = None) -> None:
    """Replace `dest` by `staging`: the old folder is moved aside, never edited in place, then deleted
    (or, with `retire_to`, renamed to that path: the next commit's spare).
    The `keep` entries of the old folder (e.g. `.git`) are moved into the new one first."""
    os.chmod(staging, 0o755)
    if not dest.exists():
        staging.rename(dest)
        return
    moved = move_kept(dest, staging, keep)
    retired = Path(tempfile.mkdtemp(prefix=f".{dest.name}-old-", dir=retire_to.parent if retire_to else dest.parent))
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
        shutil.rmtree(retired, ignore_errors=True)
        raise
    if retire_to is not None:
        with contextlib.suppress(OSError):   # e.g. a spare left there: removed below with the rest
            (retired / dest.name).rename(retire_to)
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
    check_writable(Paths.of(source))   # a cache that is a symlink out: its target is not ours to remove
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
