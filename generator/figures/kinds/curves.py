"""Metrics per epoch, train vs validation, with the best (checkpointed) epoch marked."""

from __future__ import annotations

import numpy as np

from generator.errors import did_you_mean
from generator.figures import options as opt
from generator.figures.common import history_of
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.layout import MARGIN, Scheme, scheme
from generator.figures.registry import DrawnFigure, page_figure

VERSION = 2
FONT_PT = 9.5  # at 100 dpi per CSS inch: 13 CSS px
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
    note = f"Best epoch: {record['best_epoch']} of {len(next(iter(history.values())))}." \
        if record.get("best_epoch") else ""
    alt = (f"Training curves of model {options['model']}: {' and '.join(options['metrics'])} per epoch on the "
           f"training and validation sets" + (f", best epoch {record['best_epoch']} marked." if record.get("best_epoch")
                                              else "."))
    return page_figure(request, ctx, lambda layout: plot_curves(history, options["metrics"], record.get("best_epoch"),
                                                                layout), arrays, note=note, alt=alt)


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
        for name, label, colour, marker in ((metric, "train", "#0072B2", "o"),
                                            (f"val_{metric}", "validation", "#D55E00", "s")):
            if name in history:
                axes.plot(np.arange(1, len(history[name]) + 1), history[name], marker=marker, markersize=3.5,
                          label=label, color=colour)
        if best_epoch:
            axes.axvline(best_epoch, color=_hex(scheme().grey(85)), linestyle="--", linewidth=1,
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
