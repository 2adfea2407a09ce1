"""The one rule for every file a build reads, and for every place it writes.

Reads. Every file a blog names or holds (documents, layouts and the layouts they name, includes,
data files and `data_dir`, static files, Sass pages, partials and `load_paths`, theme files,
model specs, probes, model and weights files, data set images) is read through `read_bytes`,
`read_text` or, for a library that opens the file by its name (Keras), `checked_file`. (Images are
placed by `confined` and opened by `datasets/images.open_image`, which applies the same
`readable.problem` check before Pillow opens them.)
Each resolves the path with symlinks followed and refuses it unless it ends inside

- the blog folder,
- the installed theme gem the blog names (`theme: minima`, found as `generator/themes.py` finds it),
- a folder of the allow-list in `_config.yml` (`layerpress.shared_folders`, checked by `load_config`):

      layerpress:
        shared_folders: [../shared-data]     # relative to the blog folder

and then reads it only if it is a regular file within its kind's size limit (`generator/readable.py`),
so that building someone else's blog cannot publish `~/.ssh/id_rsa`, nor hang on a pipe.

Writes. A build writes only into its destination (`generator/destination.py`) and its cache;
`check_writable` refuses, before anything is written, a cache folder (or anything in it) or a
state file (`figures.lock`, `_freeze/` or anything in it) that is a symlink leading out of where
it belongs.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from generator.config import CACHE_DIR_NAME, CONFIG_NAME, Paths, load_config
from generator.errors import ConfigError, LayerpressError
from generator.themes import find_theme
from generator.readable import checked_size, decode_utf8
from generator.readable import read_bytes as read_regular
from generator.uptodate import spare_path

HINT = "keep the file inside the blog folder, or list its folder in layerpress.shared_folders of _config.yml"
LOCK_NAME = "figures.lock"        # the state files a build writes into the blog (lockfile.py,
FREEZE_DIR_NAME = "_freeze"       # freeze.FREEZE_DIR)


class UnsafeWriteError(LayerpressError):
    """A folder or file the build writes is a symlink leading out of the blog or the cache."""


def confined(source: Path, path: Path | str, error=LayerpressError, *, what: str = "path",
             file=None, line: int | None = None) -> Path:
    """`source / path` (a path as the blog writes it, relative to the blog) if it resolves (symlinks
    followed) inside `source`, the theme it names or a shared folder, else `error(...)` located at
    `file:line` (default: the path itself)."""
    target = Path(source) / path
    _check_place(source, target, shown(source, path), error, what=what, file=file, line=line)
    return target


def checked_file(source: Path, file: Path | str, kind: str, error=LayerpressError, *, what: str = "file",
                 where=None, line: int | None = None) -> Path:
    """`file` (a path as the code holds it: `confined(...)`'s, or one found in a folder) if it resolves
    inside the places `confined` allows and is a regular file within the size limit of its `kind`
    (readable.LIMITS), else `error(...)` at `where:line` (default: the file itself). For the files a
    library opens by name (Keras models and weights)."""
    file = Path(file)
    _check_place(source, file, shown(source, file), error, what=what, file=where, line=line)
    checked_size(file.resolve(), kind, error=error, what=what, shown=shown(source, file), file=where or file,
                 line=line)
    return file


def read_bytes(source: Path, file: Path | str, kind: str, error=LayerpressError, *, what: str = "file",
               where=None, line: int | None = None) -> bytes:
    """The bytes of `file`, if `checked_file` allows it (the file read is the one checked, opened
    without blocking)."""
    file = Path(file)
    _check_place(source, file, shown(source, file), error, what=what, file=where, line=line)
    return read_regular(file.resolve(), kind, error=error, what=what, shown=shown(source, file),
                        file=where or file, line=line)


def read_text(source: Path, file: Path | str, kind: str, error=LayerpressError, *, what: str = "file",
              where=None, line: int | None = None) -> str:
    """`read_bytes` decoded as UTF-8 (other bytes are an error naming their line)."""
    return decode_utf8(read_bytes(source, file, kind, error, what=what, where=where, line=line), Path(file), error)


def _check_place(source: Path, target: Path, name: str, error, *, what: str, file, line: int | None) -> None:
    if not is_confined(source, target):
        written = Path(os.path.normpath(os.path.abspath(target)))   # where the path leads without its symlinks
        direct = not any(written.is_relative_to(root) for root in (Path(os.path.abspath(source)),
                                                                   *allowed_roots(Path(source))))
        how = "" if direct else " (a symlink leads there)"
        raise error(f"{what} '{name}' is outside the blog folder{how}", file=file or target, line=line, hint=HINT)


def is_confined(source: Path, path: Path) -> bool:
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in map(str, allowed_roots(source)))


def shown(source: Path, path: Path | str) -> str:
    """A path as the message names it: relative to the blog when it is written inside it."""
    text, folder = str(path), str(source).rstrip(os.sep)
    if text.startswith(folder + os.sep) and (os.path.isabs(text) or not os.path.isabs(folder)):
        return Path(text[len(folder) + 1:]).as_posix()
    return text


def allowed_roots(source: Path) -> tuple[Path, ...]:
    """The folders a blog's files may resolve into: the blog, the theme gem it names, and the
    `layerpress.shared_folders` of its _config.yml, resolved."""
    try:
        stamp = os.stat(os.path.join(source, CONFIG_NAME)).st_mtime_ns
    except OSError:
        stamp = None
    return _roots(_real(os.path.abspath(source)), stamp, os.environ.get("GEM_HOME", ""),
                  os.environ.get("GEM_PATH", ""))


@lru_cache(maxsize=32)
def _real(folder: str) -> Path:
    return Path(os.path.realpath(folder))


@lru_cache(maxsize=32)
def _roots(source: Path, stamp: int | None, *_gem_environment: str) -> tuple[Path, ...]:
    if stamp is None:
        return (source,)
    try:
        config = load_config(source)
    except (LayerpressError, OSError):
        return (source,)  # the build reports a broken _config.yml itself
    shared = tuple(config.shared_folders)
    try:
        theme = find_theme(source, config.theme, roots=(source, *shared))
    except ConfigError:
        theme = None   # the build reports an unknown theme itself
    return (source, *shared, *([theme.root] if theme is not None else []))


# -- writes -----------------------------------------------------------------------------------------

def check_writable(paths: Paths) -> None:
    """Refuse, before anything is written, a cache folder (or a folder or file in it) or a state file
    of the blog (`figures.lock`, `_freeze/`) that is a symlink leading out of where it belongs."""
    source = Path(paths.source).resolve()
    default_cache = Path(paths.cache_dir) == Path(paths.source) / CACHE_DIR_NAME
    cache = Path(paths.cache_dir)
    if default_cache:
        _no_link_out(cache, source, "the cache folder")
    _no_link_in_tree_out(cache, "the cache", spare_path(cache))
    for name in (LOCK_NAME, FREEZE_DIR_NAME):
        _no_link_out(Path(paths.source) / name, source, f"'{name}'")
    _no_link_in_tree_out(Path(paths.source) / FREEZE_DIR_NAME, FREEZE_DIR_NAME + "/")


def _no_link_out(path: Path, root: Path, what: str) -> None:
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        raise UnsafeWriteError(f"{what} is a symlink to {os.readlink(path)}, outside {root.name}/: "
                               "the build would write there", file=path,
                               hint="remove the link; the build makes what it needs")


def _no_link_in_tree_out(folder: Path, label: str, skip: Path | None = None) -> None:
    """No symlink anywhere in `folder` (the cache, or _freeze/, which the build reads, writes and replaces
    in place) leads out of it. os.scandir's entries know whether they are links without a stat each."""
    if folder.is_dir():
        _links_out(str(folder), folder, folder.resolve(), label, str(skip))


def _links_out(path: str, folder: Path, root: Path, label: str, skip: str) -> None:
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_symlink():
                link = Path(entry.path)
                _no_link_out(link, root, f"'{link.relative_to(folder).as_posix()}' in {label}")
            elif entry.is_dir(follow_symlinks=False) and entry.path != skip:   # the spare site: the writer unlinks
                _links_out(entry.path, folder, root, label, skip)
