"""The model's layers, output shapes and parameter counts as an HTML table (text, not an image)."""

from __future__ import annotations

from html import escape

import numpy as np

from generator.figures import options as opt
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure

VERSION = 1
KEYS = opt.named({"model": opt.Key(opt.text, help="The model whose layers are listed.")})


def summary_table(record: dict) -> str:
    # a layer inside a nested model: indented under it, named by the path figures take
    rows = "".join(
        f"<tr><td>{'&#8195;' * layer.get('depth', 0)}{escape(layer['name'])} ({escape(layer['class'])})</td>"
        f"<td>{escape(str(tuple(layer['output_shape'])))}</td><td>{layer['params']:,}</td></tr>"
        for layer in record["layers"])
    trainable = record.get("trainable_params", record["params"])
    return ('<table class="model-summary"><thead><tr><th>Layer (type)</th><th>Output shape</th>'
            f"<th>Params</th></tr></thead><tbody>{rows}</tbody><tfoot>"
            f"<tr><th colspan=\"2\">Total params</th><th>{record['params']:,}</th></tr>"
            f"<tr><td colspan=\"2\">Trainable</td><td>{trainable:,}</td></tr>"
            f"<tr><td colspan=\"2\">Non-trainable</td><td>{record['params'] - trainable:,}</td></tr>"
            "</tfoot></table>")


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    record = ctx.record(request.options["model"])
    arrays = {"params": np.array([layer["params"] for layer in record["layers"]]),
              "layer_names": np.array([layer["name"] for layer in record["layers"]])}
    return DrawnFigure(arrays=arrays, table_html=summary_table(record))
