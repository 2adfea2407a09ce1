"""Training images, one row per class."""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.common import dataset_of, display_image
from generator.figures.registry import png_figure
from generator.figures.tiling import enlarge, label_above, stack_vertically, tile_grid

VERSION = 1
KEYS = {
    "model": opt.Key(opt.text),
    "per_class": opt.Key(opt.positive_int, 8),
    "split": opt.Key(opt.choice("train", "val", "test"), "train"),
    "scale": opt.Key(opt.positive_int, None),
}


def draw(request, ctx):
    options = request.options
    dataset = dataset_of(request, ctx.model(options["model"]))
    images, labels = getattr(dataset, f"x_{options['split']}"), getattr(dataset, f"y_{options['split']}")
    scale = options["scale"] or max(1, 48 // images.shape[1])
    rows, chosen = [], []
    for label, name in enumerate(dataset.class_names):
        picked = images[labels == label][: options["per_class"]]
        if len(picked) == 0:
            continue
        chosen.append((label, picked))
        tiles = np.stack([enlarge(display_image(image), scale) for image in picked])
        rows.append(label_above(tile_grid(tiles, options["per_class"], gap=2), f"{name} ({len(picked)})"))
    arrays = {"images": np.concatenate([picked for _, picked in chosen]),
              "labels": np.concatenate([np.full(len(picked), label) for label, picked in chosen])}
    return png_figure(stack_vertically(rows, gap=6), arrays)
