"""Data-set options, on the option framework (generator/options.py): declared once per data set.

A source declares `OPTIONS = {**COMMON, "per_class": Option((int,), 100, help="..."), ...}`;
`resolve` checks a spec against them with the spec's line numbers. A null value is kept
(not replaced by the default), as the data set's code expects.
"""

from __future__ import annotations

from collections.abc import Callable

from generator import options as framework
from generator.errors import DataError

LABEL = "dataset"


def Option(types: tuple, default=None, choices: tuple = (), required: bool = False,
           help: str = "") -> framework.Option:
    """A data-set option: a value of one of `types` (or null), optionally one of `choices`."""
    check = framework.choice(*choices, allow_none=not required) if choices else \
        framework.of_type(*types, allow_none=not required)
    return framework.Option(check, framework.REQUIRED if required else default, help)


COMMON = framework.named({
    "name": Option((str,), required=True, help="The data set: shapes, folder or fashion-mnist."),
    "validation_split": Option((float,), 0.0, help="The share of the training examples held out for validation."),
    "seed": Option((int,), 0, help="The seed of the split (and of generated images)."),
    "image_size": Option((list,), None, help="[height, width] the images are resized to."),
    "color_mode": Option((str,), "grayscale", choices=("grayscale", "rgb"), help="grayscale or rgb."),
    "classes": Option((list,), None, help="The classes used, in order (default: all)."),
})


def resolve(spec: dict, options: dict[str, framework.Option],
            line_of: Callable[[str], int | None] = lambda key: None, file=None, added: tuple[str, ...] = ()) -> dict:
    """`spec` with defaults filled in; an unknown key, wrong type or bad choice raises DataError.

    The `added` keys (options a source gained later) are left out while at their defaults, so
    that a spec that does not use them keeps its model's cache key and its data fingerprint."""
    where = framework.Where(file, line_of, DataError, LABEL)
    resolved = framework.validate(spec, framework.named(options), where)
    _check_ranges(resolved, where)
    return {key: value for key, value in resolved.items() if not (key in added and value == options[key].default)}


def option_value(options: dict, key: str, declared: dict[str, framework.Option]):
    """A resolved option, or its default when `resolve` left an added key out."""
    return options.get(key, declared[key].default)


@framework.expects("a number from 0 to 1")
def share(number):
    """A share or a probability: a number from 0 to 1."""
    if not framework.is_of_type(number, (float,)) or not 0 <= number <= 1:
        raise framework.Invalid()
    return number


@framework.expects("a non-negative integer")
def count(number):
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise framework.Invalid()
    return number


def span(low: float, high: float | None = None) -> Callable:
    """[smallest, largest]: two numbers, the first not above the second, both at least `low` (and at most `high`)."""
    bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"

    @framework.expects(f"[smallest, largest], two numbers {bounds}")
    def check(pair):
        numbers = isinstance(pair, list) and len(pair) == 2 and all(framework.is_of_type(n, (float,)) for n in pair)
        if not numbers or not low <= pair[0] <= pair[1] or (high is not None and pair[1] > high):
            raise framework.Invalid()
        return pair

    return check


def _check_ranges(resolved: dict, where: framework.Where) -> None:
    for key in ("validation_split", "test_split"):
        if key in resolved and resolved[key] is not None and not 0 <= resolved[key] < 1:
            raise where.invalid(key, "at least 0 and below 1", resolved[key])
    for key, value in resolved.items():
        counts = key.endswith(("per_class", "_examples"))
        if counts and isinstance(value, int) and not isinstance(value, bool) and value < 1:
            raise where.invalid(key, "a positive integer", value)
    size = resolved.get("image_size")
    if size is not None and not (len(size) == 2 and all(isinstance(n, int) and not isinstance(n, bool) and n > 0
                                                        for n in size)):
        raise where.invalid("image_size", "[height, width] with positive integers", size)
