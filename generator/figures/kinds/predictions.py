"""A gallery of test or probe images with class probabilities; mistakes marked."""

from __future__ import annotations

import numpy as np

from generator.errors import did_you_mean
from generator.figures import options as opt
from generator.figures.common import class_names_of, dataset_of, display_image, probe_images, short_name
from generator.figures.context import percent
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.layout import SMALL
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS, in_words
from generator.figures.tiling import enlarge, fit_scale, pad_to, stack_vertically, text_lines, tile_grid

VERSION = 4
BORDER = 3  # CSS px
# Okabe-Ito colours (safe for colour-blind readers); right and wrong are also written out (check / cross).
COLOURS = {True: (0, 114, 178), False: (213, 94, 0), None: (150, 150, 150)}
MARKS = {True: "\u2713 right", False: "\u2717 wrong", None: ""}
IMAGE = 72  # CSS px: each image at least this wide
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The classifier whose probabilities are shown."),
    "probe": opt.Key(opt.text, None, "An image to classify (or use 'probes')."),
    "probes": opt.Key(opt.text_list, None, "Several images to classify."),
    "labels": opt.Key(opt.text_list, None, "The true class of each probe, to mark mistakes."),
    "count": opt.Key(opt.positive_int, 12, "Test images shown when no probe is given."),
    "select": opt.Key(opt.choice("first", "mistakes"), "first",
                      "Which test images: the first, or mistakes (none to show is an error)."),
    "per_row": opt.Key(opt.positive_int, 6, "Images per row."),
    "top": opt.Key(opt.positive_int, 3, "Classes listed per image, most probable first."),
    "scale": opt.Key(opt.positive_int, None, "Ignored: images are sized for the page (kept for old posts)."),
})


def check(options: dict) -> str | None:
    probes = ([options["probe"]] if options["probe"] else []) + (options["probes"] or [])
    if options["labels"] and len(options["labels"]) != len(probes):
        return f"'labels' names {len(options['labels'])} classes for {len(probes)} probes"
    return None


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    model = ctx.model(options["model"])
    class_names = class_names_of(request, model)
    names, images, truth = _images(request, ctx, model, class_names)
    probabilities = np.asarray(model.predict(images))
    if probabilities.ndim != 2 or probabilities.shape[-1] not in (len(class_names), 1):
        raise request.error(f"predictions needs one probability per class: model '{model.ref}' outputs shape "
                            f"{probabilities.shape[1:]} for {len(class_names)} classes",
                            "draw a classifier (its last layer a softmax over the classes)")

    def compose(layout):
        scale = fit_scale(images.shape[2], layout.px(IMAGE))
        layout.saw_map(images.shape[2] * scale)
        tiles = [_tile(display_image(image), probs, class_names, label, name, scale, options["top"], layout)
                 for image, probs, label, name in zip(images, probabilities, truth, names)]
        height, width = max(t.shape[0] for t in tiles), max(t.shape[1] for t in tiles)
        gap = layout.px(10)
        per_row = max(1, min(options["per_row"], (layout.width_px + gap) // (width + gap)))
        return tile_grid(np.stack([pad_to(tile, height, width) for tile in tiles]), per_row, gap=gap)

    mistakes = sum(1 for probs, label in zip(probabilities, truth) if label is not None and probs.argmax() != label)
    known = sum(1 for label in truth if label is not None)
    arrays = {"images": images, "probabilities": probabilities,
              "labels": np.array([-1 if label is None else label for label in truth])}
    facts = layout_facts(options, len(names), min(options["top"], len(class_names)))
    if known:
        facts["positions"] = {"true class": "below"}  # a wrong answer's verdict, "is CLASS", under the image
    note = sentence(facts, known) + (f" {mistakes} of {known} labelled images misclassified." if known else "")
    return page_figure(request, ctx, compose, arrays, alt=alt_text(options["model"], names, probabilities, truth,
                                                                   class_names),
                       note=note, record={FACTS: facts})


def layout_facts(options: dict, count: int, top: int) -> dict:
    """What the figure's words may say of it: how many images, how many classes each, drawn as percentages."""
    probes = bool(options["probe"] or options["probes"])
    counts = {"images": count, "most likely classes": top, "most probable classes": top}
    if probes:
        counts.update({"probes": count, "sketches": count})
    return {"counts": counts, "probabilities": "percentages"}


def sentence(facts: dict, known: int) -> str:
    top = facts["counts"]["most likely classes"]
    marks = (f" A blue frame and \u201c{MARKS[True]}\u201d mark a right answer, an orange frame and "
             f"\u201c{MARKS[False]}\u201d a wrong one."
             if known else "")
    return (f"Under each image: its {in_words(top)} most likely {'class' if top == 1 else 'classes'}, each with its "
            f"probability in percent (no bars).{marks}")


def alt_text(model: str, names: list[str], probabilities: np.ndarray, truth: list, class_names: list[str]) -> str:
    """The result, image by image: 'test #3: predicted T-shirt, 97%; true class: shirt'."""
    def one(name, probs, label):
        best = int(np.argmax(probs))
        said = f"{name}: predicted {class_names[best]}, {percent(probs[best], 0)}"
        return said + ("" if label is None else f"; true class: {class_names[label]}")

    return f"Predictions of model {model}. " + ". ".join(one(*row) for row in zip(names, probabilities, truth)) + "."


def _images(request, ctx, model, class_names):
    options = request.options
    if options["probe"] or options["probes"]:
        names, images = probe_images(request, ctx, model)
        truth = [None] * len(names)
        for index, label in enumerate(options["labels"] or []):
            if label not in class_names:
                raise request.error(f"unknown class '{label}'",
                                    did_you_mean(label, class_names) or "classes: " + ", ".join(class_names))
            truth[index] = class_names.index(label)
        return [short_name(n) for n in names], images, truth
    dataset = dataset_of(request, model)
    indices = _test_indices(model, dataset, options["select"])[:options["count"]]
    if not len(indices):
        raise request.error(f"model '{model.ref}' misclassifies none of its {len(dataset.x_test)} test images: "
                            "there is no mistake to show", "select: first shows the first test images")
    return ([f"test #{i}" for i in indices], dataset.x_test[indices].astype(np.float32),
            [int(dataset.y_test[i]) for i in indices])


def _test_indices(model, dataset, select: str) -> np.ndarray:
    """Test-set positions in order: all of them, or only those the model gets wrong."""
    if select == "first":
        return np.arange(len(dataset.x_test))
    predicted = np.asarray(model.predict(dataset.x_test.astype(np.float32))).argmax(-1)
    return np.flatnonzero(predicted != dataset.y_test)


def _tile(image, probs, class_names, label, name, scale, top, layout) -> np.ndarray:
    correct = None if label is None else bool(probs.argmax() == label)
    border = layout.px(BORDER)
    framed = np.pad(enlarge(image, scale), ((border, border), (border, border), (0, 0)), constant_values=0)
    framed[:border, :], framed[-border:, :], framed[:, :border], framed[:, -border:] = (COLOURS[correct],) * 4
    lines = [f"{class_names[i]} {percent(probs[i], 0)}" for i in np.argsort(-probs, kind="stable")[:top]]
    parts = [text_lines([name], layout, SMALL, width=framed.shape[1]), framed]
    if correct is not None:
        verdict = MARKS[correct] + ("" if correct else f": is {class_names[label]}")
        parts.append(text_lines([verdict], layout, SMALL, colour=COLOURS[correct]))
    parts.append(text_lines(lines, layout, SMALL))
    return stack_vertically(parts, gap=layout.px(2))
