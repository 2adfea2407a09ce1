"""The one rule for every file a build reads, and for every place it writes.

Reads. Every file a blog names or holds (documents, layouts and the layouts they name, includes,
data files and `data_dir`, static files, Sass pages, partials and `load_paths`, theme files,
model specs, probes, model and weights files, data set images) is read through `read_bytes`,
`read_text` or, for a library that opens the file by its name (Keras, Pillow), `checked_file`.
Each resolves the path with symlinks followed and refuses it unless it ends inside

- the blog folder,
- the installed theme gem the blog names (`theme: minima`, found as `jekyll/themes.py` finds it),
- a folder of the allow-list in `_config.yml` (`layerpress.shared_folders`, checked by `load_config`):

      layerpress:
        shared_folders: [../shared-data]     # relative to the blog folder

and then reads it only if it is a regular file within its kind's size limit (`generator/readable.py`),
so that building someone else's blog cannot publish `~/.ssh/id_rsa`, nor hang on a pipe.

Writes. A build writes only into its destination (`generator/destination.py`) and its cache;
`check_writable` refuses, before anything is written, a cache folder (or any folder in it) or a
state file (`figures.lock`, `_freeze/`) that is a symlink leading out of where it belongs.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from generator.config import CACHE_DIR_NAME, CONFIG_NAME, Paths, load_config
from generator.errors import ConfigError, LayerpressError
from generator.jekyll.themes import find_theme
from generator.uptodate import spare_path
from generator.readable import checked_size, decode_utf8
from generator.readable import read_bytes as read_regular

HINT = "keep the file inside the blog folder, or list its folder in layerpress.shared_folders of _config.yml"
LOCK_NAME = "figures.lock"        # the state files a build writes into the blog (lockfile.py,
FREEZE_DIR_NAME = "_freeze"       # freeze.FREEZE_DIR)


class UnsafeWriteError(LayerpressError):
    """A folder or file the build writes is a symlink leading out of the blog or the cache."""


def confined(source: Path, path: Path | str, error=LayerpressError, *, what: str = "path",
             file=None, line: int | None = None) -> Path:
    """`source / path` if it resolves (symlinks followed) inside `source`, the theme it names or a
    shared folder, else `error(...)` located at `file:line` (default: the path itself)."""
    target = Path(source) / path
    if not is_confined(source, target):
        written = Path(os.path.normpath(os.path.abspath(target)))   # where the path leads without its symlinks
        direct = not any(written.is_relative_to(root) for root in (Path(os.path.abspath(source)),
                                                                   *allowed_roots(Path(source))))
        how = "" if direct else " (a symlink leads there)"
        raise error(f"{what} '{shown(source, path)}' is outside the blog folder{how}",
                    file=file or target, line=line, hint=HINT)
    return target


def checked_file(source: Path, path: Path | str, kind: str, error=LayerpressError, *, what: str = "file",
                 file=None, line: int | None = None) -> Path:
    """`confined(...)`, and a regular file within the size limit of its `kind` (see readable.LIMITS):
    for the files a library opens by name (Keras models and weights, Pillow's images)."""
    target = confined(source, path, error, what=what, file=file, line=line)
    checked_size(target.resolve(), kind, error=error, what=what, shown=shown(source, path), file=file or target,
                 line=line)
    return target


def read_bytes(source: Path, path: Path | str, kind: str, error=LayerpressError, *, what: str = "file",
               file=None, line: int | None = None) -> bytes:
    """The bytes of `source / path`, if `checked_file` allows it (the file read is the one checked)."""
    target = confined(source, path, error, what=what, file=file, line=line)
    return read_regular(target.resolve(), kind, error=error, what=what, shown=shown(source, path),
                        file=file or target, line=line)


def read_text(source: Path, path: Path | str, kind: str, error=LayerpressError, *, what: str = "file",
              file=None, line: int | None = None) -> str:
    """`read_bytes` decoded as UTF-8 (other bytes are an error naming their line)."""
    data = read_bytes(source, path, kind, error, what=what, file=file, line=line)
    return decode_utf8(data, Path(source) / path, error)


def is_confined(source: Path, path: Path) -> bool:
    real = Path(path).resolve()
    return any(real.is_relative_to(root) for root in allowed_roots(Path(source)))


def shown(source: Path, path: Path | str) -> str:
    """A path as the message names it: relative to the blog when it is written inside it."""
    path = Path(path)
    if path.is_absolute() and path.is_relative_to(source):
        return path.relative_to(source).as_posix()
    return str(path)


def allowed_roots(source: Path) -> tuple[Path, ...]:
    """The folders a blog's files may resolve into: the blog, the theme gem it names, and the
    `layerpress.shared_folders` of its _config.yml, resolved."""
    config = Path(source) / CONFIG_NAME
    try:
        stamp = config.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _roots(Path(source).resolve(), stamp, os.environ.get("GEM_HOME", ""), os.environ.get("GEM_PATH", ""))


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
    _no_link_in_tree_out(cache)
    for name in (LOCK_NAME, FREEZE_DIR_NAME):
        _no_link_out(Path(paths.source) / name, source, f"'{name}'")


def _no_link_out(path: Path, root: Path, what: str) -> None:
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        raise UnsafeWriteError(f"{what} is a symlink to {os.readlink(path)}, outside {root.name}/: "
                               "the build would write there", file=path,
                               hint="remove the link; the build makes what it needs")


def _no_link_in_tree_out(cache: Path) -> None:
    """No symlink anywhere in the cache leads out of it (the cache is written and replaced in place)."""
    if not cache.is_dir():
        return
    root, spare = cache.resolve(), spare_path(cache)
    for folder, dirs, files in os.walk(cache):
        dirs[:] = [name for name in dirs if Path(folder) / name != spare]   # a copy of the site: the writer unlinks
        for name in dirs + files:
            path = Path(folder) / name
            if path.is_symlink():
                _no_link_out(path, root, f"'{path.relative_to(cache).as_posix()}' in the cache")
