"""Drawing: a kind draws a figure for a request, and the drawing is stored as a cache entry:
`figure.png|gif` (the wide variant, light), `figure-<name>.png|gif` for its other variants (`narrow`, `dark`,
`narrow-dark`, and an animation's `still`, `narrow-still`, `still-dark`, `narrow-still-dark`: see
types.variant_name), `data.npz` and `meta.json` (`variants: {name: {extension, size}}`, note, alt, ...)."""

from __future__ import annotations

import json
from pathlib import Path

from generator.cache import canonical_json
from generator.figures import registry
from generator.figures.types import DrawContext, DrawnFigure, FigureRequest

META = "meta.json"

__all__ = ["DrawContext", "META", "draw", "read_meta", "write_entry", "suffix", "image_name"]


def draw(request: FigureRequest, context: DrawContext) -> DrawnFigure:
    """The figure drawn by its kind, refused if it holds NaN or infinite values."""
    import numpy as np

    context.notes = []
    with np.errstate(invalid="ignore"):  # NaNs are refused below, in one line, not warned about
        drawn = registry.kind_module(request.kind).draw(request, context)
    drawn.note = " ".join(filter(None, [drawn.note, *context.notes]))
    refuse_non_finite(request, drawn)
    return drawn


def refuse_non_finite(request: FigureRequest, drawn) -> None:
    """A figure is never drawn from NaN or infinite values (a diverged or damaged model)."""
    import numpy as np

    for name, array in drawn.arrays.items():
        array = np.asarray(array)
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            models = ", ".join(request.model_refs) or "its inputs"
            raise request.error(f"the {request.kind} figure's '{name}' holds NaN or infinite values from {models}",
                                "a model whose weights diverged cannot be drawn; retrain it with a lower learning rate")


def write_entry(folder: Path, drawn: DrawnFigure, versions: dict[str, str]) -> None:
    from generator.figures.tiling import npz_bytes  # numpy: only when a figure was drawn

    (folder / "data.npz").write_bytes(npz_bytes(drawn.arrays))
    for name, variant in drawn.variants.items():
        (folder / image_name(name, variant.extension)).write_bytes(variant.image)
    variants = {name: {"extension": v.extension, "size": list(v.size)} for name, v in drawn.variants.items()}
    meta = {"variants": variants, "table_html": drawn.table_html, "note": drawn.note, "alt": drawn.alt,
            "legibility": drawn.legibility, "versions": versions}
    if drawn.record:  # only kinds with numbers to quote have one: other entries keep their bytes
        meta["record"] = drawn.record
    (folder / META).write_text(canonical_json(meta))


def read_meta(entry: Path) -> dict:
    return json.loads((entry / META).read_text())


def suffix(variant: str) -> str:
    """File-name suffix of a variant: the wide one has none."""
    return "" if variant == "wide" else f"-{variant}"


def image_name(variant: str, extension: str) -> str:
    """A variant's image file in a cache entry: figure.png, figure-narrow.png, figure-narrow-dark.png."""
    return f"figure{suffix(variant)}.{extension}"
