"""Every file a blog names stays inside the blog: `confined(source, path)` or an error.

Paths that posts, figure blocks, model specs and `_config.yml` name (probes, `load:`,
`weights:`, data folders, layouts, includes, pages) are resolved with symlinks followed
and must end inside the source folder, so that building someone else's blog cannot read
(and publish) `~/.ssh/id_rsa` or `/etc/passwd`. Data shared by several blogs can be
allowed explicitly in `_config.yml`:

    layerpress:
      shared_folders: [../shared-data]     # relative to the blog folder
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.errors import LayerpressError
from generator.names import name_problem, shown

HINT = "keep the file inside the blog folder, or list its folder in layerpress.shared_folders of _config.yml"


def confined(source: Path, path: Path | str, error=LayerpressError, *, what: str = "path",
             file=None, line: int | None = None) -> Path:
    """`source / path` if it resolves (symlinks followed) inside `source` or a shared folder,
    else `error(...)` located at `file:line`."""
    problem = name_problem(str(path))
    if problem:   # before the file system is asked: it raises ValueError or OSError for these
        raise error(f"{what} '{shown(str(path))}' {problem}", file=file, line=line)
    target = Path(source) / path
    if not is_confined(source, target):
        direct = Path(path).is_absolute() or ".." in Path(path).parts
        how = "" if direct else " (a symlink leads there)"
        raise error(f"{what} '{path}' is outside the blog folder{how}", file=file, line=line, hint=HINT)
    return target


def is_confined(source: Path, path: Path) -> bool:
    real = Path(path).resolve()
    return any(real.is_relative_to(root) for root in allowed_roots(Path(source)))


def allowed_roots(source: Path) -> tuple[Path, ...]:
    """The source folder and the `layerpress.shared_folders` of its _config.yml, resolved."""
    from generator.config import CONFIG_NAME

    config = Path(source) / CONFIG_NAME
    try:
        stamp = config.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _roots(Path(source).resolve(), stamp)


@lru_cache(maxsize=32)
def _roots(source: Path, stamp: int | None) -> tuple[Path, ...]:
    from generator.config import load_config

    if stamp is None:
        return (source,)
    try:
        shared = load_config(source).option("shared_folders")
    except (LayerpressError, OSError):
        return (source,)  # the build reports a broken _config.yml itself
    return (source, *((source / folder).resolve() for folder in shared))
