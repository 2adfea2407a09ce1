"""Metrics per epoch, train vs validation, with the best (checkpointed) epoch marked."""

from __future__ import annotations

import numpy as np

from generator.errors import did_you_mean
from generator.figures import options as opt
from generator.figures.common import history_of
from generator.figures.context import percent
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.layout import MARGIN, Scheme, scheme
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS

VERSION = 3
FONT_PT = 9.5  # at 100 dpi per CSS inch: 13 CSS px
# (history prefix, legend label, colour, matplotlib marker, the line in words)
CURVES = (("", "train", "#0072B2", "o", "a blue line with circles"),
          ("val_", "validation", "#D55E00", "s", "an orange line with squares"))
BEST_LINE, BEST_MARK = "--", "dashed vertical"  # the kept epoch: a vertical line of this style
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model whose training history is drawn."),
    "metrics": opt.Key(opt.text_list, ["accuracy", "loss"], "The metrics drawn, one panel each."),
})


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    record = ctx.record(options["model"])
    history = history_of(request, ctx, options["model"])
    for metric in options["metrics"]:
        if metric not in history:
            raise request.error(f"model '{options['model']}' has no history of '{metric}'",
                                did_you_mean(metric, history) or "metrics: " + ", ".join(sorted(history)))
    arrays = {name: np.asarray(values) for name, values in history.items()
              if name.removeprefix("val_") in options["metrics"]}
    facts = layout_facts(history, options["metrics"], record.get("best_epoch"))
    return page_figure(request, ctx, lambda layout: plot_curves(history, options["metrics"], record.get("best_epoch"),
                                                                layout), arrays, note=sentence(facts),
                       alt=alt_text(options["model"], history, options["metrics"], record.get("best_epoch")),
                       record={FACTS: facts})


def layout_facts(history: dict, metrics: list[str], best_epoch: int | None) -> dict:
    """What the figure's words may say of it: panels, epochs, the curves' markers and how the kept epoch is marked."""
    epochs = len(next(iter(history.values())))
    return {"counts": {"panels": len(metrics), "epochs": epochs, "metrics": len(metrics)},
            "best_epoch": best_epoch, "epochs": epochs,
            "best_epoch_mark": f"{BEST_MARK} line" if best_epoch else None,
            "curves": {"train": CURVES[0][4], "validation": CURVES[1][4]}}


def sentence(facts: dict) -> str:
    """The figure's legend in words, from what it draws."""
    markers = f"Training: {facts['curves']['train']}; validation: {facts['curves']['validation']}."
    if not facts["best_epoch"]:
        return markers + " No epoch is marked: the model was not trained with a checkpoint."
    return (f"{markers} The {facts['best_epoch_mark']} marks the best epoch, {facts['best_epoch']} of "
            f"{facts['epochs']}, whose weights were kept.")


def alt_text(model: str, history: dict, metrics: list[str], best_epoch: int | None) -> str:
    """The result in words: the last epoch's values, and the kept epoch with its validation accuracy."""
    epochs = len(next(iter(history.values())))
    finals = [f"{metric} {_value(metric, history[name][-1])} ({label})"
              for metric in metrics for name, label in ((metric, "training"), (f"val_{metric}", "validation"))
              if name in history]
    text = f"Training curves of model {model} over {epochs} epochs; after the last: {', '.join(finals)}."
    if best_epoch:
        kept = [f"{metric} {_value(metric, history[f'val_{metric}'][best_epoch - 1])}" for metric in metrics
                if f"val_{metric}" in history]
        text += f" Best epoch {best_epoch}, whose weights were kept" + (
            f": validation {', '.join(kept)}." if kept else ".")
    return text


def _value(metric: str, value: float) -> str:
    return percent(value) if "acc" in metric else f"{value:.3g}"


def plot_curves(history: dict, metrics: list[str], best_epoch: int | None, layout) -> np.ndarray:
    """One panel per metric (train and validation against epochs 1..n) as an RGB array drawn for `layout`:
    side by side on a wide column, one under the other on a narrow one."""
    import matplotlib

    with matplotlib.rc_context(scheme_style(scheme())):
        return _plot(history, metrics, best_epoch, layout)


def scheme_style(drawn_in: Scheme) -> dict:
    """matplotlib's colours for what is not data (paper, text, axes) in a scheme; the curves keep theirs."""
    paper, ink, grid = (_hex(value) for value in (drawn_in.paper, drawn_in.ink, drawn_in.grey(176)))
    return {"figure.facecolor": paper, "axes.facecolor": paper, "savefig.facecolor": paper, "text.color": ink,
            "axes.labelcolor": ink, "axes.edgecolor": ink, "xtick.color": ink, "ytick.color": ink, "grid.color": grid}


def _hex(grey: int) -> str:
    return "#" + f"{grey:02x}" * 3


def _plot(history: dict, metrics: list[str], best_epoch: int | None, layout) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    columns = len(metrics) if layout.width >= 280 * len(metrics) else 1
    rows = -(-len(metrics) // columns)
    width = (layout.width - 2 * MARGIN) / 100
    dpi = 100 * layout.density
    figure = Figure(figsize=(width, rows * min(2.6, 0.72 * width / columns + 0.4)), dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    axes_grid = figure.subplots(rows, columns, squeeze=False).reshape(-1)
    for axes in axes_grid[len(metrics):]:
        axes.set_visible(False)
    for axes, metric in zip(axes_grid, metrics):
        for prefix, label, colour, marker, _ in CURVES:
            if prefix + metric in history:
                axes.plot(np.arange(1, len(history[prefix + metric]) + 1), history[prefix + metric], marker=marker,
                          markersize=3.5, label=label, color=colour)
        if best_epoch:
            axes.axvline(best_epoch, color=_hex(scheme().grey(85)), linestyle=BEST_LINE, linewidth=1,
                         label=f"best epoch ({best_epoch})")
        axes.set_xlabel("epoch", fontsize=FONT_PT)
        axes.set_title(metric, fontsize=FONT_PT)
        axes.tick_params(labelsize=FONT_PT)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.legend(fontsize=FONT_PT, frameon=False)
        axes.grid(alpha=0.3)
    layout.saw_text(FONT_PT * dpi / 72)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
