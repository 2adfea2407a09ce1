"""Filter patterns: for each chosen channel of a layer, the input that maximises its mean activation.

Gradient ascent from dim noise, every channel of the layer in one batch: each step shifts the images by a
random jitter, follows the normalised gradient, and every few steps blurs them a little (the usual
regularisation, as in Chollet's "visualizing what convnets learn"). Each pattern is drawn stretched to its
own darkest and brightest pixel, numbered, with the factor by which it raised its channel's mean activation
over the starting noise. `compare: [trained, untrained]` draws the untrained network's patterns below.
"""

from __future__ import annotations

import numpy as np

from generator.figures import attribution_figure as shared
from generator.figures import colour_rule, options as opt
from generator.figures.common import layer_info, require_feature_maps
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.layout import SMALL, TEXT, scheme
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import colour_bar, enlarge, fit_scale, label_above, stack_vertically, text_lines, \
    tile_grid, pad_to
from generator.options import expects

VERSION = 3  # 2: a colour bar, the colour rule's rounding; 3: layout facts and the alt text
TILE = 56   # CSS px: each pattern at least this wide
GAP = 6
FRAME = 160  # grey of the frame round each pattern
PATTERN_ENDS = (("darkest of each pattern", "brightest of each pattern", ""), ("darkest", "brightest", "of each pattern"))


@expects("a list of channel numbers (integers >= 0)")
def channel_list(value):
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise opt.Invalid()
    return values


@expects("two pixel values [low, high], 0 <= low < high <= 255")
def pixel_range(value):
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            or not 0 <= value[0] < value[1] <= 255):
        raise opt.Invalid()
    return [float(v) for v in value]


@expects("a number >= 0")
def non_negative_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise opt.Invalid()
    return float(value)


KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model (NAME or NAME:VARIANT) whose channels are visualised."),
    "layer": opt.Key(opt.layer_name, help="The layer with feature maps, by name or index."),
    "channels": opt.Key(channel_list, None, "The channels drawn; default: all of them (optimised as one batch)."),
    "steps": opt.Key(opt.positive_int, 64, "Gradient-ascent steps."),
    "step_size": opt.Key(shared.positive_number, 8.0,
                         "Each step's change of the image, in pixel values (0 to 255), root mean square."),
    "jitter": opt.Key(opt.non_negative_int, 1, "Each step shifts the images by up to this many pixels (0: none)."),
    "blur": opt.Key(non_negative_number, 0.5, "The Gaussian blur's standard deviation, in pixels (0: none)."),
    "blur_every": opt.Key(opt.positive_int, 8, "Blur once every this many steps."),
    "seed": opt.Key(opt.non_negative_int, 0, "The seed of the starting noise and the jitter."),
    "start": opt.Key(pixel_range, [0, 32],
                     "The starting noise: uniform between these two pixel values (0 to 255); dim noise, so that "
                     "the gain over it measures what the pattern adds."),
    "per_row": opt.Key(opt.positive_int, 8, "Patterns per row."),
    "compare": opt.Key(opt.text_list, None, "Models drawn one under the other, e.g. [trained, untrained]."),
})
models = shared.models


def check(options: dict) -> str | None:
    if options["compare"] and len(options["compare"]) < 2:
        return "'compare' needs at least two models, e.g. [trained, untrained]"
    return None


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    from generator.figures.attribution import Scorer, filter_patterns

    options = request.options
    refs = models(options)
    model = ctx.model(refs[0])
    info = layer_info(request, model, options["layer"])
    require_feature_maps(request, model, info)
    count = info["output_shape"][-1]
    channels = options["channels"] if options["channels"] is not None else list(range(count))
    for channel in channels:
        if channel >= count:
            raise request.error(f"layer '{info['name']}' has {count} channels, no channel {channel}",
                                f"channels are numbered 0 to {count - 1}")
    shape = tuple(model.record["input_shape"])
    results = [filter_patterns(Scorer(ctx.model(ref).keras_model), info["name"], channels, shape,
                               steps=options["steps"], step_size=options["step_size"], jitter=options["jitter"],
                               blur=options["blur"], blur_every=options["blur_every"], seed=options["seed"],
                               start=tuple(options["start"]))
               for ref in refs]
    gains = [_gains(result.start, result.end) for result in results]
    labels = [shared.TRAINED if ref == options["model"] else ref.split(":", 1)[1] for ref in refs]

    colour = results[0].images.shape[-1] > 1

    def compose(layout):
        grids = [label_above(_grid(result.images, channels, gain, result.end, layout, options["per_row"]),
                             f"{label}: {info['name']}" if len(refs) > 1 else info["name"], layout, TEXT)
                 for label, result, gain in zip(labels, results, gains)]
        ramp = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
        bar = colour_bar(ramp, 0.0, 1.0, layout, min(layout.width_px, layout.px(300)),
                         "each of R, G and B" if colour else "pixel value", ends=PATTERN_ENDS, framed=True)
        return stack_vertically(grids + [bar], gap=layout.px(16))

    arrays: dict[str, np.ndarray] = {"channels": np.array(channels)}
    record = {"layer": info["name"], "channels": channels, "steps": options["steps"]}
    for index, (label, result, gain) in enumerate(zip(labels, results, gains)):
        prefix = "" if index == 0 else f"{label}_"
        arrays.update({f"{prefix}patterns": result.images, f"{prefix}start": result.start,
                       f"{prefix}end": result.end})
        fired = gain[np.isfinite(gain)]
        record[f"{prefix}gain_min"] = float(fired.min()) if fired.size else 0.0
        record[f"{prefix}gain_median"] = float(np.median(fired)) if fired.size else 0.0
        record[f"{prefix}from_zero"] = int(((result.start <= 0) & (result.end > 0)).sum())
        record[f"{prefix}silent"] = int((result.end <= 0).sum())
    note = (f"Each pattern stretched to its own range. \u00d7N: its channel's mean activation over that for the "
            f"starting noise; from 0: the channel did not fire for the noise; silent: not even for its pattern "
            f"({record['silent']} of {len(channels)} channels).")
    strongest = int(np.argmax(results[0].end))
    alt = (f"Filter patterns of layer {info['name']} of model {options['model']}: for {len(channels)} channels, "
           f"the input image that makes each respond most, found by gradient ascent; {record['silent']} of them "
           f"silent, the strongest channel {channels[strongest]} (mean activation {float(results[0].end[strongest]):.3g}).")
    record[FACTS] = {"counts": {"channels": len(channels), "patterns": len(channels)}}
    return page_figure(request, ctx, compose, arrays, note=note, alt=alt, record=record)


def _gains(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """end / start per channel; inf where the channel did not fire for the noise (nothing to multiply)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(start > 0, end / np.where(start > 0, start, 1), np.inf)


def _grid(patterns: np.ndarray, channels: list[int], gains: np.ndarray, ends: np.ndarray, layout,
          per_row: int) -> np.ndarray:
    height, width = patterns.shape[1:3]
    gap = layout.px(GAP)
    scale = fit_scale(max(height, width), layout.px(TILE))
    columns = max(1, min(per_row, len(channels), (layout.width_px + gap) // (width * scale + gap)))
    scale = max(scale, ((layout.width_px - (columns - 1) * gap) // columns) // width)
    layout.saw_map(width * scale)
    tiles = []
    for pattern, channel, gain, end in zip(patterns, channels, gains, ends):
        picture = _framed(enlarge(_stretched(pattern), scale))
        caption = f"{channel}  " + (("\u00d7" + (f"{gain:.0f}" if gain < 1000 else ">999")) if np.isfinite(gain)
                                    else ("silent" if end <= 0 else "from 0"))
        tiles.append(stack_vertically([text_lines([caption], layout, SMALL, width=picture.shape[1], align="center")
                                       [:, :picture.shape[1]], picture], gap=layout.px(1)))
    tall = max(tile.shape[0] for tile in tiles)
    return tile_grid(np.stack([pad_to(tile, tall, tiles[0].shape[1]) for tile in tiles]), columns, gap=gap)


def _framed(picture: np.ndarray) -> np.ndarray:
    """A one-pixel grey frame, so that a pattern that is white at its edges still shows where it ends."""
    framed = picture.copy()
    framed[[0, -1], :] = scheme().grey(FRAME)
    framed[:, [0, -1]] = scheme().grey(FRAME)
    return framed


def _stretched(pattern: np.ndarray) -> np.ndarray:
    """A pattern (H, W, C) as RGB uint8, stretched to its own darkest and brightest value."""
    low, high = float(pattern.min()), float(pattern.max())
    scaled = np.zeros(pattern.shape) if high == low else (pattern - low) / (high - low)
    image = colour_rule.levels(scaled, 256)
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image[..., :3]
