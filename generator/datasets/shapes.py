"""Hand-drawn-looking circles, squares and triangles, generated from a seed.

Each image is drawn at 4x its size with Pillow and downsampled (anti-aliasing). Every
random choice comes from one `np.random.default_rng` per split, so the same options give
byte-identical arrays. Bump VERSION whenever the drawing changes: it is part of the
data set's memoised fingerprint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from generator.datasets.images import convert
from generator.datasets.options import COMMON, Option
from generator.errors import DataError, did_you_mean

if TYPE_CHECKING:
    from pathlib import Path
    from generator.datasets.arrays import Arrays

VERSION = 1
SUPERSAMPLE = 4
SIDES = {"circle": 0, "square": 4, "triangle": 3}

OPTIONS = {
    **COMMON,
    "classes": Option((list,), ["circle", "square", "triangle"], help="The shapes drawn, one class each."),
    "image_size": Option((list,), [28, 28], help="[height, width] of each image."),
    "per_class": Option((int,), 100, help="Training images per class."),
    "test_per_class": Option((int,), None, help="Test images per class; default: a quarter of per_class."),
    "foreground": Option((list,), ["white"], help="Colours the shapes are drawn in, picked at random."),
    "background": Option((list,), ["black"], help="Background colours, picked at random."),
    "stroke_width": Option((list,), [1.0, 3.0], help="[smallest, largest] line width, in pixels."),
    "size": Option((list,), [0.4, 0.9], help="[smallest, largest] shape size, as a share of the image."),
    "wobble": Option((float,), 0.06, help="How far the hand-drawn outline strays, as a share of the size."),
    "filled": Option((float,), 0.3, help="The share of shapes drawn filled."),
    "rotate": Option((bool,), True, help="Turn each shape by a random angle."),
}


def generate(options: dict):
    """(x_train, y_train, x_test, y_test, class_names) for resolved `options`."""
    classes = list(options["classes"])
    for name in classes:
        if name not in SIDES:
            raise DataError(f"dataset: unknown shape '{name}'", hint=did_you_mean(name, SIDES) or
                            f"shapes are {', '.join(SIDES)}")
    if options["per_class"] < 1 or (options["test_per_class"] is not None and options["test_per_class"] < 1):
        raise DataError("dataset: 'per_class' and 'test_per_class' must be at least 1")
    palettes = [_palette(options[key], key) for key in ("foreground", "background")]
    test_per_class = options["test_per_class"] or max(1, options["per_class"] // 4)
    x_train, y_train = _draw_split(options, classes, palettes, options["per_class"], stream=0)
    x_test, y_test = _draw_split(options, classes, palettes, test_per_class, stream=1)
    return x_train, y_train, x_test, y_test, classes


def _palette(colours: list, key: str) -> list[tuple]:
    try:
        return [ImageColor.getrgb(str(colour)) for colour in colours]
    except ValueError as error:
        raise DataError(f"dataset: '{key}': {error}", hint="use names like 'white' or '#rrggbb'") from None


def _draw_split(options, classes, palettes, per_class: int, stream: int):
    rng = np.random.default_rng([options["seed"], stream])
    labels = rng.permutation(np.repeat(np.arange(len(classes)), per_class))
    images = np.stack([_draw(rng, classes[label], options, palettes) for label in labels])
    return images, labels.astype(np.int64)


def _draw(rng, shape: str, options: dict, palettes) -> np.ndarray:
    height, width = options["image_size"]
    big = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    foreground, background = palettes
    back = background[rng.integers(len(background))]
    fore_choices = [c for c in foreground if c != back] or foreground
    fore = fore_choices[rng.integers(len(fore_choices))]
    image = Image.new("RGB", big, back)
    radius = rng.uniform(*options["size"]) * min(big) / 2
    centre = [rng.uniform(radius, side - radius) for side in big]
    angle = rng.uniform(0, 2 * np.pi) if options["rotate"] else 0.0
    stroke = max(1, int(round(rng.uniform(*options["stroke_width"]) * SUPERSAMPLE)))
    points = _outline(rng, SIDES[shape], radius, centre, angle, options["wobble"])
    draw = ImageDraw.Draw(image)
    if rng.random() < options["filled"]:
        draw.polygon(points, fill=fore)
    draw.line(points + points[:1], fill=fore, width=stroke, joint="curve")
    return convert(image, options["image_size"], options["color_mode"])


def _outline(rng, sides: int, radius: float, centre, angle: float, wobble: float) -> list[tuple]:
    """Outline points: a jittered regular polygon with slightly bent edges, or a lumpy circle."""
    if sides == 0:
        theta = np.linspace(0, 2 * np.pi, 48, endpoint=False)
        phases = rng.uniform(0, 2 * np.pi, 3)
        lumps = sum(np.sin(k * theta + phase) for k, phase in zip((2, 3, 5), phases)) / 3
        r = radius * (1 + wobble * lumps * 2)
    else:
        corners = np.linspace(0, 2 * np.pi, sides, endpoint=False)
        corner_r = radius * (1 + rng.normal(0, wobble, sides))
        corner_t = corners + rng.normal(0, wobble, sides)
        corner_xy = np.stack([corner_r * np.cos(corner_t), corner_r * np.sin(corner_t)], axis=1)
        steps = np.linspace(0, 1, 8, endpoint=False)[:, None]
        edges = [a + steps * (b - a) for a, b in zip(corner_xy, np.roll(corner_xy, -1, axis=0))]
        xy = np.concatenate(edges)
        xy += rng.normal(0, wobble * radius * 0.15, xy.shape)
        theta, r = np.arctan2(xy[:, 1], xy[:, 0]), np.hypot(xy[:, 0], xy[:, 1])
    x = centre[0] + r * np.cos(theta + angle)
    y = centre[1] + r * np.sin(theta + angle)
    return [(float(a), float(b)) for a, b in zip(x, y)]


def identity(options: dict, base_dir: Path) -> list:
    """Generated data depends only on the options and this module's drawing code."""
    return [VERSION]


def load(options: dict, base_dir: Path) -> Arrays:
    return generate(options)
