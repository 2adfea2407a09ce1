"""`content/figures.lock`: each figure's input key and output hashes, committed with the blog.

Like a package lock, the build keeps it up to date: a figure whose inputs changed (the
author edited its spec, model or data) gets its new entry. A figure whose input key is
the one in the lock but whose output hashes differ has *drifted*: the same inputs gave
other bytes on this machine (a build that takes its figures from `_freeze/` never does).
The build keeps the locked entry then and says so in one line; `layerpress check` tells
whether the difference matters. Delete the entry (or the file) to accept it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from generator import confine
from generator.errors import LayerpressError

LOCK_NAME = confine.LOCK_NAME
LOCK_VERSION = 1
INPUTS_CHANGED = "inputs changed"
OUTPUT_DRIFTED = "output drifted"


class LockfileError(LayerpressError):
    """figures.lock cannot be read."""


@dataclass(frozen=True)
class LockEntry:
    figure_id: str
    post: str                            # the post's path relative to the source folder
    input_key: str
    outputs: dict                        # site-relative path -> sha256

    @property
    def key(self) -> tuple[str, str]:
        return self.post, self.figure_id

    def as_json(self) -> dict:
        return {"id": self.figure_id, "post": self.post, "input_key": self.input_key,
                "outputs": dict(sorted(self.outputs.items()))}


@dataclass(frozen=True)
class LockDifference:
    figure_id: str
    post: str
    what: str                            # INPUTS_CHANGED or OUTPUT_DRIFTED
    files: tuple = ()                    # the outputs whose hashes differ

    def __str__(self) -> str:
        files = f" ({', '.join(self.files)})" if self.files else ""
        return f"figure '{self.figure_id}' in {self.post}: {self.what}{files}"


def lock_path(source: Path) -> Path:
    return Path(source) / LOCK_NAME


def entries_from_manifest(figures: list[dict]) -> dict[tuple[str, str], LockEntry]:
    """Lock entries for the figures of a build manifest (`site/figures.json`)."""
    entries = (LockEntry(figure["id"], figure["post"], figure["cache_key"], dict(figure["outputs"]))
               for figure in figures)
    return {entry.key: entry for entry in entries}


def read_lock(source: Path) -> dict[tuple[str, str], LockEntry]:
    """The locked entries, or none when the blog has no lock file yet."""
    path = lock_path(source)
    if not os.path.lexists(path):
        return {}
    try:
        data = json.loads(confine.read_text(source, path, "state", LockfileError, what="lock file"))
        entries = [LockEntry(item["id"], item["post"], item["input_key"], dict(item["outputs"]))
                   for item in data["figures"]]
    except json.JSONDecodeError as error:
        raise LockfileError(f"not valid JSON: {error.msg}", file=path, line=error.lineno,
                            hint="delete the file, the next build writes it again") from None
    except (KeyError, TypeError) as error:
        raise LockfileError(f"not a layerpress lock file (missing {error})", file=path,
                            hint="delete the file, the next build writes it again") from None
    return {entry.key: entry for entry in entries}


def compare(locked: dict, current: dict) -> list[LockDifference]:
    """How each current figure differs from its locked entry; new figures are not differences."""
    differences = []
    for key, entry in sorted(current.items()):
        old = locked.get(key)
        if old is None or old.outputs == entry.outputs:
            continue
        if old.input_key != entry.input_key:
            differences.append(LockDifference(entry.figure_id, entry.post, INPUTS_CHANGED))
        else:
            changed = sorted(path for path in old.outputs.keys() | entry.outputs.keys()
                             if old.outputs.get(path) != entry.outputs.get(path))
            differences.append(LockDifference(entry.figure_id, entry.post, OUTPUT_DRIFTED, tuple(changed)))
    return differences


def updated(locked: dict, current: dict, differences: list[LockDifference]) -> dict:
    """The current entries, except that drifted figures keep their locked entry."""
    drifted = {(d.post, d.figure_id) for d in differences if d.what == OUTPUT_DRIFTED}
    return {key: locked[key] if key in drifted else entry for key, entry in current.items()}


def lock_text(entries: dict) -> str:
    figures = [entries[key].as_json() for key in sorted(entries)]
    return json.dumps({"version": LOCK_VERSION, "figures": figures}, indent=2, sort_keys=True) + "\n"


def write_lock(source: Path, entries: dict) -> bool:
    """Write the lock file if its text changes; True when it did."""
    path = lock_path(source)
    if not entries and not path.is_file():
        return False  # a blog without figures needs no lock file
    text = lock_text(entries)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def summarise(differences: list[LockDifference]) -> str:
    """One line for the build's output: how many figures drew other bytes than the lock holds."""
    drifted = [d for d in differences if d.what == OUTPUT_DRIFTED]
    if not drifted:
        return ""
    names = ", ".join(f"'{d.figure_id}'" for d in drifted[:3]) + (f" and {len(drifted) - 3} more" if len(drifted) > 3 else "")
    figures = "1 figure" if len(drifted) == 1 else f"{len(drifted)} figures"
    return (f"{figures} drawn on this machine differ from figures.lock ({names}); "
            f"`layerpress check` compares them by meaning, `layerpress freeze` publishes the same bytes everywhere")


def record_build(source: Path, figures: list[dict]) -> list[LockDifference]:
    """Called by the build with its figure manifest: update the lock, return what differed."""
    locked = read_lock(source)
    current = entries_from_manifest(figures)
    differences = compare(locked, current)
    write_lock(source, updated(locked, current, differences))
    return differences
