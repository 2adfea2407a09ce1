"""A file a build reads is a regular file of bounded size, checked with stat BEFORE it is opened.

A named pipe would block the read forever, a device such as /dev/zero never ends, a socket
cannot be read at all, and a file of gigabytes would fill the memory: each is refused with one
error line naming the file, before a byte is read. The limits, per kind of file, are in
`LIMITS`, the one place they are declared: generous, far above what a real blog holds.

Where a file may be is the other half of the rule, `generator/confine.py`, which reads
through here. `_config.yml` is read here directly: it holds the allow-list itself.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.errors import LayerpressError

MB = 1 << 20
# Bytes a file of each kind may hold: far above any real blog's, far below a machine's memory.
LIMITS = {
    "config": 1 * MB,            # _config.yml
    "data": 32 * MB,             # _data/*.yml|json|csv|tsv
    "document": 16 * MB,         # posts, drafts and pages (Markdown, HTML)
    "template": 4 * MB,          # layouts and includes
    "sass": 4 * MB,              # Sass pages and partials
    "spec": 1 * MB,              # _models/*.yml
    "image": 256 * MB,           # probes and the images of folder data sets
    "static": 1024 * MB,         # files copied into the site as they are
    "model": 4096 * MB,          # Keras model and weights files
    "state": 64 * MB,            # figures.lock
}
KIND_NAMES = {
    "config": "configuration file", "data": "data file", "document": "document", "template": "template",
    "sass": "Sass file", "spec": "model spec", "image": "image", "static": "static file",
    "model": "model file", "state": "state file",
}
FILE_TYPES = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
              (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def checked_size(path: Path, kind: str, *, error=LayerpressError, what: str = "file", shown=None,
                 file=None, line: int | None = None) -> int:
    """The size of `path` if it is a regular file within the limit of its `kind`, else `error(...)`
    located at `file:line` (default: the file itself). Only stat: nothing is opened."""
    try:
        status = os.stat(path)
    except OSError as problem:
        raise error(f"{what} '{shown or path}' cannot be read ({problem.strerror})",
                    file=file or path, line=line) from None
    return _checked(status, path, kind, error=error, what=what, shown=shown, file=file, line=line)


def _checked(status: os.stat_result, path: Path, kind: str, *, error, what: str, shown, file, line) -> int:
    refused = problem(status, kind)
    if refused is not None:
        raise error(f"{what} '{shown or path}' {refused[0]}", file=file or path, line=line, hint=refused[1])
    return status.st_size


def problem(status: os.stat_result, kind: str) -> tuple[str, str] | None:
    """Why a file of this status may not be read as a file of `kind` (a phrase completing
    "file 'x' ..." and a hint), or None."""
    if not stat.S_ISREG(status.st_mode):
        sort = next((text for test, text in FILE_TYPES if test(status.st_mode)), "not a regular file")
        return f"is {sort}, not a regular file", "only regular files are read"
    limit = LIMITS[kind]
    if status.st_size > limit:
        return (f"is {size_text(status.st_size)}, more than the {size_text(limit)} a {KIND_NAMES[kind]} may hold",
                "is it the file you meant? (the limits are in generator/readable.py)")
    return None


def size_text(size: int) -> str:
    return f"{size / MB:,.1f}".removesuffix(".0") + " MB" if size >= MB else f"{size:,} bytes"


def read_bytes(path: Path, kind: str, *, error=LayerpressError, what: str = "file", shown=None,
               file=None, line: int | None = None) -> bytes:
    """The bytes of `path`, checked as `checked_size` says; opened without blocking and checked
    again on the open file, so a file swapped for a pipe in between cannot hang the build."""
    checked_size(path, kind, error=error, what=what, shown=shown, file=file, line=line)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        size = _checked(os.fstat(descriptor), path, kind, error=error, what=what, shown=shown, file=file, line=line)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(size)
    finally:
        os.close(descriptor)


def decode_utf8(data: bytes, path: Path, error=LayerpressError) -> str:
    """A text file's contents; bytes that are not UTF-8 are a user error naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise error("text is not UTF-8", file=path, line=line, hint="save the file as UTF-8") from None
