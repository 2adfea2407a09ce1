"""The one YAML reader: values together with the file line of each key (and of each list item).

Used for `_config.yml`, front matter, figure blocks and model specs. libyaml parses
(`yaml.CSafeLoader`, about ten times faster than PyYAML's own parser) and its nodes keep
their marks, so lines survive. Dates stay text, so an impossible date is reported as one.

- `load_mapping(text, file=, first_line=, error=)` -> `(dict, {key: line})`: plain values and
  the lines of the top-level keys (front matter, `_config.yml`, figure blocks: the fast path).
- `load_with_lines(text, file=, first_line=, error=)` -> values whose mappings are `LineDict`
  and lists `LineList`, remembering the line of every key and item at any depth (model specs).

`first_line` is the file line on which `text` starts, so that lines point into the file
rather than into a snippet. Malformed YAML raises `error` with one wording for every caller.
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.budgets import check_size
from generator.errors import LayerpressError

MALFORMED_HINT = "check the indentation and quote values that contain ': '"


class TextDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader that leaves dates as text (a `Timestamp` when unquoted)."""


class Timestamp(str):
    """An unquoted YAML timestamp, kept as its text: Ruby's YAML (and so Jekyll) reads one with a time
    and no offset as UTC, where quoted text is read in the site's zone."""


def _construct_timestamp(loader, node) -> Timestamp:
    return Timestamp(loader.construct_scalar(node))


TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class LineDict(dict):
    """A mapping from YAML; `lines[key]` is the file line of the key, `start` that of the mapping."""

    lines: dict
    start: int | None = None

    def line(self, key, default: int | None = None) -> int | None:
        return getattr(self, "lines", {}).get(key, default if default is not None else self.start)


class LineList(list):
    """A sequence from YAML; `lines[i]` is the file line of item i."""

    lines: list


class LinesLoader(TextDatesLoader):
    """Builds LineDict / LineList with the file lines of keys and items."""

    first_line = 1


def _construct_map(loader: LinesLoader, node):
    data = LineDict()
    yield data
    data.update(loader.construct_mapping(node))
    data.lines = {loader.construct_object(key): loader.first_line + key.start_mark.line for key, _ in node.value}
    data.start = loader.first_line + node.start_mark.line


def _construct_seq(loader: LinesLoader, node):
    data = LineList()
    yield data
    data.extend(loader.construct_sequence(node))
    data.lines = [loader.first_line + item.start_mark.line for item in node.value]


LinesLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LinesLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_mapping(text: str, *, file, first_line: int = 1, error=LayerpressError) -> tuple[dict, dict]:
    """Parse `text` as a YAML mapping (empty text is `{}`); return (data, {top-level key: file line})."""
    check_size(text, "yaml_bytes", what="YAML text", file=file, line=first_line, error=error)
    node, data = _parse(TextDatesLoader(text), file, first_line, error)
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise error("YAML must be a mapping of keys to values", file=file, line=first_line)
    return data, {key.value: first_line + key.start_mark.line for key, _ in node.value}


def load_with_lines(text: str, *, file, first_line: int = 1, error=LayerpressError) -> Any:
    """Parse `text`; every mapping is a LineDict and every list a LineList (None for empty text)."""
    check_size(text, "yaml_bytes", what="YAML text", file=file, line=first_line, error=error)
    loader = LinesLoader(text)
    loader.first_line = first_line
    return _parse(loader, file, first_line, error)[1]


def _parse(loader, file, first_line: int, error) -> tuple[Any, Any]:
    """(root node, constructed value); both None for empty text."""
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        reason = getattr(problem, "problem", None) or str(problem)
        raise error(f"malformed YAML: {reason}", file=file, line=line, hint=MALFORMED_HINT) from None
    finally:
        loader.dispose()


def deep_merge(base, override):
    """`override` merged into `base` (mappings recursively); lines follow the value that wins."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    merged = LineDict(base)
    merged.lines = {**getattr(base, "lines", {}), **getattr(override, "lines", {})}
    merged.start = getattr(base, "start", None)
    for key, value in override.items():
        merged[key] = deep_merge(base[key], value) if key in base else value
    return merged
