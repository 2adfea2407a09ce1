"""Dense layers' outputs folded into RGB images: one row per probe and model (e.g. trained and untrained),
input | layer 1 | layer 2 ... | class probabilities. Each image's values are coloured by the one colour rule
(generator/figures/colour_rule.py, per map): from its own lowest value (R, G or B off) to its own highest (full),
shown by a colour bar under the figure; the explorer folds Dense layers the same way (`fold_side`)."""

from __future__ import annotations

import math

import numpy as np

from generator.figures import colour_rule, options as opt
from generator.figures.common import class_names_of, display_image, layer_info, probe_images, short_name
from generator.figures.context import percent
from generator.figures.layout import SMALL, scheme
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import colour_bar, enlarge, fit_scale, label_above, stack_horizontally, \
    stack_vertically, table_of_panels, text_lines, text_width

VERSION = 5  # 4: the colour rule's rounding, a colour bar; 5: layout facts, the alt text states the result
TRAINED = "trained"
PANEL = 72  # CSS px: the input and each folded layer
BAR = 110  # CSS px: the longest probability bar
BAR_COLOUR = (0, 114, 178)
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model with the Dense layers."),
    "probe": opt.Key(opt.text, None, "An image pushed through the model (or use 'probes')."),
    "probes": opt.Key(opt.text_list, None, "Several images, one row each."),
    "layer": opt.Key(opt.layer_names, help="One Dense layer or a list of them, by name or index."),
    "fit": opt.Key(opt.choice("pad", "truncate"), "pad",
                   "How outputs that do not fill an RGB square are folded: pad with zeros, or truncate."),
    "compare": opt.Key(opt.text_list, None, "Variants drawn side by side, e.g. [trained, untrained]."),
})


def check(options: dict) -> str | None:
    return None if options["probe"] or options["probes"] else "a dense-as-image figure needs 'probe' or 'probes'"


def models(options: dict) -> list[str]:
    """'trained' names the model itself, any other entry a variant of it."""
    names = options["compare"] or [TRAINED]
    return [options["model"] if name == TRAINED else f"{options['model']}:{name}" for name in names]


def fold_side(count: int, fit: str = "pad") -> int:
    """The side of the RGB square `count` values fold into: padded up, or truncated down."""
    return math.ceil(math.sqrt(count / 3)) if fit == "pad" else math.isqrt(count // 3)


def dense_image(values: np.ndarray, fit: str) -> tuple[np.ndarray, str]:
    """Values (N,) scaled to 0..255 by the colour rule (one map: its own lowest to its own highest) and laid out
    as a square (s, s, 3) image.

    `pad` fills the last pixels with zeros, `truncate` drops the values that do not fit.
    """
    count = values.size
    side = fold_side(count, fit)
    if side == 0:
        raise ValueError(f"{count} values cannot fill one RGB pixel")
    needed = side * side * 3
    scaled = colour_rule.levels(colour_rule.places(np.reshape(values, (1, 1, -1)), "map"), 256).reshape(-1)
    if needed >= count:
        pixels = np.concatenate([scaled, np.zeros(needed - count, np.uint8)])
        how = f"padded with {needed - count} zeros" if needed > count else "exactly"
    else:
        pixels = scaled[:needed]
        how = f"truncated, {count - needed} values dropped"
    return pixels.reshape(side, side, 3), f"{count} values as {side}x{side}x3 ({how})"


# Bars drawn at most: an ImageNet classifier's 1000 would make a figure no one reads.
MAX_BARS = 10


def probability_bars(probabilities: np.ndarray, class_names: list[str], layout) -> np.ndarray:
    """One line per class: name, a bar as long as its probability, the percentage; the top class in bold ink.
    More than MAX_BARS classes: the MAX_BARS most probable, most probable first."""
    shown = range(len(class_names)) if len(class_names) <= MAX_BARS else \
        np.argsort(-np.asarray(probabilities), kind="stable")[:MAX_BARS]
    name_width = max(text_width(class_names[i], layout, SMALL) for i in shown)
    bar_room = layout.px(BAR)
    rows = []
    for name, p in ((class_names[i], probabilities[i]) for i in shown):
        label = text_lines([name], layout, SMALL, width=name_width, align="right")
        line_height = label.shape[0]
        bar = np.full((line_height, bar_room, 3), scheme().paper, dtype=np.uint8)
        length = int(round(float(p) * bar_room))
        inset = line_height // 5
        bar[inset:line_height - inset, :length] = BAR_COLOUR
        bar[inset:line_height - inset, :1] = scheme().ink
        rows.append(stack_horizontally([label, bar, text_lines([percent(float(p))], layout, SMALL)], gap=layout.px(4)))
    title = "class probabilities" if len(class_names) <= MAX_BARS else \
        f"the {MAX_BARS} most probable of {len(class_names)} classes"
    return label_above(stack_vertically(rows, gap=0), title, layout, SMALL)


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    results = []  # (ref, probe index, {layer: (picture, how)}, probabilities)
    arrays: dict[str, np.ndarray] = {}
    notes = {}
    probe_names, images, class_names = [], None, []  # type: list[str], np.ndarray | None, list[str]
    for index, ref in enumerate(request.model_refs):
        model = ctx.model(ref)
        infos = [layer_info(request, model, layer) for layer in options["layer"]]
        for info in infos:
            if len(info["output_shape"]) != 2:
                raise request.error(f"a dense-as-image figure needs a layer with flat output, '{info['name']}' "
                                    f"({info['class']}) outputs {tuple(info['output_shape'])}",
                                    "use kind 'activations' for feature maps")
        probe_names, images = probe_images(request, ctx, model)
        names = [info["name"] for info in infos]
        activations = model.activations(names, images)
        probabilities = np.asarray(model.predict(images))
        class_names = class_names_of(request, model)
        for p in range(len(probe_names)):
            pictures = {}
            for name in names:
                values = np.asarray(activations[name])[p]
                try:
                    pictures[name] = dense_image(values, options["fit"])
                except ValueError as error:
                    raise request.error(str(error)) from None
                notes[name] = f"{name}: {pictures[name][1]}"
                arrays[f"dense_{index}_{p}_{name}"] = values
                arrays[f"image_{index}_{p}_{name}"] = pictures[name][0]
            results.append((ref, p, pictures, probabilities[p]))
        arrays[f"probabilities_{index}"] = probabilities
    assert images is not None  # a figure has at least one model
    arrays["probes"] = images
    results.sort(key=lambda result: result[1])  # a probe's rows together: trained above untrained

    def compose(layout):
        side = layout.px(PANEL)
        rows = []
        for ref, p, pictures, probabilities in results:
            shown = display_image(images[p])
            title = f"{_model_label(ref, options['model'])}, {short_name(probe_names[p])}"
            panels = [label_above(enlarge(shown, fit_scale(shown.shape[0], side)), "input", layout, SMALL)]
            for name, (picture, _) in pictures.items():
                scale = fit_scale(picture.shape[0], side)
                layout.saw_map(scale * picture.shape[0])
                panels.append(label_above(enlarge(picture, scale), f"{name} ({picture.shape[0]}\u00d7"
                                          f"{picture.shape[1]}\u00d73)", layout, SMALL))
            rows.append((title, panels, probability_bars(probabilities, class_names, layout)))
        gap = layout.px(10)
        fits = table_of_panels([panels + [bars] for _, panels, bars in rows], gap).shape[1] <= layout.width_px
        ramp = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
        bar = colour_bar(ramp, 0.0, 1.0, layout, min(layout.width_px, layout.px(300)), "each of R, G and B",
                         ends=colour_rule.FOLD_ENDS, framed=True)
        return stack_vertically([_titled_rows(rows, layout, gap, together=fits), bar], gap=layout.px(14))

    facts = {"probabilities": "bars", "counts": {"probes": len(probe_names), "layers": len(options["layer"]),
                                                 "hidden layers": len(options["layer"]),
                                                 "networks": len(request.model_refs), "rows": len(results)}}
    note = "; ".join(notes.values()) + ". Class probabilities as bars, with their percentages. " \
        + colour_rule.describe_fold()
    return page_figure(request, ctx, compose, arrays, note=note, record={FACTS: facts},
                       alt=_alt(options, results, probe_names, class_names))


def _alt(options: dict, results: list, probe_names: list[str], class_names: list[str]) -> str:
    """The result, row by row: which network, which probe, what it predicts and how sure it is."""
    def one(ref, p, probabilities) -> str:
        top = int(np.argmax(probabilities))
        return (f"{_model_label(ref, options['model'])}, {short_name(probe_names[p])}: predicted {class_names[top]}, "
                + percent(float(probabilities[top])))

    return (f"Dense layers {', '.join(options['layer'])} of model {options['model']} folded into RGB images beside "
            f"each input, with class probabilities as bars. " + ". ".join(one(ref, p, probabilities)
                                                                          for ref, p, _, probabilities in results) + ".")


def _titled_rows(rows, layout, gap, *, together: bool) -> np.ndarray:
    """Each row under its title; images and probabilities side by side (columns aligned) or one under the other."""
    if together:
        table = table_of_panels([panels + [bars] for _, panels, bars in rows], gap)
        heights = [max(part.shape[0] for part in panels + [bars]) for _, panels, bars in rows]
        out, top = [], 0
        for (title, _, _), height in zip(rows, heights):
            out.append(label_above(table[top:top + height], title, layout))
            top += height + gap
        return stack_vertically(out, gap=layout.px(14))
    return stack_vertically([label_above(stack_vertically([stack_horizontally(panels, gap), bars], gap), title, layout)
                             for title, panels, bars in rows], gap=layout.px(14))


def _model_label(ref: str, model: str) -> str:
    return "trained" if ref == model else ref.split(":", 1)[1]
