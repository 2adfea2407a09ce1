"""Jekyll's front matter defaults (`defaults:` in _config.yml): values a document gets unless its
own front matter sets them, chosen by `scope: {path, type}`, the most specific scope winning."""

from __future__ import annotations

import fnmatch


# The `type:` names that cover a kind of document; a collection's documents are of its label's type.
TYPES = {"post": ("posts",), "draft": ("drafts", "posts"), "page": ("pages",)}


def applicable(config, relative_path: str, kind: str) -> list[dict]:
    """The `values` of every default set whose scope covers the document, least specific first."""
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
    return [values for _, values in sorted(chosen, key=lambda item: item[0])]


def with_defaults(config, relative_path: str, kind: str, front_matter: dict) -> dict:
    merged: dict = {}
    for values in applicable(config, relative_path, kind):
        merged.update(values)
    return merged | front_matter
