"""A figure drawn for the page: for the text column, and again for phones when it is wider than theirs; each
in the light and in the dark scheme (layout.Scheme), the one place where a dark rendering is made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.figures.layout import DARK, LIGHT, PHONE_COLUMN, Layout, drawn_in, legibility
from generator.figures.types import DrawnFigure, Indexed, Variant, variant_name

if TYPE_CHECKING:
    import numpy as np


def page_figure(request, ctx, compose, arrays: dict[str, np.ndarray], *, note: str = "", alt: str = "",
                encode=None, record: dict | None = None) -> DrawnFigure:
    """Draw a figure for the page's text column, and again for phones when it is wider than theirs; each in the
    light and the dark scheme.

    `compose(layout)` draws for a Layout in the current scheme (layout.scheme()) and returns an RGB array (or
    what `encode` takes), or an Indexed image, whose dark rendering is its palette's greys remapped;
    `encode(drawn, layout)` returns a Variant (default: the RGB array with a margin, as PNG), which may carry
    a `still` image of itself.
    """
    encode = encode or _png_variant
    desktop = ctx.figure_width
    wide_layout = Layout(min(request.options.get("width") or desktop, desktop))
    variants = drawn_variants(compose, encode, wide_layout, narrow=False)
    wide = variants["wide"]
    measured = {"desktop": legibility(wide.size[0], wide_layout, desktop)}
    if wide.size[0] / wide_layout.density > PHONE_COLUMN:
        narrow_layout = Layout(PHONE_COLUMN)
        variants.update(drawn_variants(compose, encode, narrow_layout, narrow=True))
        measured["phone"] = legibility(variants["narrow"].size[0], narrow_layout, PHONE_COLUMN)
    else:
        measured["phone"] = legibility(wide.size[0], wide_layout, PHONE_COLUMN)
    return DrawnFigure(arrays=arrays, variants=variants, note=note, alt=alt, legibility=measured,
                       record=record or {})


def drawn_variants(compose, encode, layout: Layout, *, narrow: bool) -> dict[str, Variant]:
    """One layout's variants by name: light and dark, and the still image of each that moves."""
    variants = {}
    with drawn_in(LIGHT):
        drawn = compose(layout)
        variants[variant_name(narrow=narrow)] = encode(drawn, layout)
    with drawn_in(DARK):
        dark = in_dark(drawn) if isinstance(drawn, Indexed) else compose(layout)
        variants[variant_name(narrow=narrow, dark=True)] = encode(dark, layout)
    for name, variant in list(variants.items()):
        if variant.still is not None:
            variants[variant_name(narrow=narrow, still=True, dark=name.endswith("dark"))] = variant.still
    return variants


def in_dark(drawn: Indexed) -> Indexed:
    """A light palette image in the dark scheme: the same indices, its greys of ink and paper remapped."""
    import numpy as np

    palette = np.array(drawn.palette, dtype=np.uint8)
    palette[drawn.greys:] = [[DARK.grey(int(value))] * 3 for value in palette[drawn.greys:, 0]]
    return Indexed(drawn.image, palette, drawn.greys)


def _png_variant(drawn, layout) -> Variant:
    """An RGB array, or an Indexed image, with a margin, as PNG."""
    from generator.figures.tiling import png_bytes, with_margin  # numpy: only when a figure is drawn

    image, palette = (drawn.image, drawn.palette) if isinstance(drawn, Indexed) else (drawn, None)
    framed = with_margin(image, layout)
    return Variant(png_bytes(framed, palette), "png", (int(framed.shape[1]), int(framed.shape[0])))

