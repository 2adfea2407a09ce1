"""One Conv2D output channel by Keras, by scipy correlation and by flipped convolution."""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.common import layer_info, probe_images, short_name
from generator.figures.layout import SMALL
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import LEVELS, colour_bar, colormap_palette, enlarge, label_above, \
    pad_to, stack_horizontally, stack_vertically, text_lines, wrap_text

VERSION = 4
TOLERANCE = 1e-4
PANEL = 96
ERRORS_ARE = "below"  # each difference map's largest error is printed under it (_panels)
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model with the Conv2D layer."),
    "layer": opt.Key(opt.layer_name, help="The Conv2D layer checked, by name or index."),
    "probe": opt.Key(opt.text, help="The image pushed through the layer."),
    "channel": opt.Key(opt.non_negative_int, 0, "The output channel compared."),
})


def padded_input(inputs: np.ndarray, kernel_shape, strides, padding: str) -> np.ndarray:
    """(H, W, C) inputs padded as Keras/TensorFlow pads for `same` (extra pixel at the end)."""
    if padding == "valid":
        return inputs
    pads = []
    for size, k, s in zip(inputs.shape[:2], kernel_shape, strides):
        total = max((-(-size // s) - 1) * s + k - size, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(inputs, pads + [(0, 0)])


def reference_outputs(inputs, kernel, bias, activation, padding, strides) -> dict[str, np.ndarray]:
    """The channel computed with scipy: sum over input channels of correlate2d(x, k), and of
    convolve2d(x, k flipped both ways), plus bias, through `activation`."""
    from scipy.signal import convolve2d, correlate2d

    x = padded_input(inputs, kernel.shape[:2], strides, padding)
    correlated = sum(correlate2d(x[..., c], kernel[..., c], mode="valid") for c in range(x.shape[2]))
    convolved = sum(convolve2d(x[..., c], kernel[::-1, ::-1, c], mode="valid") for c in range(x.shape[2]))
    unflipped = sum(convolve2d(x[..., c], kernel[..., c], mode="valid") for c in range(x.shape[2]))
    step = (slice(None, None, strides[0]), slice(None, None, strides[1]))
    return {"correlate2d": activation(correlated[step] + bias), "convolve2d_flipped": activation(convolved[step] + bias),
            "convolve2d_unflipped": activation(unflipped[step] + bias)}


def differences(keras_output: np.ndarray, references: dict[str, np.ndarray]) -> dict[str, float]:
    return {"keras_vs_correlate2d": float(np.abs(keras_output - references["correlate2d"]).max()),
            "keras_vs_convolve2d_flipped": float(np.abs(keras_output - references["convolve2d_flipped"]).max()),
            "correlate2d_vs_convolve2d_flipped":
                float(np.abs(references["correlate2d"] - references["convolve2d_flipped"]).max()),
            "keras_vs_convolve2d_unflipped":
                float(np.abs(keras_output - references["convolve2d_unflipped"]).max())}


def require_agreement(diffs: dict[str, float], error_at) -> None:
    """The build fails when Keras and correlation disagree beyond TOLERANCE."""
    if not diffs["keras_vs_correlate2d"] <= TOLERANCE:
        raise error_at(f"conv-check: Keras and scipy.signal.correlate2d differ by "
                       f"{diffs['keras_vs_correlate2d']:.3g} (more than {TOLERANCE:g})")


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    model = ctx.model(options["model"])
    info = layer_info(request, model, options["layer"])
    if info["class"] != "Conv2D":
        raise request.error(f"a conv-check figure needs a Conv2D layer, '{info['name']}' is {info['class']}")
    layer = model.layer(info["name"])
    config = layer.get_config()
    if tuple(config["dilation_rate"]) != (1, 1):
        raise request.error(f"conv-check does not handle dilated convolutions ('{info['name']}')")
    weights = layer.get_weights()
    kernel = np.asarray(weights[0], dtype=np.float64)
    bias = np.asarray(weights[1], dtype=np.float64) if config["use_bias"] else np.zeros(kernel.shape[3])
    channel = options["channel"]
    if channel >= kernel.shape[3]:
        raise request.error(f"layer '{info['name']}' has {kernel.shape[3]} output channels, no channel {channel}")
    inputs, outputs = _layer_input_output(request, ctx, model, info["name"])
    references = reference_outputs(inputs, kernel[..., channel], bias[channel], _activation(config["activation"]),
                                   config["padding"], tuple(config["strides"]))
    keras_output = outputs[..., channel].astype(np.float64)
    diffs = differences(keras_output, references)
    require_agreement(diffs, request.error)
    arrays = {"input": inputs, "kernel": kernel[..., channel], "bias": np.array(bias[channel]),
              "keras": keras_output, **references}
    note = "Max absolute differences: " + ", ".join(f"{k.replace('_', ' ')} {v:.2g}" for k, v in diffs.items()) + "."
    facts = {"positions": {"errors": ERRORS_ARE}, "channel": channel,
             "counts": {"difference maps": 2, "differences": 2, "outputs": 3}}
    note = (f"Top: the input's channel 0 and the kernel; middle: the three outputs on one grey scale; bottom: the "
            f"two difference maps from Keras, the largest error printed {ERRORS_ARE} each. {note}")
    alt = (f"Convolution check on layer {info['name']} of model {options['model']}, channel {channel}, probe "
           f"{short_name(options['probe'])}: convolve2d with the kernel flipped matches the Keras output to "
           f"{diffs['keras_vs_convolve2d_flipped']:.2g}; without the flip it differs by up to "
           f"{diffs['keras_vs_convolve2d_unflipped']:.2g}.")
    return page_figure(request, ctx, lambda layout: _panels(inputs, kernel[..., channel], keras_output, references,
                                                             diffs, layout), arrays, note=note, alt=alt,
                       record={FACTS: facts})


def _layer_input_output(request, ctx, model, name):
    """The layer's input (the output of the layer before it in the graph, or the probe as the network
    takes it) and output, for the probe."""
    _, images = probe_images(request, ctx, model)
    before = model.input_of(name)
    activations = model.activations([name] if before is None else [before, name], images[:1])
    inputs = model.prepare(images[:1])[0] if before is None else np.asarray(activations[before])[0]
    return inputs.astype(np.float64), np.asarray(activations[name])[0]


def _activation(name: str):
    import keras

    function = keras.activations.get(name)
    return lambda z: keras.ops.convert_to_numpy(function(keras.ops.convert_to_tensor(z))).astype(np.float64)


def _panels(inputs, kernel, keras_output, references, diffs, layout) -> np.ndarray:
    """Input and kernel; Keras, flipped and unflipped convolve2d on one scale; their differences from Keras
    on one symmetric diverging scale, with the largest error printed."""
    gap = layout.px(10)
    room = (layout.width_px - 2 * gap) // 3
    side = max(keras_output.shape)
    scale = max(1, min(room, layout.px(190)) // side)
    layout.saw_map(scale * side)
    outputs = [keras_output, references["convolve2d_flipped"], references["convolve2d_unflipped"]]
    low, high = min(float(o.min()) for o in outputs), max(float(o.max()) for o in outputs)
    greys = colormap_palette("gray")[:LEVELS]

    def shown(array, palette, lo, hi):
        levels = np.zeros(array.shape) if hi == lo else (np.clip(array, lo, hi) - lo) / (hi - lo)
        return enlarge(palette[np.round(levels * (LEVELS - 1)).astype(np.int64)], scale)

    def panel(image, title):
        return label_above(image, title, layout, SMALL)

    first = [panel(shown(inputs[..., 0], greys, float(inputs[..., 0].min()), float(inputs[..., 0].max())),
                   "input, channel 0"), _kernel_panel(kernel[..., 0], layout)]
    titles = ["Keras Conv2D", "convolve2d, flipped", "convolve2d, not flipped"]
    second = [panel(shown(o, greys, low, high), t) for o, t in zip(outputs, titles)]
    errors = [references["convolve2d_flipped"] - keras_output, references["convolve2d_unflipped"] - keras_output]
    limit = max(float(np.abs(e).max()) for e in errors) or 1.0
    diverging = colormap_palette("RdBu_r")[:LEVELS]
    width = second[0].shape[1]
    legend = text_lines(wrap_text("Differences from Keras on one scale: red above, blue below.", layout, SMALL,
                                  width), layout, SMALL)
    def with_error(error, name):
        parts = [panel(shown(error, diverging, -limit, limit), f"{name} \u2212 Keras"),
                 text_lines(wrap_text(f"max error {np.abs(error).max():.2g}", layout, SMALL, width), layout, SMALL)]
        return stack_vertically(parts if ERRORS_ARE == "below" else parts[::-1], gap=0)

    third = [legend] + [with_error(e, name) for e, name in zip(errors, ("flipped", "not flipped"))]
    output_bar = colour_bar(greys, low, high, layout, min(layout.width_px, 3 * width + 2 * gap), "output value")
    error_bar = colour_bar(diverging, -limit, limit, layout, min(layout.width_px, 3 * width + 2 * gap), "difference")
    column = max(part.shape[1] for part in second + third)  # the two rows' columns line up
    rows = [stack_horizontally([pad_to(part, part.shape[0], column) for part in row], gap) for row in (second, third)]
    return stack_vertically([stack_horizontally(first, gap), rows[0], output_bar, rows[1], error_bar],
                            gap=layout.px(12))


def _kernel_panel(kernel: np.ndarray, layout) -> np.ndarray:
    """The kernel's weights as numbers in a grid of cells, coloured on a symmetric diverging scale."""
    from PIL import Image, ImageDraw

    cell = layout.px(44)
    limit = float(np.abs(kernel).max()) or 1.0
    palette = colormap_palette("RdBu_r")[:LEVELS]
    levels = np.round((kernel / limit + 1) / 2 * (LEVELS - 1)).astype(np.int64)
    picture = Image.fromarray(enlarge(palette[levels], cell))
    draw = ImageDraw.Draw(picture)
    font = layout.font(SMALL)
    for (row, column), value in np.ndenumerate(kernel):
        draw.rectangle((column * cell, row * cell, (column + 1) * cell - 1, (row + 1) * cell - 1), outline=(160,) * 3)
        ink = (255, 255, 255) if abs(float(value)) > 0.6 * limit else (0, 0, 0)
        draw.text(((column + 0.5) * cell, (row + 0.5) * cell), f"{value:.2f}".replace("-", "\u2212"), fill=ink,
                  font=font, anchor="mm")
    return label_above(np.asarray(picture).copy(), "kernel, channel 0", layout, SMALL)
