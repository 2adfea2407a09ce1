"""Metrics per epoch, train vs validation, with the best (checkpointed) epoch marked."""

from __future__ import annotations

import numpy as np

from generator.errors import did_you_mean
from generator.figures import options as opt
from generator.figures.registry import png_figure

VERSION = 1
KEYS = {
    "model": opt.Key(opt.text),
    "metrics": opt.Key(opt.text_list, ["accuracy", "loss"]),
}


def draw(request, ctx):
    options = request.options
    record = ctx.record(options["model"])
    history = record["history"]
    for metric in options["metrics"]:
        if metric not in history:
            raise request.error(f"model '{options['model']}' has no history of '{metric}'",
                                did_you_mean(metric, history) or "metrics: " + ", ".join(sorted(history)))
    image = plot_curves(history, options["metrics"], record.get("best_epoch"))
    arrays = {name: np.asarray(values) for name, values in history.items()
              if name.removeprefix("val_") in options["metrics"]}
    note = f"Best epoch: {record['best_epoch']} of {len(next(iter(history.values())))}." \
        if record.get("best_epoch") else ""
    return png_figure(image, arrays, note)


def plot_curves(history: dict, metrics: list[str], best_epoch: int | None) -> np.ndarray:
    """One panel per metric (train and validation against epochs 1..n) as an RGB array."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4 * len(metrics), 3), dpi=100, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    for axes, metric in zip(figure.subplots(1, len(metrics), squeeze=False)[0], metrics):
        for name, label in ((metric, "train"), (f"val_{metric}", "validation")):
            if name in history:
                axes.plot(np.arange(1, len(history[name]) + 1), history[name], marker="o", markersize=3,
                          label=label)
        if best_epoch:
            axes.axvline(best_epoch, color="grey", linestyle="--", linewidth=1, label=f"best epoch ({best_epoch})")
        axes.set_xlabel("epoch")
        axes.set_title(metric)
        axes.legend(fontsize="small")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
