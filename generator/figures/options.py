"""The checks of figure-block keys, on the option framework (generator/options.py).

A kind declares `KEYS = named({"name": Key(check, default, "help"), ...})`; a check returns
the normalised value or raises Invalid with the phrase that completes "'NAME' must be ...".
"""

from __future__ import annotations

from generator.options import REQUIRED, Invalid, Option, choice, named

Key = Option
__all__ = ["REQUIRED", "Key", "named", "choice", "text", "positive_int", "non_negative_int", "boolean",
           "layer_name", "layer_names", "text_list", "int_pair", "matrix", "Invalid"]


def text(value):
    if not isinstance(value, str) or not value.strip():
        raise Invalid("a non-empty string")
    return value


def positive_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid("a positive integer")
    return value


def non_negative_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid("an integer >= 0")
    return value


def boolean(value):
    if not isinstance(value, bool):
        raise Invalid("true or false")
    return value


def layer_name(value):
    """A layer name, or its index in the model."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid("a layer name or index")
    return value


def layer_names(value):
    values = value if isinstance(value, list) else [value]
    if not values:
        raise Invalid("a layer name or a list of them")
    try:
        return [layer_name(v) for v in values]
    except Invalid:
        raise Invalid("a layer name or a list of them") from None


def text_list(value):
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise Invalid("a string or a list of strings")
    return values


def int_pair(value):
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise Invalid("a pair of positive integers, e.g. [8, 8]")
    return value


def matrix(value):
    """A rectangular list of lists of numbers (e.g. a kernel)."""
    if (not isinstance(value, list) or not value or not all(isinstance(row, list) and row for row in value)
            or len({len(row) for row in value}) != 1
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for row in value for v in row)):
        raise Invalid("a rectangular list of lists of numbers, e.g. [[1, 0], [0, -1]]")
    return value
