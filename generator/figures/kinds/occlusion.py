"""Occlusion (Zeiler and Fergus 2014): how much the class's probability drops when a patch hides each part
of the image. A square of `patch` pixels slides by `stride`; each pixel's value is the mean drop over the
positions that cover it, drawn on a diverging scale (a patch that raises the probability is negative).
Shared keys, sanity checks and drawing: generator.figures.attribution_figure.
"""

from __future__ import annotations

from generator.figures import attribution_figure as shared
from generator.figures import options as opt
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure

VERSION = 2
KEYS = opt.named({
    **shared.KEYS,
    "patch": opt.Key(opt.positive_int, 4, "The hiding square's side, in the model's input pixels."),
    "stride": opt.Key(opt.positive_int, 2, "How far the square moves between positions, in input pixels."),
    "fill": opt.Key(shared.pixel_value, "mean", "The square's value: 0 to 255, or mean (the image's mean)."),
    "cmap": opt.Key(opt.text, "RdBu_r", "The matplotlib colormap (a diverging one: no change in the middle)."),
})
models = shared.models
check = shared.check


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    from generator.figures.attribution import occlusion

    options = request.options

    def compute(scorer, images, classes) -> shared.Maps:
        side = min(images.shape[1:3])
        if options["patch"] > side:
            raise request.error(f"a patch of {options['patch']} pixels does not fit the {side}-pixel input",
                                f"use a patch of at most {side}")
        fill = None if options["fill"] == "mean" else options["fill"]
        drops = occlusion(scorer, images, classes, patch=options["patch"], stride=options["stride"], fill=fill)
        return shared.Maps(shown=drops, raw=drops, signed=True)

    return shared.draw_maps(request, ctx, "occlusion", compute, cmap=options["cmap"],
                            extra_record={"patch": options["patch"], "stride": options["stride"]})
