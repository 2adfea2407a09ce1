"""Figures are drawn for a display width: the page's text column, in CSS pixels, at 2x density.

A `Layout` is one drawing target (the desktop column, or a phone's). Kinds size everything
in CSS pixels through it, and it remembers the smallest feature map and the smallest text
it drew, so that the build can report how legible each figure is (figures.json) and warn
when it is not.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

from generator.config import DEFAULT_FIGURE_WIDTH as DEFAULT_FIGURE_WIDTH  # declared with its option

DENSITY = 2  # image pixels per CSS pixel: every PNG is drawn for 2x screens
# The default theme's text column: .wrap {max-width: 42rem; padding: 0 1.25rem} -> 672 - 40 CSS px.
# A 390 px phone screen less the theme's 2 x 1.25rem padding: the narrow variants' width.
PHONE_SCREEN = 390
PHONE_COLUMN = 350
NARROW_MEDIA = "(max-width: 480px)"
# The media query that selects each part of a variant's name (types.VARIANT_PARTS) in the page's <picture>.
VARIANT_MEDIA = {"narrow": NARROW_MEDIA, "still": "(prefers-reduced-motion: reduce)",
                 "dark": "(prefers-color-scheme: dark)"}
# Legibility thresholds in CSS px, at the desktop column and on a 390 px phone.
THRESHOLDS = {"desktop": {"map": 48, "text": 12}, "phone": {"map": 24, "text": 10}}

TEXT = 13  # titles and labels, CSS px
SMALL = 12  # channel numbers, tick labels
MARGIN = 4  # white border drawn around every figure, CSS px


@dataclass(frozen=True)
class Scheme:
    """The colours of what is not data: the paper under a figure, its text (ink) and its thin rules.
    Greys (one 0..255 value for R, G and B), so that a fill is one number for RGB and grey images alike.
    Data colours (colormaps, probe images) are the same in every scheme."""

    name: str
    paper: int
    ink: int
    rule: int  # frames and grid lines

    @property
    def dark(self) -> bool:
        return self.paper < self.ink

    def grey(self, value: float) -> int:
        """A light-scheme grey (0 ink .. 255 paper) as this scheme draws it: the same place between ink and paper."""
        return int(round(self.ink + (self.paper - self.ink) * value / 255))

    def text_colour(self, colour: tuple[int, int, int]) -> tuple[int, int, int]:
        """Coloured text (a verdict) readable on this paper: lightened towards the ink in the dark scheme."""
        if not self.dark:
            return colour
        return tuple(int(round(c + (self.ink - c) * 0.45)) for c in colour)  # type: ignore[return-value]


# Light: black on white. Dark: light grey on a dark grey card (#181818, a grey that the animation's
# GIF palette holds exactly), shown on the dark theme's #0d1117 page.
LIGHT = Scheme("light", paper=255, ink=0, rule=160)
DARK = Scheme("dark", paper=24, ink=230, rule=96)
_SCHEME = contextvars.ContextVar("layerpress_figure_scheme", default=LIGHT)


def scheme() -> Scheme:
    """The scheme figures are being drawn in (LIGHT unless `drawn_in` says otherwise)."""
    return _SCHEME.get()


@contextlib.contextmanager
def drawn_in(chosen: Scheme):
    """Draw in `chosen` within the block: the tiling helpers' paper and ink, matplotlib's colours."""
    token = _SCHEME.set(chosen)
    try:
        yield chosen
    finally:
        _SCHEME.reset(token)


@dataclass
class Layout:
    """Where a figure is drawn: `width` CSS px available, `density` image px per CSS px."""

    width: int
    density: int = DENSITY
    smallest_map: float | None = None  # CSS px at the drawn size
    smallest_text: float | None = None

    @property
    def width_px(self) -> int:
        """The drawable width in image pixels (inside the figure's margin)."""
        return self.px(self.width - 2 * MARGIN)

    def px(self, css: float) -> int:
        return int(round(css * self.density))

    def font(self, size: float = TEXT):
        """DejaVu Sans at `size` CSS px; noted as the figure's text size."""
        self.smallest_text = size if self.smallest_text is None else min(self.smallest_text, size)
        return font(self.px(size))

    def saw_map(self, side_px: int) -> None:
        """A feature map (or image cell) was drawn `side_px` image pixels wide."""
        css = side_px / self.density
        self.smallest_map = css if self.smallest_map is None else min(self.smallest_map, css)

    def saw_text(self, size_px: float) -> None:
        """Text drawn by other means (matplotlib) at `size_px` image pixels."""
        css = size_px / self.density
        self.smallest_text = css if self.smallest_text is None else min(self.smallest_text, css)


def legibility(drawn_width_px: int, layout: Layout, column: int) -> dict:
    """Smallest map and text in CSS px once the image is shown in a `column` CSS px wide."""
    shown = min(1.0, column / (drawn_width_px / layout.density))

    def at_column(value):
        return None if value is None else round(value * shown, 1)

    return {"column": column, "map": at_column(layout.smallest_map), "text": at_column(layout.smallest_text)}


def below_thresholds(record: dict) -> list[str]:
    """Human-readable problems of a figure's legibility record ({desktop: {...}, phone: {...}})."""
    problems = []
    for where, limits in THRESHOLDS.items():
        measured = record.get(where) or {}
        for what, limit in limits.items():
            value = measured.get(what)
            if value is not None and value < limit:
                problems.append(f"{'maps' if what == 'map' else 'text'} {value:g} px at {where} width "
                                f"(at least {limit} px)")
    return problems


# Its own logger: these warnings name lines, which a reused stage result gives anew (generator/stage_memo.py).
LEGIBILITY_LOGGER = "generator.figures.legibility"


def warn_illegible(request, record: dict) -> None:
    """A warning when a figure's maps or text fall below the legibility thresholds."""
    problems = below_thresholds(record)
    if problems:
        logging.getLogger(LEGIBILITY_LOGGER).warning(
            "%s:%s: figure '%s' is hard to read: %s (raise 'width' or lower 'per_row')",
            request.source_path, request.line, request.figure_id, "; ".join(problems))


@functools.cache
def font(size_px: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), size_px)


@functools.cache
def font_path() -> Path:
    """DejaVu Sans as shipped inside matplotlib (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.origin is not None, "matplotlib is a dependency"
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
