"""What the map-drawing attribution kinds share (grad-cam, saliency, occlusion): their common keys, which
images and classes a block asks for, the sanity checks (`compare:` variants and `randomise: cascade`, with
Spearman rank correlations in the figure's record), and the drawing: each image, then its maps laid over
it in colour, one colour bar for all.

A kind supplies `compute(scorer, images, classes) -> Maps`; `draw_maps` does the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from generator.errors import did_you_mean
from generator.figures import colour_rule, options as opt
from generator.figures.common import colormap, dataset_of, display_image, probe_images, short_name
from generator.figures.context import percent
from generator.figures.directive import FigureRequest
from generator.figures.layout import SMALL, TEXT
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import colour_bar, enlarge, fit_scale, flow, label_above, \
    stack_vertically, text_lines, wrap_text
from generator.options import expects

TRAINED = "trained"
PANEL = 64        # CSS px: each image and map at least this wide on the page
PHONE_PANEL = 56  # ... and on a phone
LARGEST_PANEL = 112  # CSS px: no larger, when few panels share the column
SEED = 1          # the cascade's re-initialisation


@expects("a number from 0 to 1")
def unit_fraction(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise opt.Invalid()
    return float(value)


@expects("a positive number")
def positive_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise opt.Invalid()
    return float(value)


@expects("a number from 0 to 255, or mean")
def pixel_value(value):
    if value == "mean":
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 255:
        raise opt.Invalid()
    return float(value)


KEYS = opt.named({
    "model": opt.Key(opt.text, help="The classifier (NAME or NAME:VARIANT) whose decisions are explained."),
    "probe": opt.Key(opt.text, None, "An image to explain (or use 'probes', or test images with 'select')."),
    "probes": opt.Key(opt.text_list, None, "Several images, one row each."),
    "select": opt.Key(opt.choice("first", "mistakes", "right"), "first",
                      "Without probes, which test images: the first, the misclassified or the right ones."),
    "count": opt.Key(opt.positive_int, 3, "How many test images, without probes."),
    "classes": opt.Key(opt.text_list, ["predicted"],
                       "The classes explained, one map each: class names, 'predicted' (the trained model's "
                       "top class) or 'label' (the test image's true class)."),
    "compare": opt.Key(opt.text_list, None,
                       "Models drawn side by side for the same classes, e.g. [trained, untrained]; the record "
                       "gets each one's Spearman rank correlation with the first."),
    "randomise": opt.Key(opt.choice("none", "cascade"), "none",
                         "cascade: redraw with the layers re-initialised from the top down, one more each time; "
                         "the record gets each step's Spearman rank correlation with the trained map."),
    "opacity": opt.Key(unit_fraction, 0.6, "How strongly the map's colours cover the grey image (0 to 1)."),
})


def models(options: dict) -> list[str]:
    """'trained' names the model itself, any other entry of `compare` a variant of it."""
    names = options["compare"] or [TRAINED]
    return [options["model"] if name == TRAINED else f"{options['model']}:{name}" for name in names]


def check(options: dict) -> str | None:
    if options["probe"] and options["probes"]:
        return "give 'probe' or 'probes', not both"
    if options["compare"] and options["randomise"] == "cascade":
        return "'compare' and 'randomise: cascade' are two sanity checks: draw them as two figures"
    if options["compare"] and len(options["compare"]) < 2:
        return "'compare' needs at least two models, e.g. [trained, untrained]"
    return None


@dataclass
class Maps:
    """What a method computed for a batch of (image, class) pairs."""

    shown: np.ndarray            # (N, H, W) what is drawn, at the input's resolution
    raw: np.ndarray              # (N, ...) what the sanity check ranks (the method's own resolution)
    signed: bool = False         # drawn on a diverging scale around zero
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    record: dict = field(default_factory=dict)


@dataclass
class Images:
    names: list[str]
    pixels: np.ndarray          # (N, H, W, C) raw pixels
    truth: list[int | None]


def select_images(request: FigureRequest, ctx, model) -> Images:
    options = request.options
    if options["probe"] or options["probes"]:
        names, pixels = probe_images(request, ctx, model)
        return Images([short_name(name) for name in names], pixels, [None] * len(names))
    dataset = dataset_of(request, model)
    x_test = dataset.x_test.astype(np.float32)
    if options["select"] == "first":
        indices = np.arange(len(x_test))[:options["count"]]
    else:
        predicted = model.predict(x_test).argmax(-1)
        wrong = predicted != dataset.y_test
        indices = np.flatnonzero(wrong if options["select"] == "mistakes" else ~wrong)[:options["count"]]
    if not len(indices):
        which = {"first": "", "mistakes": "misclassified ", "right": "correctly classified "}[options["select"]]
        raise request.error(f"model '{model.ref}' has no {which}test image to show", "give probes, or another 'select'")
    return Images([f"test #{i}" for i in indices], x_test[indices], [int(dataset.y_test[i]) for i in indices])


def last_convolution(record: dict) -> dict | None:
    """The record entry of the model's last convolution layer with feature maps (Grad-CAM's default layer)."""
    convolutions = [entry for entry in record["layers"] if "Conv" in entry["class"] and len(entry["output_shape"]) == 4]
    return convolutions[-1] if convolutions else None


def class_names_of(model) -> list[str]:
    """The model's class names; a model loaded from a file without a data set has numbers only."""
    names = model.record.get("class_names")
    return list(names) if names else [f"class {n}" for n in range(model.record["layers"][-1]["output_shape"][-1])]


def resolve_classes(request: FigureRequest, class_names: list[str], predicted: np.ndarray,
                    truth: list[int | None]) -> np.ndarray:
    """(N, K) class indices: one column per entry of `classes`."""
    columns = []
    for name in request.options["classes"]:
        if name == "predicted":
            columns.append(predicted)
        elif name == "label":
            if any(label is None for label in truth):
                raise request.error("class 'label' needs labelled images", "use test images (no probes), or name a class")
            columns.append(np.array(truth))
        elif name in class_names:
            columns.append(np.full(len(predicted), class_names.index(name)))
        else:
            raise request.error(f"unknown class '{name}'", did_you_mean(name, class_names)
                                or "classes: predicted, label, " + ", ".join(class_names))
    return np.stack(columns, axis=1).astype(np.int64)


@dataclass
class Column:
    label: str          # above the map: the model or randomised layer
    maps: Maps          # for every (image, class) pair, image-major


def draw_maps(request: FigureRequest, ctx, method: str, compute: Callable, *, cmap: str,
              extra_record: dict | None = None) -> DrawnFigure:
    """The figure of one attribution method: compute it for the trained model, then for the compared models
    or the cascade of randomised copies, and draw image by image."""
    from generator.figures.attribution import Scorer

    options = request.options
    colormap(request, cmap)  # an unknown colormap is the block's error, before anything runs
    model = ctx.model(models(options)[0])
    class_names = class_names_of(model)
    images = select_images(request, ctx, model)
    probabilities = model.predict(images.pixels)
    classes = resolve_classes(request, class_names, probabilities.argmax(-1), images.truth)
    scorer = Scorer(model.keras_model)
    columns = _columns(ctx, options, model, scorer, compute, np.repeat(images.pixels, classes.shape[1], axis=0),
                       classes.reshape(-1))
    rank = _rank_correlations(columns)
    record = {"method": method, "score": scorer.score_kind,
              **_images_record(images, classes, class_names, probabilities), **columns[0].maps.record,
              **(extra_record or {}), **_sanity_record(options, columns, rank)}
    record[FACTS] = _layout_facts(options, images, columns)
    ctx.note(_layout_sentence(record[FACTS]))

    def compose(layout):
        return _compose(layout, images, classes, class_names, probabilities, columns, cmap, options["opacity"])

    return page_figure(request, ctx, compose, _arrays(images, classes, probabilities, columns, rank),
                       note=_note(options, columns, rank),
                       alt=_alt(method, options, images, columns, classes, class_names, probabilities), record=record)


def _columns(ctx, options: dict, model, scorer, compute: Callable, pixels: np.ndarray, pairs: np.ndarray) -> list:
    """The trained model's maps, then the compared models' or the cascade's, for every (image, class) pair."""
    from generator.figures.attribution import Scorer, cascade

    refs = models(options)
    columns = [Column(_model_label(refs[0], options["model"]), compute(scorer, pixels, pairs))]
    for ref in refs[1:]:
        columns.append(Column(_model_label(ref, options["model"]), compute(Scorer(ctx.model(ref).keras_model),
                                                                            pixels, pairs)))
    if options["randomise"] == "cascade":
        for layer, copy in cascade(model.keras_model, SEED):
            columns.append(Column(layer, compute(Scorer(copy), pixels, pairs)))
    return columns


def _rank_correlations(columns: list[Column]) -> list[float]:
    """Each other column's Spearman rank correlation with the first, averaged over the (image, class) pairs."""
    from generator.figures.attribution import spearman

    trained = columns[0].maps.raw
    return [float(np.mean([spearman(trained[n], column.maps.raw[n]) for n in range(len(trained))]))
            for column in columns[1:]]


def _images_record(images: Images, classes: np.ndarray, class_names: list[str], probabilities) -> dict:
    predicted = probabilities.argmax(-1)
    return {"images": images.names, "classes": [[class_names[c] for c in row] for row in classes],
            "predicted": [class_names[p] for p in predicted],
            "probability": [float(probabilities[n, p]) for n, p in enumerate(predicted)],
            "label": [None if label is None else class_names[label] for label in images.truth]}


def _sanity_record(options: dict, columns: list[Column], rank: list[float]) -> dict:
    record: dict = {}
    if options["compare"]:
        record["spearman"] = {name: value for name, value in zip(options["compare"][1:], rank)}
    if options["randomise"] == "cascade":
        record["cascade_layers"] = [column.label for column in columns[1:]]
        record["cascade"] = dict(zip(record["cascade_layers"], rank))
        record["spearman_min"], record["spearman_max"] = (min(rank), max(rank)) if rank else (0.0, 0.0)
    return record


def _arrays(images: Images, classes: np.ndarray, probabilities, columns: list[Column], rank: list[float]) -> dict:
    """The .npz: the images, classes and probabilities, then each column's maps as (image, class, ...)."""
    count, per_image = classes.shape
    arrays = {"images": images.pixels, "classes": classes, "probabilities": probabilities}
    for index, column in enumerate(columns):
        prefix = "" if index == 0 else f"{_array_name(column.label)}_"
        arrays[f"{prefix}maps"] = column.maps.shown.reshape(count, per_image, *column.maps.shown.shape[1:])
        arrays[f"{prefix}raw"] = column.maps.raw.reshape(count, per_image, *column.maps.raw.shape[1:])
        arrays.update({f"{prefix}{name}": value.reshape(count, per_image, *value.shape[1:])
                       for name, value in column.maps.arrays.items()})
    if rank:
        arrays["spearman"] = np.array(rank)
    return arrays


def _note(options: dict, columns: list[Column], rank: list[float]) -> str:
    sanity = (" Spearman rank correlation with the trained maps: "
              + ", ".join(f"{column.label} {value:.2f}" for column, value in zip(columns[1:], rank)) + ".") \
        if rank else ""
    cascade_note = (" Columns after 'trained': the layers from the top down to the one named re-initialised."
                    if options["randomise"] == "cascade" else "")
    scaled = "magnitude" if columns[0].maps.signed else "value"
    return f"Colours: each map scaled to its own largest {scaled}.{cascade_note}{sanity}"


def _layout_facts(options: dict, images: Images, columns: list[Column]) -> dict:
    """What the figure's words may say of it: the panels of each image, left to right, and how many images."""
    panels = ["input"] + [name if len(columns) == 1 else f"{column.label}: {name}"
                          for name in options["classes"] for column in columns]
    return {"columns": panels if len(columns) == 1 else None, "panels": panels,
            "counts": {"images": len(images.names), "test images": len(images.names), "probes": len(images.names),
                       "maps": len(panels) - 1}}


def _layout_sentence(facts: dict) -> str:
    panels = facts["panels"]
    if len(panels) == 2:
        return "Each image: the input, then its map."
    return f"Each image, left to right: the input, then {len(panels) - 1} maps ({', '.join(panels[1:])})."


def _alt(method: str, options: dict, images: Images, columns: list[Column], classes: np.ndarray,
         class_names: list[str], probabilities) -> str:
    """The result, image by image: what the model predicts, the true class, each class explained and its score."""
    def one(index: int) -> str:
        top = int(probabilities[index].argmax())
        said = f"{images.names[index]}: predicted {class_names[top]}, {percent(probabilities[index, top], 0)}"
        truth = images.truth[index]
        explained = ", ".join(f"{class_names[c]} ({percent(probabilities[index, c], 0)})" for c in classes[index])
        return said + ("" if truth is None else f"; true class: {class_names[truth]}") + f"; maps for {explained}"

    versions = f" Maps of {', '.join(column.label for column in columns)}." if len(columns) > 1 else ""
    return f"{method} of model {options['model']}. " + ". ".join(one(i) for i in range(len(images.names))) + "." \
        + versions


def _model_label(ref: str, base: str) -> str:
    return TRAINED if ref == base else ref.split(":", 1)[1]


def _array_name(label: str) -> str:
    return label.replace("-", "_")


def overlay(image: np.ndarray, heat: np.ndarray, cmap: str, opacity: float, signed: bool) -> np.ndarray:
    """The image in grey with the map's colours over it, by the colour rule's attribution scale
    (`colour_rule.share_places`: 0..1 of its largest magnitude, or -1..1 around the middle when `signed`)."""
    grey = display_image(image).mean(axis=-1, keepdims=True)
    colour = colour_rule.ramp(cmap)[colour_rule.levels(colour_rule.share_places(heat, signed))].astype(np.float32)
    return np.round((1 - opacity) * grey + opacity * colour).astype(np.uint8)


def _compose(layout, images: Images, classes, class_names, probabilities, columns: list[Column], cmap: str,
             opacity: float) -> np.ndarray:
    colours = colour_rule.ramp(cmap)
    signed = columns[0].maps.signed
    side = max(images.pixels.shape[1:3])
    gap = layout.px(6)
    per_image = classes.shape[1]
    count = 1 + per_image * len(columns)  # panels of one image: the input and its maps
    room = min((layout.width_px - (count - 1) * gap) // count, layout.px(LARGEST_PANEL))
    scale = max(fit_scale(side, layout.px(PANEL if layout.width > 400 else PHONE_PANEL)), room // side)
    layout.saw_map(scale * side)
    blocks = []
    for index, name in enumerate(images.names):
        top = int(probabilities[index].argmax())
        says = f"says {class_names[top]} {percent(probabilities[index, top], 0)}"
        truth = images.truth[index]
        title = f"{name}: {says}" + ("" if truth is None else f", is {class_names[truth]}")
        pictures, labels = [enlarge(display_image(images.pixels[index]), scale)], ["input"]
        for k in range(per_image):
            pair = index * per_image + k
            for column in columns:
                labels.append(class_names[classes[index, k]] if len(columns) == 1 else (
                    f"{column.label}: {class_names[classes[index, k]]}" if per_image > 1 else column.label))
                pictures.append(enlarge(overlay(images.pixels[index], column.maps.shown[pair], cmap, opacity,
                                                signed), scale))
        blocks.append(label_above(flow(_labelled(pictures, labels, layout), layout.width_px, gap), title, layout,
                                  TEXT))
    bar_label = "share of each map's largest magnitude" if signed else "share of each map's largest value"
    bar = colour_bar(colours, -1.0 if signed else 0.0, 1.0, layout, min(layout.width_px, layout.px(300)),
                     bar_label)
    return stack_vertically([flow(blocks, layout.width_px, layout.px(20), row_gap=layout.px(12)), bar],
                            gap=layout.px(12))


def _labelled(pictures: list[np.ndarray], labels: list[str], layout) -> list[np.ndarray]:
    """Each picture under its label, wrapped to the picture's width; every label band as tall as the tallest,
    so that the pictures of a row line up."""
    wrapped = [wrap_text(label, layout, SMALL, picture.shape[1]) for picture, label in zip(pictures, labels)]
    lines = max(len(w) for w in wrapped)
    return [stack_vertically([text_lines(w + [""] * (lines - len(w)), layout, SMALL, width=picture.shape[1]),
                              picture], gap=layout.px(2))
            for picture, w in zip(pictures, wrapped)]
