"""A convolution layer's kernels (by default the first one's): weights on one symmetric diverging scale."""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.common import colormap, layer_info
from generator.figures.layout import SMALL, scheme
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import LEVELS, colour_bar, enlarge, fit_scale, flow, label_above, \
    stack_vertically, text_lines

VERSION = 3
MIN_CELL = 12  # CSS px per kernel weight
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model whose kernels are drawn."),
    "layer": opt.Key(opt.layer_name, None, "The conv layer; default: the first Conv2D."),
    "input_channel": opt.Key(opt.non_negative_int, None,
                             "The input channel shown; default: colour if the layer sees 3 channels."),
    "per_row": opt.Key(opt.positive_int, 8, "Kernels per row."),
    "scale": opt.Key(opt.positive_int, None, "Ignored: cells are sized for the page (kept for old posts)."),
    "cmap": opt.Key(opt.text, "RdBu_r", "The matplotlib colormap (a diverging one: zero in the middle)."),
})


def symmetric_levels(weights: np.ndarray, limit: float) -> np.ndarray:
    """Weights in -limit..limit as palette levels 0..LEVELS-1, zero in the middle."""
    if limit == 0:
        return np.full(weights.shape, (LEVELS - 1) // 2, dtype=np.uint8)
    return np.round((np.clip(weights / limit, -1, 1) + 1) / 2 * (LEVELS - 1)).astype(np.uint8)


def kernel_images(kernel: np.ndarray, input_channel: int | None, palette: np.ndarray) -> tuple[np.ndarray, float]:
    """(kh, kw, cin, cout) weights as (cout, kh, kw * k, 3) RGB on one symmetric scale, and that scale's limit.

    One input channel gives one square per filter; all channels (input_channel None) put them side by side.
    """
    filters = np.moveaxis(kernel, -1, 0)  # (cout, kh, kw, cin)
    if input_channel is not None:
        filters = filters[..., input_channel:input_channel + 1]
    limit = float(np.abs(filters).max())
    levels = symmetric_levels(filters, limit)
    # channels side by side, one pixel of paper between them
    count, height, width, channels = levels.shape
    rgb = np.full((count, height, channels * (width + 1) - 1, 3), scheme().paper, dtype=np.uint8)
    for c in range(channels):
        rgb[:, :, c * (width + 1):c * (width + 1) + width] = palette[levels[..., c]]
    return rgb, limit


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    model = ctx.model(options["model"])
    info = _conv_layer(request, model)
    kernel = np.asarray(model.layer(info["name"]).get_weights()[0])
    channels = kernel.shape[2]
    input_channel = options["input_channel"]
    if input_channel is None and channels != 3:
        input_channel = 0
    if input_channel is not None and input_channel >= channels:
        raise request.error(f"layer '{info['name']}' has {channels} input channels, no channel {input_channel}")
    palette = colormap(request, options["cmap"])
    seen = "R, G, B input channels side by side" if input_channel is None else f"input channel {input_channel}"
    title = f"{info['name']}: {kernel.shape[3]} kernels of {kernel.shape[0]}\u00d7{kernel.shape[1]}  {seen}"

    def compose(layout):
        tiles, limit = kernel_images(kernel, input_channel, palette)
        gap = layout.px(6)
        scale = fit_scale(1, layout.px(MIN_CELL))
        per_row = max(1, min(options["per_row"], (layout.width_px + gap) // (tiles.shape[2] * scale + gap)))
        room = (layout.width_px - (per_row - 1) * gap) // per_row
        scale = max(scale, room // tiles.shape[2])
        scale = min(scale, layout.px(12) * 4)
        layout.saw_map(scale * kernel.shape[1])
        numbered = [stack_vertically([text_lines([str(index)], layout, SMALL, width=tile.shape[1] * scale,
                                                 align="center"), _separate(enlarge(tile, scale), scale)], gap=0)
                    for index, tile in enumerate(tiles)]
        grid = flow(numbered, per_row * (tiles.shape[2] * scale + gap), gap)
        bar = colour_bar(palette[:LEVELS], -limit, limit, layout, min(layout.width_px, layout.px(300)),
                         "weight (one scale for every kernel)")
        return label_above(stack_vertically([grid, bar], gap=layout.px(10)), title, layout)

    alt = (f"Filters of model {options['model']}: the {kernel.shape[3]} kernels of layer {info['name']} "
           f"({kernel.shape[0]}x{kernel.shape[1]}, {seen}), weights from {float(kernel.min()):.3g} to "
           f"{float(kernel.max()):.3g}, coloured blue for negative, red for positive.")
    facts = {"counts": {"kernels": kernel.shape[3], "filters": kernel.shape[3], "input channels": kernel.shape[2]},
             "sizes": {noun: list(kernel.shape[:2]) for noun in ("kernel", "kernels", "filters")}}
    return page_figure(request, ctx, compose, {"kernel": kernel}, alt=alt, record={FACTS: facts},
                       note=f"Colour scale: \u00b1{float(np.abs(kernel).max()):.3g}, shared by every kernel.")


def _separate(cells: np.ndarray, scale: int) -> np.ndarray:
    """Thin grey lines between the enlarged weights, so neighbouring equal colours stay countable."""
    out = cells.copy()
    out[::scale, :] = np.minimum(out[::scale, :], 200)
    out[:, ::scale] = np.minimum(out[:, ::scale], 200)
    out[-1, :] = np.minimum(out[-1, :], 200)
    out[:, -1] = np.minimum(out[:, -1], 200)
    return out


def _conv_layer(request, model) -> dict:
    if request.options["layer"] is not None:
        info = layer_info(request, model, request.options["layer"])
        if not info["class"].startswith("Conv"):
            raise request.error(f"a filters figure needs a convolution layer, '{info['name']}' is {info['class']}")
        return info
    for info in model.record["layers"]:
        if info["class"].startswith("Conv"):
            return info
    raise request.error(f"model '{model.ref}' has no convolution layer")
