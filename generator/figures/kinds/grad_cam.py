"""Grad-CAM (Selvaraju et al. 2017): where a convolution layer's features weigh for a class, over the image.

The map is ReLU(sum_k w_k A_k) for the layer's channels A_k, with w_k the mean over positions of the class
score's gradient (Grad-CAM++, Chattopadhay et al. 2018: positive gradients weighted per position), then
resized bilinearly to the image. The class score is the logit before a final softmax. Shared keys, sanity
checks and drawing: generator.figures.attribution_figure.
"""

from __future__ import annotations

from generator.figures import attribution_figure as shared
from generator.figures import options as opt
from generator.figures.common import layer_info, require_feature_maps
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure

VERSION = 2
KEYS = opt.named({
    **shared.KEYS,
    "layer": opt.Key(opt.layer_name, None, "The convolution layer, by name or index; default: the last Conv2D."),
    "method": opt.Key(opt.choice("grad-cam", "grad-cam++"), "grad-cam",
                      "grad-cam: channels weighted by their mean gradient; grad-cam++: by positive gradients, "
                      "weighted per position."),
    "cmap": opt.Key(opt.text, "inferno", "The matplotlib colormap of the maps (low to high)."),
})
models = shared.models
check = shared.check


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    from generator.figures.attribution import NotAChain, grad_cam, upsample

    options = request.options
    model = ctx.model(shared.models(options)[0])
    info = _conv_layer(request, model)
    require_feature_maps(request, model, info)
    plus = options["method"] == "grad-cam++"

    def compute(scorer, images, classes) -> shared.Maps:
        try:
            cams = grad_cam(scorer, info["name"], images, classes, plus=plus)
        except NotAChain as problem:
            raise request.error(f"grad-cam cannot run the layers above '{info['name']}' on their own ({problem})",
                                "choose a later layer, after which the network is one chain of layers") from None
        return shared.Maps(shown=upsample(cams, images.shape[1:3]), raw=cams)

    return shared.draw_maps(request, ctx, options["method"], compute, cmap=options["cmap"],
                            extra_record={"layer": info["name"]})


def _conv_layer(request: FigureRequest, model) -> dict:
    if request.options["layer"] is not None:
        return layer_info(request, model, request.options["layer"])
    last = shared.last_convolution(model.record)
    if last is None:
        raise request.error(f"model '{model.ref}' has no convolution layer", "name a layer with feature maps: 'layer:'")
    return last


