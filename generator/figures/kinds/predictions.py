"""A gallery of test or probe images with class probabilities; mistakes marked."""

from __future__ import annotations

import numpy as np

from generator.errors import did_you_mean
from generator.figures import options as opt
from generator.figures.common import dataset_of, display_image, probe_images, short_name
from generator.figures.registry import png_figure
from generator.figures.tiling import enlarge, pad_to, stack_vertically, text_lines, tile_grid

VERSION = 2
BORDER = 3
COLOURS = {True: (0, 150, 0), False: (210, 0, 0), None: (160, 160, 160)}
KEYS = {
    "model": opt.Key(opt.text),
    "probe": opt.Key(opt.text, None),
    "probes": opt.Key(opt.text_list, None),
    "labels": opt.Key(opt.text_list, None),  # true class of each probe, to mark mistakes
    "count": opt.Key(opt.positive_int, 12),  # test images shown when no probe is given
    "select": opt.Key(opt.choice("first", "mistakes"), "first"),  # which test images: the first, or mistakes
    "per_row": opt.Key(opt.positive_int, 6),
    "top": opt.Key(opt.positive_int, 3),
    "scale": opt.Key(opt.positive_int, None),
}


def check(options: dict) -> str | None:
    probes = ([options["probe"]] if options["probe"] else []) + (options["probes"] or [])
    if options["labels"] and len(options["labels"]) != len(probes):
        return f"'labels' names {len(options['labels'])} classes for {len(probes)} probes"
    return None


def draw(request, ctx):
    options = request.options
    model = ctx.model(options["model"])
    class_names = model.record["class_names"]
    names, images, truth = _images(request, ctx, model, class_names)
    probabilities = np.asarray(model.predict(images))
    scale = options["scale"] or max(1, 64 // images.shape[1])
    tiles = [_tile(display_image(image), probs, class_names, label, name, scale, options["top"])
             for image, probs, label, name in zip(images, probabilities, truth, names)]
    height = max(t.shape[0] for t in tiles)
    width = max(t.shape[1] for t in tiles)
    grid = tile_grid(np.stack([pad_to(tile, height, width) for tile in tiles]), options["per_row"], gap=6)
    mistakes = sum(1 for probs, label in zip(probabilities, truth) if label is not None and probs.argmax() != label)
    known = sum(1 for label in truth if label is not None)
    arrays = {"images": images, "probabilities": probabilities,
              "labels": np.array([-1 if label is None else label for label in truth])}
    return png_figure(grid, arrays, f"{mistakes} of {known} labelled images misclassified." if known else "")


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
    return ([f"test #{i}" for i in indices], dataset.x_test[indices].astype(np.float32),
            [int(dataset.y_test[i]) for i in indices])


def _test_indices(model, dataset, select: str) -> np.ndarray:
    """Test-set positions in order: all of them, or only those the model gets wrong."""
    if select == "first":
        return np.arange(len(dataset.x_test))
    predicted = np.asarray(model.predict(dataset.x_test.astype(np.float32))).argmax(-1)
    return np.flatnonzero(predicted != dataset.y_test)


def _tile(image, probs, class_names, label, name, scale, top) -> np.ndarray:
    correct = None if label is None else bool(probs.argmax() == label)
    framed = np.pad(enlarge(image, scale), ((BORDER, BORDER), (BORDER, BORDER), (0, 0)), constant_values=0)
    framed[:BORDER, :], framed[-BORDER:, :], framed[:, :BORDER], framed[:, -BORDER:] = (COLOURS[correct],) * 4
    lines = [name] + [f"{class_names[i]} {probs[i]:.0%}" for i in np.argsort(-probs, kind="stable")[:top]]
    if correct is False:
        lines.append(f"true: {class_names[label]}")
    return stack_vertically([framed, text_lines(lines, framed.shape[1])], gap=2)
