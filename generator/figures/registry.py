"""Figure kinds by name, the keys every block may use, and what a drawn figure is.

A kind is a module in `generator/figures/kinds/` with:
  KEYS: dict[str, Key]        its own keys (with defaults), besides COMMON_KEYS
  VERSION: int                bumped when its drawing changes (part of the cache key)
  models(options) -> list     model refs it needs (optional; default: the `model` key)
  check(options) -> str|None  a problem spanning several keys (optional)
  draw(request, ctx) -> DrawnFigure
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

from generator.figures import options as opt

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
}

COMMON_KEYS = {
    "kind": opt.Key(opt.text),
    "id": opt.Key(opt.text, None),
    "caption": opt.Key(opt.text, ""),
    "alt": opt.Key(opt.text, None),
    "width": opt.Key(opt.positive_int, None),
}

# Bumped when code shared by every kind (tiling, file writing) changes how figures look.
SHARED_VERSION = 1


@dataclass
class DrawnFigure:
    """What a kind draws: an image file (or an HTML table), the arrays behind it, a note."""

    arrays: dict[str, np.ndarray]
    image: bytes | None = None
    extension: str | None = None  # "png" or "gif"
    size: tuple[int, int] | None = None  # (width, height) in pixels
    table_html: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def png_figure(image: np.ndarray, arrays: dict[str, np.ndarray], note: str = "",
               palette: np.ndarray | None = None) -> DrawnFigure:
    from generator.figures.tiling import png_bytes  # numpy: not needed by a build that draws nothing

    return DrawnFigure(arrays=arrays, image=png_bytes(image, palette), extension="png",
                       size=(int(image.shape[1]), int(image.shape[0])), note=note)


def kind_module(name: str) -> ModuleType:
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
