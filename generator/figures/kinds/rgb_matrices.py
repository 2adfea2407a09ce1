"""A tiny RGB image as its three channel matrices with values, and its flatten order."""

from __future__ import annotations

import numpy as np

from generator.datasets.images import load_image
from generator.figures import options as opt
from generator.figures.registry import png_figure
from generator.figures.tiling import enlarge, label_above, stack_horizontally, stack_vertically

VERSION = 1
MAX_SIDE = 8
CELL = 28
CHANNELS = ("R", "G", "B")
KEYS = {
    "probe": opt.Key(opt.text, None),
    "pixels": opt.Key(lambda value: pixel_rows(value), None),
    "size": opt.Key(opt.int_pair, None),
}


def check(options: dict) -> str | None:
    if bool(options["probe"]) == bool(options["pixels"]):
        return "an rgb-matrices figure needs exactly one of 'probe' or 'pixels'"
    return None


def pixel_rows(value):
    if (not isinstance(value, list) or not value or not all(isinstance(row, list) and row for row in value)
            or len({len(row) for row in value}) != 1 or not all(_is_rgb(v) for row in value for v in row)):
        raise ValueError("equal-length rows of [r, g, b] values from 0 to 255, e.g. [[[255, 0, 0], [0, 0, 255]]]")
    return value


def _is_rgb(value) -> bool:
    return isinstance(value, list) and len(value) == 3 and all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in value)


def channel_cells(values: np.ndarray, channel: int) -> np.ndarray:
    """(h, w) uint8 values as CELL-sized squares tinted by their channel, value written in each."""
    from PIL import Image, ImageDraw

    from generator.figures.tiling import default_font

    tint = np.zeros((*values.shape, 3), dtype=np.uint8)
    tint[..., channel] = values
    canvas = Image.fromarray(enlarge(tint, CELL))
    draw = ImageDraw.Draw(canvas)
    for (row, column), value in np.ndenumerate(values):
        colour = (0, 0, 0) if value >= 128 else (255, 255, 255)
        draw.text((column * CELL + 3, row * CELL + 8), str(value), fill=colour, font=default_font())
    return np.asarray(canvas).copy()


def flatten_strip(image: np.ndarray) -> np.ndarray:
    """image.reshape(-1) as one row of cells, each numbered with its index above it."""
    flat = image.reshape(-1)
    channel_of = np.tile(np.arange(image.shape[2]), image.shape[0] * image.shape[1])
    cells = [label_above(channel_cells(np.array([[value]]), channel), str(index))
             for index, (value, channel) in enumerate(zip(flat, channel_of))]
    return stack_horizontally(cells, gap=1)


def draw(request, ctx):
    options = request.options
    if options["pixels"]:
        image = np.array(options["pixels"], dtype=np.uint8)
    else:
        image = load_image(ctx.probe(options["probe"]), options["size"], "rgb")
    if max(image.shape[:2]) > MAX_SIDE:
        raise request.error(f"rgb-matrices shows images of at most {MAX_SIDE}x{MAX_SIDE} pixels, "
                            f"this one is {image.shape[1]}x{image.shape[0]}", "add e.g. 'size: [2, 2]'")
    panels = [label_above(enlarge(image, CELL), "image")]
    panels += [label_above(channel_cells(image[..., c], c), f"{name} channel") for c, name in enumerate(CHANNELS)]
    figure = stack_vertically([stack_horizontally(panels, gap=12),
                               label_above(flatten_strip(image), "image.reshape(-1): index above each value")],
                              gap=12)
    arrays = {"image": image, "red": image[..., 0], "green": image[..., 1], "blue": image[..., 2],
              "flat": image.reshape(-1)}
    return png_figure(figure, arrays)
