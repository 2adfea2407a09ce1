"""The checks of figure-block keys, on the option framework (generator/options.py).

A kind declares `KEYS = named({"name": Key(check, default, "help"), ...})`; a check returns
the normalised value or raises Invalid with the phrase that completes "'NAME' must be ...".
"""

from __future__ import annotations

from generator.options import REQUIRED, Invalid, Option, choice, expects, named, positive_int

Key = Option
__all__ = ["REQUIRED", "Key", "named", "choice", "text", "positive_int", "non_negative_int", "boolean",
           "layer_name", "layer_names", "text_list", "int_pair", "matrix", "channel_selection", "Invalid"]


@expects("a non-empty string")
def text(value):
    if not isinstance(value, str) or not value.strip():
        raise Invalid()
    return value


@expects("an integer >= 0")
def non_negative_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid()
    return value


@expects("true or false")
def boolean(value):
    if not isinstance(value, bool):
        raise Invalid()
    return value


@expects("a layer name or index")
def layer_name(value):
    """A layer name, or its index in the model."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid()
    return value


@expects("a layer name or a list of them")
def layer_names(value):
    values = value if isinstance(value, list) else [value]
    if not values:
        raise Invalid()
    try:
        return [layer_name(v) for v in values]
    except Invalid:
        raise Invalid() from None


@expects("channel numbers: a range such as '0-63', a number, or a list of them")
def channel_selection(value):
    """Channel numbers, sorted and distinct: `0-63`, `5`, `[0, 4, 8-11]`."""
    chosen: set[int] = set()
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
            chosen.add(item)
            continue
        first, dash, last = str(item).partition("-") if isinstance(item, str) else ("", "", "")
        if not (dash and first.strip().isdigit() and last.strip().isdigit() and int(first) <= int(last)):
            raise Invalid()
        chosen.update(range(int(first), int(last) + 1))
    if not chosen:
        raise Invalid()
    return sorted(chosen)


@expects("a string or a list of strings")
def text_list(value):
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise Invalid()
    return values


@expects("a pair of positive integers, e.g. [8, 8]")
def int_pair(value):
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise Invalid()
    return value


@expects("a rectangular list of lists of numbers, e.g. [[1, 0], [0, -1]]")
def matrix(value):
    """A rectangular list of lists of numbers (e.g. a kernel)."""
    if (not isinstance(value, list) or not value or not all(isinstance(row, list) and row for row in value)
            or len({len(row) for row in value}) != 1
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for row in value for v in row)):
        raise Invalid()
    return value
