"""Typed keys of a figure block: each checks and normalises one YAML value.

A check returns the normalised value or raises ValueError with the phrase that
completes "key 'NAME' must be ...".
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

REQUIRED = object()


@dataclass(frozen=True)
class Key:
    check: Callable[[Any], Any]
    default: Any = REQUIRED


def text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a non-empty string")
    return value


def positive_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("a positive integer")
    return value


def non_negative_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("an integer >= 0")
    return value


def boolean(value):
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def choice(*allowed: str) -> Callable:
    def check(value):
        if value not in allowed:
            raise ValueError("one of " + ", ".join(allowed))
        return value

    return check


def layer_name(value):
    """A layer name, or its index in the model."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("a layer name or index")
    return value


def layer_names(value):
    values = value if isinstance(value, list) else [value]
    if not values:
        raise ValueError("a layer name or a list of them")
    try:
        return [layer_name(v) for v in values]
    except ValueError:
        raise ValueError("a layer name or a list of them") from None


def text_list(value):
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError("a string or a list of strings")
    return values


def int_pair(value):
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise ValueError("a pair of positive integers, e.g. [8, 8]")
    return value


def matrix(value):
    """A rectangular list of lists of numbers (e.g. a kernel)."""
    if (not isinstance(value, list) or not value or not all(isinstance(row, list) and row for row in value)
            or len({len(row) for row in value}) != 1
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for row in value for v in row)):
        raise ValueError("a rectangular list of lists of numbers, e.g. [[1, 0], [0, -1]]")
    return value
