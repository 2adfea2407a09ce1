"""A probe flattened and put back, correctly and in the usual wrong axis orders."""

from __future__ import annotations

import numpy as np

from generator.datasets.images import load_image
from generator.figures import options as opt
from generator.figures.registry import png_figure
from generator.figures.tiling import enlarge, label_above, stack_horizontally

VERSION = 1
KEYS = {
    "probe": opt.Key(opt.text),
    "size": opt.Key(opt.int_pair, None),
    "scale": opt.Key(opt.positive_int, None),
}


def reshape_panels(image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(title, (H, W, C) array) for the original and each way of putting it back."""
    height, width, channels = image.shape
    flat = image.reshape(-1)
    channels_first = image.transpose(2, 0, 1)
    attempts = [
        ("flat.reshape(H, W, C)", flat.reshape(height, width, channels)),
        ("chw.reshape(H, W, C)", channels_first.reshape(height, width, channels)),
        ("np.rollaxis(chw, 0, 3)", np.rollaxis(channels_first, 0, 3)),
        ("np.rollaxis(chw, 1, 3).reshape(H, W, C)", np.rollaxis(channels_first, 1, 3).reshape(height, width, channels)),
    ]
    panels = [("original (H, W, C)", image)]
    for title, array in attempts:
        verdict = "right" if np.array_equal(array, image) else "wrong"
        panels.append((f"{title}: {verdict}", array))
    return panels


def draw(request, ctx):
    options = request.options
    image = load_image(ctx.probe(options["probe"]), options["size"], "rgb")
    scale = options["scale"] or max(1, 96 // max(image.shape[:2]))
    panels = reshape_panels(image)
    figure = stack_horizontally([label_above(enlarge(array, scale), title) for title, array in panels], gap=8)
    arrays = {f"panel_{index}": array for index, (_, array) in enumerate(panels)}
    note = "Panels: " + "; ".join(title for title, _ in panels) + "."
    return png_figure(figure, arrays, note)
