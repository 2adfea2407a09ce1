"""Figure kinds by name and the keys every block may use.

A kind is a module in `generator/figures/kinds/` that satisfies `FigureKind` (tests/figures/test_kinds_contract.py
checks every module there is registered in KINDS and does), and may also define
  models(options) -> list[str]   model refs it needs (default: the `model` key)
  check(options) -> str | None   a problem spanning several keys
KEYS entries are `generator.options.Option`s (check, default, help).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from generator.figures import options as opt
# What a kind's module uses, besides the request and context types (generator.figures.types).
from generator.figures.page import page_figure
from generator.figures.types import DrawnFigure, FigureKind, Indexed, Variant

__all__ = ["KINDS", "COMMON_KEYS", "SHARED_VERSION", "FigureKind", "DrawnFigure", "Indexed", "Variant", "page_figure",
           "kind_module", "allowed_keys", "model_refs", "check_options", "probe_paths"]

KINDS = {
    "activations": "activations",
    "dense-as-image": "dense_as_image",
    "reshape": "reshape",
    "rgb-matrices": "rgb_matrices",
    "curves": "curves",
    "predictions": "predictions",
    "samples": "samples",
    "summary": "summary",
    "recipe": "recipe",
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
SHARED_VERSION = 4  # 4: every figure also drawn in the dark scheme


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
