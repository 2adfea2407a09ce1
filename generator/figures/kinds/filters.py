"""A convolution layer's kernels (by default the first one's) as small images."""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.common import layer_info
from generator.figures.registry import png_figure
from generator.figures.tiling import enlarge, label_above, minmax_to_uint8, tile_grid, to_rgb

VERSION = 1
KEYS = {
    "model": opt.Key(opt.text),
    "layer": opt.Key(opt.layer_name, None),  # default: the first Conv2D
    "input_channel": opt.Key(opt.non_negative_int, None),  # default: colour if the layer sees 3 channels
    "per_row": opt.Key(opt.positive_int, 8),
    "scale": opt.Key(opt.positive_int, 8),
}


def kernel_images(kernel: np.ndarray, input_channel: int | None) -> np.ndarray:
    """(kh, kw, cin, cout) weights as (cout, kh, kw, 3) uint8, each filter scaled to its own range."""
    filters = np.moveaxis(kernel, -1, 0)
    if input_channel is not None:
        filters = filters[..., input_channel:input_channel + 1]
    return np.stack([to_rgb(minmax_to_uint8(f)) for f in filters])


def draw(request, ctx):
    options = request.options
    model = ctx.model(options["model"])
    info = _conv_layer(request, model)
    kernel = np.asarray(model.keras_model.get_layer(info["name"]).get_weights()[0])
    channels = kernel.shape[2]
    input_channel = options["input_channel"]
    if input_channel is None and channels != 3:
        input_channel = 0
    if input_channel is not None and input_channel >= channels:
        raise request.error(f"layer '{info['name']}' has {channels} input channels, no channel {input_channel}")
    tiles = kernel_images(kernel, input_channel)
    tiles = np.stack([enlarge(tile, options["scale"]) for tile in tiles])
    seen = "colour" if input_channel is None else f"input channel {input_channel}"
    title = f"{info['name']}: {kernel.shape[3]} kernels {kernel.shape[0]}x{kernel.shape[1]}, {seen}"
    return png_figure(label_above(tile_grid(tiles, options["per_row"], gap=2), title), {"kernel": kernel})


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
