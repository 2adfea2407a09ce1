"""An animated GIF of a kernel sliding over an image, with the output filling in beside it."""

from __future__ import annotations

import numpy as np

from generator.datasets.images import load_image
from generator.figures import options as opt
from generator.figures.common import layer_info
from generator.figures.registry import DrawnFigure
from generator.figures.tiling import INK, enlarge, gif_bytes, text_lines

VERSION = 2
GREYS = 250  # palette: 0..249 grey levels, then the marker colours below
RED, WHITE = 250, 251
GAP = 8
KEYS = {
    "probe": opt.Key(opt.text),
    "size": opt.Key(opt.int_pair, [12, 12]),
    "kernel": opt.Key(opt.matrix, None),
    "model": opt.Key(opt.text, None),
    "layer": opt.Key(opt.layer_name, None),
    "channel": opt.Key(opt.non_negative_int, 0),
    "input_channel": opt.Key(opt.non_negative_int, 0),
    "scale": opt.Key(opt.positive_int, 16),
    "duration": opt.Key(opt.positive_int, 150),  # milliseconds per frame
}


def check(options: dict) -> str | None:
    if bool(options["kernel"]) == bool(options["model"]):
        return "a conv-animation figure needs either 'kernel' or 'model' with 'layer'"
    if options["model"] and options["layer"] is None:
        return "a conv-animation figure with a 'model' needs the Conv2D 'layer' whose kernel slides"
    return None


def palette() -> np.ndarray:
    greys = np.round(np.linspace(0, 255, GREYS)).astype(np.uint8)
    colours = np.zeros((256, 3), dtype=np.uint8)
    colours[:GREYS] = greys[:, None]
    colours[RED] = (220, 0, 0)
    colours[WHITE] = (255, 255, 255)
    return colours


def grey_indices(values: np.ndarray) -> np.ndarray:
    low, high = values.min(), values.max()
    scaled = np.zeros_like(values, dtype=np.float64) if high == low else (values - low) / (high - low)
    return np.round(scaled * (GREYS - 1)).astype(np.uint8)


def animation_frames(image: np.ndarray, kernel: np.ndarray, scale: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Palette-index frames (one per kernel position) and the 'valid' correlation output."""
    from scipy.signal import correlate2d

    output = correlate2d(image, kernel, mode="valid")
    left = enlarge(grey_indices(image), scale)
    right_full = enlarge(grey_indices(output), scale)
    kh, kw = kernel.shape
    frames = []
    for position in range(output.size):
        row, column = divmod(position, output.shape[1])
        frame = np.full((left.shape[0], left.shape[1] + GAP + right_full.shape[1]), WHITE, dtype=np.uint8)
        frame[:, :left.shape[1]] = left
        _outline(frame, row * scale, column * scale, kh * scale, kw * scale)
        shown = np.full(output.shape, False)
        shown.reshape(-1)[: position + 1] = True
        right = np.where(enlarge(shown, scale), right_full, WHITE)
        frame[:right.shape[0], left.shape[1] + GAP:] = right
        _outline(frame, row * scale, left.shape[1] + GAP + column * scale, scale, scale)
        frames.append(frame)
    titles = _titles(left.shape[1], frames[0].shape[1], "input", "output (correlation)")
    return [np.concatenate([titles, frame]) for frame in frames], output


def _titles(right_start: int, width: int, left_title: str, right_title: str) -> np.ndarray:
    """A white band with a title over each half, in this figure's palette (black ink, white paper)."""
    band = np.full((text_lines([""]).shape[0], width), WHITE, dtype=np.uint8)
    for start, title in ((0, left_title), (right_start + GAP, right_title)):
        text = text_lines([title], palette=True)[:, : width - start]
        band[:, start:start + text.shape[1]] = np.where(text == INK, 0, WHITE)
    return band


def _outline(frame, top, left, height, width) -> None:
    frame[top:top + height, [left, left + width - 1]] = RED
    frame[[top, top + height - 1], left:left + width] = RED


def draw(request, ctx):
    options = request.options
    image = load_image(ctx.probe(options["probe"]), options["size"], "grayscale")[..., 0].astype(np.float64)
    kernel = np.array(options["kernel"], dtype=np.float64) if options["kernel"] else _model_kernel(request, ctx)
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise request.error(f"the {kernel.shape[0]}x{kernel.shape[1]} kernel is larger than the "
                            f"{image.shape[0]}x{image.shape[1]} image", "raise 'size'")
    frames, output = animation_frames(image, kernel, options["scale"])
    return DrawnFigure(arrays={"image": image, "kernel": kernel, "output": output},
                       image=gif_bytes(frames, palette(), options["duration"]), extension="gif",
                       size=(frames[0].shape[1], frames[0].shape[0]),
                       note=f"{len(frames)} kernel positions; output {output.shape[0]}x{output.shape[1]} "
                            "(correlation, no padding, pixel values 0..255).")


def _model_kernel(request, ctx) -> np.ndarray:
    options = request.options
    model = ctx.model(options["model"])
    info = layer_info(request, model, options["layer"])
    if info["class"] != "Conv2D":
        raise request.error(f"a conv-animation figure needs a Conv2D layer, '{info['name']}' is {info['class']}")
    kernel = np.asarray(model.keras_model.get_layer(info["name"]).get_weights()[0], dtype=np.float64)
    if options["input_channel"] >= kernel.shape[2] or options["channel"] >= kernel.shape[3]:
        raise request.error(f"layer '{info['name']}' kernels are {kernel.shape[2]} in x {kernel.shape[3]} out "
                            "channels", "check 'channel' and 'input_channel'")
    return kernel[:, :, options["input_channel"], options["channel"]]
