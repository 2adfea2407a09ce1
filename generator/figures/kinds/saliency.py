"""Saliency: how much each pixel moves the class score, by the gradient of the input.

`vanilla`: |dS/dx|, the largest over colour channels; `smoothgrad` (Smilkov et al. 2017): the same for the
mean gradient over noisy copies of the image; `integrated-gradients` (Sundararajan et al. 2017): (x - x')
times the mean gradient on the straight path from a baseline x' to x (trapezoid rule), summed over colour
channels, whose sum over pixels should equal S(x) - S(x'): the record's `completeness_error` says how far it
is. S is the logit before a final softmax. Shared keys, sanity checks and drawing:
generator.figures.attribution_figure.
"""

from __future__ import annotations

import numpy as np

from generator.figures import attribution_figure as shared
from generator.figures import options as opt
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure

VERSION = 2
KEYS = opt.named({
    **shared.KEYS,
    "method": opt.Key(opt.choice("vanilla", "smoothgrad", "integrated-gradients"), "vanilla",
                      "vanilla gradients, SmoothGrad (their mean over noisy copies) or integrated gradients."),
    "samples": opt.Key(opt.positive_int, 32, "smoothgrad: noisy copies of each image."),
    "noise": opt.Key(shared.unit_fraction, 0.15,
                     "smoothgrad: the noise's standard deviation, as a share of the image's value range."),
    "seed": opt.Key(opt.non_negative_int, 0, "smoothgrad: the noise's seed."),
    "baseline": opt.Key(shared.pixel_value, 0.0,
                        "integrated-gradients: the image the path starts from, one value for every pixel "
                        "(0 is black), or mean (the image's mean value)."),
    "steps": opt.Key(opt.positive_int, 256,
                     "integrated-gradients: steps of the path (trapezoid rule), all in batches of the network."),
    "cmap": opt.Key(opt.text, "inferno", "The matplotlib colormap of the maps (low to high)."),
})
models = shared.models
check = shared.check


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    method = options["method"]
    compute = {"vanilla": _vanilla, "smoothgrad": _smoothgrad, "integrated-gradients": _integrated}[method]
    return shared.draw_maps(request, ctx, method, lambda scorer, images, classes: compute(scorer, images, classes,
                                                                                          options),
                            cmap=options["cmap"])


def _vanilla(scorer, images, classes, options) -> shared.Maps:
    from generator.figures.attribution import vanilla_gradients

    grads = vanilla_gradients(scorer, images, classes)
    magnitude = np.abs(grads).max(axis=-1)
    return shared.Maps(shown=magnitude, raw=magnitude, arrays={"gradients": grads})


def _smoothgrad(scorer, images, classes, options) -> shared.Maps:
    from generator.figures.attribution import smoothgrad

    grads = smoothgrad(scorer, images, classes, samples=options["samples"], noise=options["noise"],
                       seed=options["seed"])
    magnitude = np.abs(grads).max(axis=-1)
    return shared.Maps(shown=magnitude, raw=magnitude, arrays={"gradients": grads})


def _integrated(scorer, images, classes, options) -> shared.Maps:
    from generator.figures.attribution import integrated_gradients

    if options["baseline"] == "mean":
        baselines = np.broadcast_to(images.mean(axis=(1, 2, 3), keepdims=True), images.shape)
    else:
        baselines = np.full(images.shape, options["baseline"], dtype=np.float32)
    result = integrated_gradients(scorer, images, classes, baselines.astype(np.float32), steps=options["steps"])
    summed = result.attributions.sum(axis=-1)
    magnitude = np.abs(summed)
    record = {"completeness_error": float(result.completeness.max()),
              "completeness": [float(value) for value in result.completeness],
              "score_difference": [float(value) for value in result.difference], "steps": options["steps"]}
    return shared.Maps(shown=magnitude, raw=magnitude, record=record,
                       arrays={"attributions": result.attributions, "completeness": result.completeness,
                               "score_difference": result.difference})
