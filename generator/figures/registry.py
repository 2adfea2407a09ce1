"""Figure kinds by name, the keys every block may use, and what a drawn figure is.

A kind is a module in `generator/figures/kinds/` that satisfies `FigureKind` (tests/figures/test_kinds_contract.py
checks every module there is registered in KINDS and does), and may also define
  models(options) -> list[str]   model refs it needs (default: the `model` key)
  check(options) -> str | None   a problem spanning several keys
KEYS entries are `generator.options.Option`s (check, default, help).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from generator.figures import options as opt

if TYPE_CHECKING:
    import numpy as np

    from generator.figures.directive import FigureRequest
    from generator.figures.draw import DrawContext


@runtime_checkable
class FigureKind(Protocol):
    """The contract of a figure kind (a module)."""

    KEYS: dict[str, opt.Key]   # its own keys with defaults and help text, besides COMMON_KEYS
    VERSION: int               # bumped when its drawing changes (part of the cache key)

    def draw(self, request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
        """The figure for a validated request; `ctx` gives trained models, records and probe files."""
        ...


KINDS = {
    "activations": "activations",
    "dense-as-image": "dense_as_image",
    "reshape": "reshape",
    "rgb-matrices": "rgb_matrices",
    "curves": "curves",
    "predictions": "predictions",
    "samples": "samples",
    "summary": "summary",
    "conv-animation": "conv_animation",
    "conv-check": "conv_check",
    "filters": "filters",
    "compare": "compare",
    "grad-cam": "grad_cam",
    "saliency": "saliency",
    "occlusion": "occlusion",
    "filter-patterns": "filter_patterns",
}

COMMON_KEYS = opt.named({
    "kind": opt.Key(opt.text, help="What the figure shows: one of KINDS."),
    "id": opt.Key(opt.text, None, "The figure's id (its file names and HTML id); default: from its contents."),
    "caption": opt.Key(opt.text, "", "The caption under the figure (markdown)."),
    "alt": opt.Key(opt.text, None, "The image's alt text; default: written by the kind."),
    "width": opt.Key(opt.positive_int, None, "Draw for a narrower column than the page's (CSS px)."),
})

# Bumped when code shared by every kind (tiling, file writing) changes how figures look.
SHARED_VERSION = 3


@dataclass
class Variant:
    """One drawn image file: `wide` (for the text column) or `narrow` (for phones)."""

    image: bytes
    extension: str  # "png" or "gif"
    size: tuple[int, int]  # (width, height) in image pixels, DENSITY per CSS pixel


@dataclass
class DrawnFigure:
    """What a kind draws: image variants (or an HTML table), the arrays behind them, a note, an alt text,
    and how legible the variants are at desktop and phone widths."""

    arrays: dict[str, np.ndarray]
    variants: dict[str, Variant] = field(default_factory=dict)
    table_html: str | None = None
    note: str = ""
    alt: str = ""
    legibility: dict = field(default_factory=dict)
    record: dict = field(default_factory=dict)  # numbers a post may quote: {{ figures.ID.KEY }} (JSON values)


def page_figure(request, ctx, compose, arrays: dict[str, np.ndarray], *, note: str = "", alt: str = "",
                encode=None, record: dict | None = None) -> DrawnFigure:
    """Draw a figure for the page's text column, and again for phones when it is wider than theirs.

    `compose(layout)` draws for a Layout and returns an RGB array (or what `encode` takes);
    `encode(drawn, layout)` returns a Variant (default: the RGB array with a margin, as PNG).
    """
    from generator.figures.layout import PHONE_COLUMN, Layout, legibility

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
    return DrawnFigure(arrays=arrays, variants=variants, note=note, alt=alt, legibility=measured,
                       record=record or {})


@dataclass
class Indexed:
    """A drawn figure as palette indices (H, W) and its (256, 3) palette, whose entry 255 is white."""

    image: np.ndarray
    palette: np.ndarray


def _png_variant(drawn, layout) -> Variant:
    """An RGB array, or an Indexed image, with a margin, as PNG."""
    from generator.figures.tiling import png_bytes, with_margin  # numpy: only when a figure is drawn

    image, palette = (drawn.image, drawn.palette) if isinstance(drawn, Indexed) else (drawn, None)
    framed = with_margin(image, layout)
    return Variant(png_bytes(framed, palette), "png", (int(framed.shape[1]), int(framed.shape[0])))


def kind_module(name: str) -> ModuleType:
    """The kind's module (a FigureKind, and maybe `models` and `check`)."""
    return importlib.import_module(f"generator.figures.kinds.{KINDS[name]}")


def allowed_keys(name: str) -> dict[str, opt.Key]:
    return {**COMMON_KEYS, **kind_module(name).KEYS}


def model_refs(name: str, options: dict) -> list[str]:
    module = kind_module(name)
    if hasattr(module, "models"):
        return module.models(options)
    return [options["model"]] if options.get("model") else []


def check_options(name: str, options: dict) -> str | None:
    """A kind's own cross-key check (e.g. "needs a probe"): the problem, or None."""
    module = kind_module(name)
    return module.check(options) if hasattr(module, "check") else None


def probe_paths(options: dict) -> list[str]:
    """Every probe file a block names, through `probe` or `probes`."""
    paths = [options["probe"]] if options.get("probe") else []
    return paths + list(options.get("probes") or [])
