"""A tiny RGB image as its three channel matrices with values, and its flatten order."""

from __future__ import annotations

import numpy as np

from generator.datasets.images import load_image
from generator.figures import options as opt
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.layout import SMALL
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import enlarge, flow, label_above, stack_vertically

VERSION = 3
MAX_SIDE = 8
CELL = 48  # CSS px per value
CHANNELS = ("R", "G", "B")
KEYS = opt.named({
    "probe": opt.Key(opt.text, None, "A tiny image file (or give 'pixels')."),
    "pixels": opt.Key(lambda value: pixel_rows(value), None, "Rows of [r, g, b] values, e.g. [[[255, 0, 0]]]."),
    "size": opt.Key(opt.int_pair, None, "Resize the probe to [height, width] first (at most 8x8)."),
})


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


def channel_cells(values: np.ndarray, channel: int, layout) -> np.ndarray:
    """(h, w) uint8 values as CELL-sized squares tinted by their channel, value written in each."""
    from PIL import Image, ImageDraw

    cell = layout.px(CELL)
    layout.saw_map(cell)
    tint = np.zeros((*values.shape, 3), dtype=np.uint8)
    tint[..., channel] = values
    canvas = Image.fromarray(enlarge(tint, cell))
    draw = ImageDraw.Draw(canvas)
    font = layout.font(SMALL)
    for (row, column), value in np.ndenumerate(values):
        luminance = 0.3 * tint[row, column, 0] + 0.59 * tint[row, column, 1] + 0.11 * tint[row, column, 2]
        colour = (0, 0, 0) if luminance >= 110 else (255, 255, 255)
        draw.text(((column + 0.5) * cell, (row + 0.5) * cell), str(value), fill=colour, font=font, anchor="mm")
    return np.asarray(canvas).copy()


def flatten_strip(image: np.ndarray, layout) -> np.ndarray:
    """image.reshape(-1) as rows of cells wrapped to the column, each numbered with its index above it."""
    flat = image.reshape(-1)
    channel_of = np.tile(np.arange(image.shape[2]), image.shape[0] * image.shape[1])
    cells = [label_above(channel_cells(np.array([[value]]), channel, layout), str(index), layout, SMALL)
             for index, (value, channel) in enumerate(zip(flat, channel_of))]
    return flow(cells, layout.width_px, layout.px(2), layout.px(6))


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    if options["pixels"]:
        image = np.array(options["pixels"], dtype=np.uint8)
    else:
        image = load_image(ctx.probe(options["probe"]), options["size"], "rgb")
    if max(image.shape[:2]) > MAX_SIDE:
        raise request.error(f"rgb-matrices shows images of at most {MAX_SIDE}x{MAX_SIDE} pixels, "
                            f"this one is {image.shape[1]}x{image.shape[0]}", "add e.g. 'size: [2, 2]'")

    def compose(layout):
        gap = layout.px(12)
        panels = [label_above(enlarge(image, layout.px(CELL)), "image", layout, SMALL)]
        panels += [label_above(channel_cells(image[..., c], c, layout), f"{name} channel", layout, SMALL)
                   for c, name in enumerate(CHANNELS)]
        return stack_vertically([flow(panels, layout.width_px, gap),
                                 label_above(flatten_strip(image, layout), "image.reshape(-1): index above each value",
                                             layout, SMALL)], gap=gap)

    arrays = {"image": image, "red": image[..., 0], "green": image[..., 1], "blue": image[..., 2],
              "flat": image.reshape(-1)}
    height, width = image.shape[:2]
    alt = (f"A {width}x{height} RGB image, its red, green and blue matrices with each value written in its cell, "
           f"and the {image.size} numbers in the order reshape(-1) reads them.")
    facts = {"counts": {"numbers": int(image.size), "values": int(image.size), "matrices": 3},
             "sizes": {"image": [height, width], "rgb image": [height, width]}}
    return page_figure(request, ctx, compose, arrays, alt=alt, record={FACTS: facts})
