"""A table of model variants with their measured test accuracy and loss. Its record, for the text
(`{{ figures.ID.VARIANT.KEY }}`): each variant's optimizer, learning_rate, batch_size, epochs (and schedule, with
one), from its spec (`models.recipe.optimizer_settings`), for the variants the build trains."""

from __future__ import annotations

import json
from html import escape

import numpy as np

from generator.figures import options as opt
from generator.figures.common import test_metrics_of
from generator.figures.context import percent
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure
from generator.figures.words import FACTS
from generator.models.recipe import optimizer_settings

VERSION = 3   # 2: the record of settings; 3: the layout facts
BASE = "base"
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model whose variants are compared."),
    "variants": opt.Key(opt.text_list, help="The variants (of the model's variants:) shown as table rows."),
})


def models(options: dict) -> list[str]:
    """'base' names the model itself, any other entry a variant of it."""
    return [options["model"] if v == BASE else f"{options['model']}:{v}" for v in options["variants"]]


def compare_table(names: list[str], records: list[dict]) -> str:
    best = max(range(len(records)), key=lambda i: records[i]["metrics"]["test_accuracy"])
    rows = []
    for index, (name, record) in enumerate(zip(names, records)):
        accuracy = percent(record['metrics']['test_accuracy'])
        if index == best:
            accuracy = f"<strong>{accuracy}</strong>"
        rows.append(f"<tr><td>{escape(name)}</td><td>{record['epochs']}</td><td>{record.get('best_epoch', '')}</td>"
                    f"<td>{accuracy}</td><td>{record['metrics']['test_loss']:.4f}</td></tr>")
    return ('<table class="model-compare"><thead><tr><th>Variant</th><th>Epochs</th><th>Best epoch</th>'
            f"<th>Test accuracy</th><th>Test loss</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    for ref in request.model_refs:
        test_metrics_of(request, ctx, ref)
    records = [ctx.record(ref) for ref in request.model_refs]
    arrays = {"test_accuracy": np.array([r["metrics"]["test_accuracy"] for r in records]),
              "test_loss": np.array([r["metrics"]["test_loss"] for r in records]),
              "variants": np.array(request.options["variants"])}
    specs = {variant: ctx.store.spec(ref) for variant, ref in zip(request.options["variants"], request.model_refs)}
    settings = {variant: optimizer_settings(spec) for variant, spec in specs.items()   # how the build trained them
                if spec.trained_by_build and not spec.untrained}
    optimizers = {json.dumps(spec.compile.get("optimizer"), sort_keys=True) for spec in specs.values()}
    facts = {"counts": {"variants": len(records), "rows": len(records), "models": len(records),
                        "optimizers": len(optimizers)}}
    return DrawnFigure(arrays=arrays, table_html=compare_table(request.options["variants"], records),
                       record={**settings, FACTS: facts})
