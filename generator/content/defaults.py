"""Jekyll's front matter defaults (`defaults:` in _config.yml): values a document gets unless its
own front matter sets them, chosen by `scope: {path, type}`, the most specific scope winning."""

from __future__ import annotations

import fnmatch

from generator.config import read_config_text
from generator.errors import ConfigError
from generator.yaml_lines import LineDict, load_with_lines

# The `type:` names that cover a kind of document; a collection's documents are of its label's type.
TYPES = {"post": ("posts",), "draft": ("drafts", "posts"), "page": ("pages",)}


def applicable(config, relative_path: str, kind: str) -> list[tuple[int, dict]]:
    """(index in `defaults:`, `values`) of every default set whose scope covers the document, least
    specific first."""
    chosen = []
    for index, entry in enumerate(config.defaults):   # checked by load_config
        scope = entry.get("scope") or {}
        path = str(scope.get("path") or "").strip("/")
        kind_name = scope.get("type")
        if path and not (relative_path == path or relative_path.startswith(path + "/")
                         or fnmatch.fnmatch(relative_path, path) or fnmatch.fnmatch(relative_path, path + "/*")):
            continue
        if kind_name and kind_name not in TYPES.get(kind, (kind,)):
            continue
        chosen.append(((path.count("/") + 1 if path else 0, bool(kind_name), index), entry["values"]))
    return [(order[2], values) for order, values in sorted(chosen, key=lambda item: item[0])]


def with_defaults(config, relative_path: str, kind: str, front_matter: dict) -> tuple[dict, dict]:
    """The front matter with the defaults it lacks, and {key: index of the default set that gave it}."""
    merged: dict = {}
    origins: dict = {}
    for index, values in applicable(config, relative_path, kind):
        merged.update(values)
        origins.update(dict.fromkeys(values, index))
    return merged | front_matter, {key: index for key, index in origins.items() if key not in front_matter}


def line_in_config(config, index: int, key: str) -> int | None:
    """The `_config.yml` line of `key:` in the `values:` of default set `index` (the file is parsed again
    with lines: only a message needs it)."""
    data = load_with_lines(read_config_text(config.source), file=config.file, error=ConfigError)
    sets = data.get("defaults") if isinstance(data, dict) else None
    if not isinstance(sets, list) or index >= len(sets) or not isinstance(sets[index], dict):
        return None
    values = sets[index].get("values")
    return values.line(key) if isinstance(values, LineDict) else None
