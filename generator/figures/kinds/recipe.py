"""The recipe: the Keras code that builds, compiles and fits a model as the build does
(`models.recipe.recipe_code`), highlighted as the site highlights fenced code (text, not an image). Its record, for the text
(`{{ figures.ID.KEY }}`): optimizer, learning_rate (a schedule's initial one), schedule (with one),
batch_size, epochs."""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure
from generator.models.recipe import optimizer_settings, recipe_code

VERSION = 1
KEYS = opt.named({"model": opt.Key(opt.text, help="The model (NAME or NAME:VARIANT) whose Keras code is shown: its "
                                                  "layers, compile (optimizer, schedule, loss, metrics) and fit "
                                                  "(epochs, batches, validation, checkpoint).")})


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    from generator.content.markdown import render_fragment   # Markdown's extensions: only when a figure is drawn

    ref = request.options["model"]
    spec = ctx.store.spec(ref)
    if not spec.layers or spec.load or spec.application:
        raise request.error(f"model '{ref}' has no declared layers: a recipe shows a network the build "
                            "builds from its spec's 'layers:'", "use a model with 'layers:' (not 'load:' or "
                                                                "'application:')")
    code = recipe_code(spec, ctx.record(ref))
    return DrawnFigure(arrays={"code": np.array(code)}, table_html=render_fragment(f"```python\n{code}```"),
                       record=optimizer_settings(spec))
