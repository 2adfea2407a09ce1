"""One Conv2D output channel by Keras, by scipy correlation and by flipped convolution."""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.common import layer_info, probe_images
from generator.figures.registry import png_figure
from generator.figures.tiling import enlarge, label_above, minmax_to_uint8, stack_horizontally, to_rgb

VERSION = 2
TOLERANCE = 1e-4
PANEL = 96
KEYS = {
    "model": opt.Key(opt.text),
    "layer": opt.Key(opt.layer_name),
    "probe": opt.Key(opt.text),
    "channel": opt.Key(opt.non_negative_int, 0),
}


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
    step = (slice(None, None, strides[0]), slice(None, None, strides[1]))
    return {"correlate2d": activation(correlated[step] + bias), "convolve2d_flipped": activation(convolved[step] + bias)}


def differences(keras_output: np.ndarray, references: dict[str, np.ndarray]) -> dict[str, float]:
    return {"keras_vs_correlate2d": float(np.abs(keras_output - references["correlate2d"]).max()),
            "keras_vs_convolve2d_flipped": float(np.abs(keras_output - references["convolve2d_flipped"]).max()),
            "correlate2d_vs_convolve2d_flipped":
                float(np.abs(references["correlate2d"] - references["convolve2d_flipped"]).max())}


def require_agreement(diffs: dict[str, float], error_at) -> None:
    """The build fails when Keras and correlation disagree beyond TOLERANCE."""
    if not diffs["keras_vs_correlate2d"] <= TOLERANCE:
        raise error_at(f"conv-check: Keras and scipy.signal.correlate2d differ by "
                       f"{diffs['keras_vs_correlate2d']:.3g} (more than {TOLERANCE:g})")


def draw(request, ctx):
    options = request.options
    model = ctx.model(options["model"])
    info = layer_info(request, model, options["layer"])
    if info["class"] != "Conv2D":
        raise request.error(f"a conv-check figure needs a Conv2D layer, '{info['name']}' is {info['class']}")
    layer = model.keras_model.get_layer(info["name"])
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
    return png_figure(_panels(inputs, kernel[..., channel], keras_output, references, diffs), arrays, note)


def _layer_input_output(request, ctx, model, name):
    """The layer's input (the previous layer's output, or the probe) and output, for the probe."""
    names = [entry["name"] for entry in model.record["layers"]]
    position = names.index(name)
    _, images = probe_images(request, ctx, model)
    wanted = [name] if position == 0 else [names[position - 1], name]
    activations = model.activations(wanted, images[:1])
    inputs = images[0] if position == 0 else np.asarray(activations[names[position - 1]])[0]
    return inputs.astype(np.float64), np.asarray(activations[name])[0]


def _activation(name: str):
    import keras

    function = keras.activations.get(name)
    return lambda z: keras.ops.convert_to_numpy(function(keras.ops.convert_to_tensor(z))).astype(np.float64)


def _panels(inputs, kernel, keras_output, references, diffs) -> np.ndarray:
    def panel(array, title):
        image = to_rgb(minmax_to_uint8(array))  # RGB: a 2-D array would be read as palette indices
        return label_above(enlarge(image, max(1, PANEL // max(image.shape))), title)

    return stack_horizontally([
        panel(inputs[..., 0], "input channel 0"),
        panel(kernel[..., 0], "kernel (input channel 0)"),
        panel(keras_output, "Keras"),
        panel(references["correlate2d"], f"correlate2d (max diff {diffs['keras_vs_correlate2d']:.1e})"),
        panel(references["convolve2d_flipped"],
              f"convolve2d, flipped kernel ({diffs['keras_vs_convolve2d_flipped']:.1e})"),
    ], gap=10)
