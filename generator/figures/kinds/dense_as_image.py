"""A Dense layer's output reshaped to an RGB image, beside the input and the prediction."""

from __future__ import annotations

import math

import numpy as np

from generator.figures import options as opt
from generator.figures.common import display_image, layer_info, probe_images
from generator.figures.registry import png_figure
from generator.figures.tiling import enlarge, label_above, minmax_to_uint8, table_of_panels, text_lines

VERSION = 2
TRAINED = "trained"
PANEL = 96
KEYS = {
    "model": opt.Key(opt.text),
    "probe": opt.Key(opt.text),
    "layer": opt.Key(opt.layer_name),
    "fit": opt.Key(opt.choice("pad", "truncate"), "pad"),
    "compare": opt.Key(opt.text_list, None),  # e.g. [trained, untrained]
}


def models(options: dict) -> list[str]:
    """'trained' names the model itself, any other entry a variant of it."""
    names = options["compare"] or [TRAINED]
    return [options["model"] if name == TRAINED else f"{options['model']}:{name}" for name in names]


def dense_image(values: np.ndarray, fit: str) -> tuple[np.ndarray, str]:
    """Values (N,) min-max scaled to 0..255 and laid out as a square (s, s, 3) image.

    `pad` fills the last pixels with zeros, `truncate` drops the values that do not fit.
    """
    count = values.size
    side = math.ceil(math.sqrt(count / 3)) if fit == "pad" else math.isqrt(count // 3)
    if side == 0:
        raise ValueError(f"{count} values cannot fill one RGB pixel")
    needed = side * side * 3
    scaled = minmax_to_uint8(values)
    if needed >= count:
        pixels = np.concatenate([scaled, np.zeros(needed - count, np.uint8)])
        how = f"padded with {needed - count} zeros" if needed > count else "exactly"
    else:
        pixels = scaled[:needed]
        how = f"truncated, {count - needed} values dropped"
    return pixels.reshape(side, side, 3), f"{count} values as {side}x{side}x3 ({how})"


def draw(request, ctx):
    options = request.options
    rows, arrays, notes = [], {}, []
    for index, ref in enumerate(request.model_refs):
        model = ctx.model(ref)
        info = layer_info(request, model, options["layer"])
        if len(info["output_shape"]) != 2:
            raise request.error(f"a dense-as-image figure needs a layer with flat output, '{info['name']}' "
                                f"({info['class']}) outputs {tuple(info['output_shape'])}",
                                "use kind 'activations' for feature maps")
        _, images = probe_images(request, ctx, model)
        values = np.asarray(model.activations([info["name"]], images)[info["name"]])[0]
        probabilities = np.asarray(model.predict(images))[0]
        try:
            picture, how = dense_image(values, options["fit"])
        except ValueError as error:
            raise request.error(str(error)) from None
        rows.append(_row(ref, images[0], picture, f"{info['name']}: {how}", probabilities,
                         model.record["class_names"]))
        arrays.update({f"dense_{index}": values, f"image_{index}": picture, f"probabilities_{index}": probabilities})
        notes.append(f"{ref}: {info['name']}, {how}")
    arrays["probe"] = images[0]
    return png_figure(table_of_panels(rows), arrays, "; ".join(notes) + ".")


def _row(ref, probe, picture, title, probabilities, class_names) -> list[np.ndarray]:
    shown = display_image(probe)
    lines = [f"{name}: {p:.1%}" for name, p in zip(class_names, probabilities)]
    return [
        label_above(enlarge(shown, max(1, PANEL // shown.shape[0])), f"{ref}: input"),
        label_above(enlarge(picture, max(1, PANEL // picture.shape[0])), title),
        label_above(text_lines(lines), "prediction"),
    ]
