"""A figure drawn for the page: for the text column, and again for phones when it is wider than theirs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.figures.layout import PHONE_COLUMN, Layout, legibility
from generator.figures.types import DrawnFigure, Indexed, Variant

if TYPE_CHECKING:
    import numpy as np


def page_figure(request, ctx, compose, arrays: dict[str, np.ndarray], *, note: str = "", alt: str = "",
                encode=None) -> DrawnFigure:
    """Draw a figure for the page's text column, and again for phones when it is wider than theirs.

    `compose(layout)` draws for a Layout and returns an RGB array (or what `encode` takes);
    `encode(drawn, layout)` returns a Variant (default: the RGB array with a margin, as PNG).
    """
    encode = encode or _png_variant
    desktop = ctx.figure_width
    wide_layout = Layout(min(request.options.get("width") or desktop, desktop))
    wide = encode(compose(wide_layout), wide_layout)
    variants = {"wide": wide}
    measured = {"desktop": legibility(wide.size[0], wide_layout, desktop)}
    if wide.size[0] / wide_layout.density > PHONE_COLUMN:
        narrow_layout = Layout(PHONE_COLUMN)
        variants["narrow"] = encode(compose(narrow_layout), narrow_layout)
        measured["phone"] = legibility(variants["narrow"].size[0], narrow_layout, PHONE_COLUMN)
    else:
        measured["phone"] = legibility(wide.size[0], wide_layout, PHONE_COLUMN)
    return DrawnFigure(arrays=arrays, variants=variants, note=note, alt=alt, legibility=measured)


def _png_variant(drawn, layout) -> Variant:
    """An RGB array, or an Indexed image, with a margin, as PNG."""
    from generator.figures.tiling import png_bytes, with_margin  # numpy: only when a figure is drawn

    image, palette = (drawn.image, drawn.palette) if isinstance(drawn, Indexed) else (drawn, None)
    framed = with_margin(image, layout)
    return Variant(png_bytes(framed, palette), "png", (int(framed.shape[1]), int(framed.shape[0])))

