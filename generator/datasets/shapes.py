"""Hand-drawn-looking circles, squares and triangles, generated from a seed.

Each image is drawn at 4x its size with Pillow and downsampled (anti-aliasing). Every
random choice comes from one `np.random.default_rng` per split, so the same options give
byte-identical arrays. Bump VERSION whenever the drawing changes: it is part of the
data set's memoised fingerprint.

The options that make the set harder (`contrast`, `clutter`, `occlusion`, `noise`) came
later. They draw from a stream of their own, so the shapes under them are the ones the
same seed draws without them; a spec without them gets the same images (and, left out of
the resolved options, the same fingerprint) as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from generator import options as framework
from generator.datasets.images import convert
from generator.datasets.options import COMMON, Option, count, option_value, share, span
from generator.errors import DataError, did_you_mean

if TYPE_CHECKING:
    from pathlib import Path
    from generator.datasets.arrays import Arrays

VERSION = 2
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
    "stroke_width": framework.Option(span(0), [1.0, 3.0], "[smallest, largest] line width, in pixels."),
    "size": framework.Option(span(0, 1), [0.4, 0.9], "[smallest, largest] shape size, as a share of the image."),
    "wobble": Option((float,), 0.06, help="How far the hand-drawn outline strays, as a share of the size."),
    "filled": Option((float,), 0.3, help="The share of shapes drawn filled."),
    "rotate": Option((bool,), True, help="Turn each shape by a random angle."),
    # harder data (ADDED_KEYS): the defaults draw the images of the first version
    "contrast": framework.Option(span(0, 1), [1.0, 1.0],
                                 "[lowest, highest] contrast: the foreground colour mixed with the background, "
                                 "1 is the colour itself, 0.5 halfway to the background."),
    "clutter": framework.Option(count, 0, "The most distractors (stray strokes and blobs) in an image; "
                                          "each image has from 0 to this many."),
    "occlusion": framework.Option(share, 0.0, "The share of images where a background-coloured patch hides part "
                                              "of the shape."),
    "noise": framework.Option(share, 0.0, "Pixel noise: the standard deviation of Gaussian noise added to every "
                                          "pixel, as a share of the full range (0 to 255)."),
}
ADDED_KEYS: tuple[str, ...] = ("contrast", "clutter", "occlusion", "noise")


def generate(options: dict):
    """(x_train, y_train, x_test, y_test, class_names) for resolved `options`."""
    classes = list(options["classes"])
    for name in classes:
        if name not in SIDES:
            raise DataError(f"dataset: unknown shape '{name}'", hint=did_you_mean(name, SIDES) or
                            f"shapes are {', '.join(SIDES)}")
    if options["per_class"] < 1 or (options["test_per_class"] is not None and options["test_per_class"] < 1):
        raise DataError("dataset: 'per_class' and 'test_per_class' must be at least 1",
                        hint="images drawn per class for training (per_class) and testing (test_per_class)")
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
    hardening = np.random.default_rng([options["seed"], stream, 1])   # the added keys' own stream
    labels = rng.permutation(np.repeat(np.arange(len(classes)), per_class))
    images = np.stack([_draw(rng, hardening, classes[label], options, palettes) for label in labels])
    return images, labels.astype(np.int64)


def _draw(rng, hardening, shape: str, options: dict, palettes) -> np.ndarray:
    """One image; `hardening` draws what the added keys add, so the shapes under them stay the same."""
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
    fore = _faded(hardening, fore, back, _option(options, "contrast"))
    _clutter(hardening, draw, big, fore, _option(options, "clutter"), options["stroke_width"])
    if rng.random() < options["filled"]:
        draw.polygon(points, fill=fore)
    draw.line(points + points[:1], fill=fore, width=stroke, joint="curve")
    if _option(options, "occlusion") and hardening.random() < _option(options, "occlusion"):
        _occlude(hardening, draw, centre, radius, back)
    return _noisy(hardening, convert(image, options["image_size"], options["color_mode"]), _option(options, "noise"))


def _option(options: dict, key: str):
    return option_value(options, key, OPTIONS)


def _faded(rng, fore: tuple, back: tuple, contrast: list) -> tuple:
    """`fore` mixed with `back` by a contrast drawn from [lowest, highest]; no draw at full contrast."""
    if contrast == [1.0, 1.0]:
        return fore
    mix = rng.uniform(*contrast)
    return tuple(int(round(b + mix * (f - b))) for f, b in zip(fore, back))


def _clutter(rng, draw: ImageDraw.ImageDraw, big: tuple, colour: tuple, most: int, stroke_width: list) -> None:
    """From 0 to `most` distractors anywhere in the image: short bent strokes, or small blobs."""
    if not most:
        return
    for _ in range(rng.integers(0, most + 1)):
        start = np.array([rng.uniform(0, side) for side in big])
        if rng.random() < 0.5:
            reach = min(big) * rng.uniform(0.1, 0.3)
            bends = start + np.cumsum(rng.normal(0, reach / 2, (2, 2)), axis=0)
            width = max(1, int(round(rng.uniform(*stroke_width) * SUPERSAMPLE)))
            draw.line([tuple(start), *map(tuple, bends)], fill=colour, width=width, joint="curve")
        else:
            half = min(big) * rng.uniform(0.03, 0.08, 2)
            draw.ellipse([tuple(start - half), tuple(start + half)], fill=colour)


def _occlude(rng, draw: ImageDraw.ImageDraw, centre, radius: float, back: tuple) -> None:
    """A background-coloured rectangle over part of the shape, near its outline."""
    direction = rng.uniform(0, 2 * np.pi)
    middle = np.array(centre) + radius * rng.uniform(0.4, 1.0) * np.array([np.cos(direction), np.sin(direction)])
    half = radius * rng.uniform(0.25, 0.5, 2)
    draw.rectangle([tuple(middle - half), tuple(middle + half)], fill=back)


def _noisy(rng, image: np.ndarray, noise: float) -> np.ndarray:
    if not noise:
        return image
    noisy = image + rng.normal(0, noise * 255, image.shape)
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8)


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
