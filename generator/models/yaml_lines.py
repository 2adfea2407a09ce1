"""YAML loading that remembers the line of every mapping key and list item."""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A mapping from YAML; `lines[key]` is the 1-based line of the key, `start` of the mapping."""

    lines: dict
    start: int | None = None

    def line(self, key, default: int | None = None) -> int | None:
        return getattr(self, "lines", {}).get(key, default if default is not None else self.start)


class LineList(list):
    """A sequence from YAML; `lines[i]` is the 1-based line of item i."""

    lines: list


class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # chosen at run time
    """libyaml's parser when PyYAML has it: its nodes keep their marks, so lines survive."""


def _construct_map(loader: LineLoader, node):
    data = LineDict()
    yield data
    data.update(loader.construct_mapping(node))
    data.lines = {loader.construct_object(key): key.start_mark.line + 1 for key, _ in node.value}
    data.start = node.start_mark.line + 1


def _construct_seq(loader: LineLoader, node):
    data = LineList()
    yield data
    data.extend(loader.construct_sequence(node))
    data.lines = [item.start_mark.line + 1 for item in node.value]


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load(text: str):
    return yaml.load(text, Loader=LineLoader)


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
