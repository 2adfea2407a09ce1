"""One build at a time per source folder and per destination: an fcntl lock file for each.

The lock files live in the user's temporary folder, named by a digest of the folder's
real path, so nothing is written beside the user's files. The kernel drops an flock when
its process dies, so a lock left by a killed build never blocks; the pid written into
the file only serves the message. Locks are re-entrant within a process (`publish`
holds them around its build).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import tempfile
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path

from generator.errors import LayerpressError

_held: dict[str, int] = {}          # lock file -> depth, for this process
_guard = threading.Lock()


class BuildLockedError(LayerpressError):
    """Another process is building the same source or into the same destination."""


def lock_path(folder: Path) -> Path:
    name = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:24]
    root = Path(tempfile.gettempdir()) / f"layerpress-locks-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    status = root.lstat()
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():  # planted by someone else
        raise LayerpressError(f"the build-lock folder {root} is not a folder of yours",
                              hint="remove it, or set TMPDIR to a folder of your own")
    return root / f"{name}.lock"


@contextmanager
def build_lock(*folders: Path, wait: bool = False):
    """Hold the build locks of `folders` (source and destination) for the block.

    Without `wait`, a lock held by another process raises "another build is running (pid N)".
    """
    with ExitStack() as stack:
        for path in sorted({str(lock_path(folder)) for folder in folders}):
            stack.enter_context(_one_lock(Path(path), wait))
        yield


@contextmanager
def _one_lock(path: Path, wait: bool):
    key = str(path)
    with _guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    handle = open(path, "a+")  # noqa: SIM115 (held across the yield, closed in the finally below)
    try:
        _acquire(handle, wait)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _acquire(handle, wait: bool) -> None:
    if wait:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "unknown"
        raise BuildLockedError(f"another build is running (pid {pid}) on this source or destination",
                               hint="wait for it to finish, then build again") from None
