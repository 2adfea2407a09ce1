"""Training images, one row per class."""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.common import dataset_of, display_image
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.layout import SMALL
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import enlarge, fit_scale, flow, label_above, stack_vertically

VERSION = 3
MIN_IMAGE, PHONE_IMAGE, MAX_IMAGE = 48, 30, 96  # CSS px per image: desktop minimum, phone minimum, largest
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model whose data set is shown."),
    "per_class": opt.Key(opt.positive_int, 8, "Images per class (one row each)."),
    "split": opt.Key(opt.choice("train", "val", "test"), "train", "Which split the images come from."),
    "scale": opt.Key(opt.positive_int, None, "Image pixels per data pixel, if larger than legible and it fits."),
})


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    dataset = dataset_of(request, ctx.model(options["model"]))
    images, labels = getattr(dataset, f"x_{options['split']}"), getattr(dataset, f"y_{options['split']}")
    chosen = []
    for label, name in enumerate(dataset.class_names):
        picked = images[labels == label][: options["per_class"]]
        if len(picked):
            chosen.append((label, name, picked))

    def compose(layout):
        gap = layout.px(3)
        smallest = layout.px(MIN_IMAGE if layout.width > 400 else PHONE_IMAGE)
        room = (layout.width_px + gap) // options["per_class"] - gap
        scale = max(fit_scale(images.shape[1], smallest), min(room, layout.px(MAX_IMAGE)) // images.shape[1])
        if options["scale"] and scale < options["scale"] and images.shape[1] * options["scale"] <= room:
            scale = options["scale"]  # larger still, when it fits
        layout.saw_map(images.shape[1] * scale)
        rows = [label_above(flow([enlarge(display_image(image), scale) for image in picked], layout.width_px, gap),
                            f"{name} ({len(picked)})", layout, SMALL)
                for _, name, picked in chosen]
        return stack_vertically(rows, gap=layout.px(8))

    arrays = {"images": np.concatenate([picked for _, _, picked in chosen]),
              "labels": np.concatenate([np.full(len(picked), label) for label, _, picked in chosen])}
    shown = sorted({len(picked) for _, _, picked in chosen})
    each = str(shown[0]) if len(shown) == 1 else f"{shown[0]} to {shown[-1]}"
    facts = {"counts": {"images of each": shown[-1], "images per class": shown[-1], "classes": len(chosen),
                        "rows": len(chosen), "images": sum(len(picked) for _, _, picked in chosen)}}
    alt = (f"{len(arrays['images'])} {options['split']} images of model {options['model']}'s data set, {each} of "
           f"each of its {len(chosen)} classes, one row each: {', '.join(name for _, name, _ in chosen)}.")
    return page_figure(request, ctx, compose, arrays, alt=alt, record={FACTS: facts},
                       note=f"One row per class, its name and image count above it: {each} images of each.")
