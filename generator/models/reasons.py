"""Why a model trains: which input of its cache key changed since the last time it was trained.

The store writes a model's key inputs (canonical spec, data fingerprint, file digests, library
versions) into its record; on a miss, the newest cached record of the same model and variant is
compared with the new inputs. Reading records needs no TensorFlow.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.frozen import RECORD_FILE


def key_difference(old: dict, new: dict) -> str:
    """What differs between two sets of key inputs, in words ("spec changed: fit, layers")."""
    changes = []
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    if old_spec.get("seed") != new_spec.get("seed"):
        changes.append(f"seed changed: {old_spec.get('seed')} -> {new_spec.get('seed')}")
    parts = sorted(key for key in set(old_spec) | set(new_spec)
                   if key != "seed" and old_spec.get(key) != new_spec.get(key))
    if parts:
        changes.append(f"spec changed: {', '.join(parts)}")
    if old.get("data") != new.get("data"):
        changes.append("data changed")
    files = sorted(key for key in set(old.get("files") or {}) | set(new.get("files") or {})
                   if (old.get("files") or {}).get(key) != (new.get("files") or {}).get(key))
    if files:
        changes.append(f"{' and '.join(files)} file changed")
    if old.get("imagenet_weights") != new.get("imagenet_weights"):
        changes.append("ImageNet weights file changed")
    old_versions, new_versions = old.get("versions") or {}, new.get("versions") or {}
    for library in sorted(set(old_versions) | set(new_versions)):
        if old_versions.get(library) != new_versions.get(library):
            changes.append(f"{library} {old_versions.get(library)} -> {new_versions.get(library)}")
    return "; ".join(changes) or "cache key changed"


def why_training(models_root: Path, name: str, variant: str | None, inputs: dict, *, forced: bool) -> str:
    """The reason a model with these key inputs trains now (its cache entry is missing)."""
    if forced:
        return "forced"
    previous = _newest_record(models_root, name, variant)
    if previous is None:
        return "not in the cache"
    if "key_inputs" not in previous:
        return "cache key changed (the cached model predates recorded key inputs)"
    return key_difference(previous["key_inputs"], inputs)


def _newest_record(models_root: Path, name: str, variant: str | None) -> dict | None:
    newest, newest_time = None, None
    for path in Path(models_root).glob(f"*/*/{RECORD_FILE}"):
        try:
            record = json.loads(path.read_text())
            modified = path.stat().st_mtime
        except (OSError, ValueError):
            continue
        if record.get("name") == name and record.get("variant") == variant and (
                newest_time is None or modified > newest_time):
            newest, newest_time = record, modified
    return newest
