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
            line_of: Callable[[str], int | None] = lambda key: None, file=None) -> dict:
    """`spec` with defaults filled in; an unknown key, wrong type or bad choice raises DataError."""
    where = framework.Where(file, line_of, DataError, LABEL)
    resolved = framework.validate(spec, framework.named(options), where)
    _check_ranges(resolved, where)
    return resolved


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
