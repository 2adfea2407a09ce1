"""Data-set options: declared once per data set, checked with the spec's line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from generator.errors import DataError, did_you_mean

TYPE_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
              dict: "a mapping"}


@dataclass(frozen=True)
class Option:
    types: tuple
    default: object = None
    choices: tuple = ()
    required: bool = False


COMMON = {
    "name": Option((str,), required=True),
    "validation_split": Option((float,), 0.0),
    "seed": Option((int,), 0),
    "image_size": Option((list,), None),
    "color_mode": Option((str,), "grayscale", choices=("grayscale", "rgb")),
    "classes": Option((list,), None),
}


def type_name(value) -> str:
    """The YAML-level name of a value's type (a mapping is a mapping, whatever class holds it)."""
    for kind, name in ((bool, "bool"), (dict, "mapping"), (list, "list")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _matches(value, types: tuple) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, int) and float in types:
        return True
    return isinstance(value, types)


def resolve(spec: dict, options: dict[str, Option], line_of: Callable[[str], int | None] = lambda key: None,
            file=None) -> dict:
    """`spec` with defaults filled in; an unknown key, wrong type or bad choice raises DataError."""
    def fail(message, key, hint=None):
        raise DataError(f"dataset: {message}", file=file, line=line_of(key), hint=hint)

    for key, value in spec.items():
        if key not in options:
            fail(f"unknown option '{key}' for data set '{spec.get('name')}'", key, did_you_mean(key, options))
        option = options[key]
        if value is None and not option.required:
            continue
        if not _matches(value, option.types):
            fail(f"'{key}' must be {TYPE_NAMES[option.types[0]]}, not {type_name(value)}", key)
        if option.choices and value not in option.choices:
            fail(f"'{key}' must be one of {', '.join(option.choices)}, not '{value}'", key,
                 did_you_mean(value, option.choices))
    for key, option in options.items():
        if option.required and key not in spec:
            fail(f"missing '{key}'", "name" if "name" in spec else key)
    resolved = {key: spec.get(key, option.default) for key, option in options.items()}
    _check_ranges(resolved, fail)
    return resolved


def _check_ranges(resolved: dict, fail) -> None:
    for key in ("validation_split", "test_split"):
        if key in resolved and not 0 <= resolved[key] < 1:
            fail(f"'{key}' must be at least 0 and below 1, not {resolved[key]}", key)
    for key, value in resolved.items():
        counts = key.endswith(("per_class", "_examples"))
        if counts and isinstance(value, int) and not isinstance(value, bool) and value < 1:
            fail(f"'{key}' must be a positive integer, not {value}", key)
    size = resolved.get("image_size")
    if size is not None and not (len(size) == 2 and all(isinstance(n, int) and not isinstance(n, bool) and n > 0
                                                        for n in size)):
        fail(f"'image_size' must be [height, width] with positive integers, not {size}", "image_size")
