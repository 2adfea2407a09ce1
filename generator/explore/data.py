"""Explorer data: every layer's outputs for the probes, as 8-bit maps with a step and offset per map.

A layer's outputs for P probes become maps (P, C, H, W): the channels of a convolution or
pooling layer, or one map holding a vector (1 x N) or a matrix. Each map (probe, channel) is
stored as uint8 codes 0..LEVELS; its value is `offset + step * code`, with `offset` the map's minimum
and `step` its range / LEVELS, so a shown value is within step / 2 of the computed one. LEVELS + 1 is
the colour rule's number of colours (figures/colour_rule.py): a map on its own scale is drawn in the
colour of its code, the colour the figures give that value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator.cache import canonical_json
from generator.figures import colour_rule

LEVELS = colour_rule.RAMP_LEVELS - 1  # codes 0..LEVELS: range / LEVELS is the quantisation step
VARIANTS = ("trained", "untrained")
INDEX = "index.json"


def variant_ref(model: str, variant: str) -> str:
    """The model reference an explorer's variant shows: NAME for "trained", else NAME:VARIANT."""
    return model if variant == "trained" else f"{model}:{variant}"


@dataclass
class Quantised:
    codes: np.ndarray    # uint8 (P, C, H, W)
    offsets: np.ndarray  # float64 (P, C): each map's minimum
    steps: np.ndarray    # float64 (P, C): each map's range / LEVELS (0 for a constant map)

    def values(self) -> np.ndarray:
        """The values the codes stand for, as the page computes them."""
        return self.offsets[..., None, None] + self.steps[..., None, None] * self.codes


def as_maps(outputs: np.ndarray) -> np.ndarray | None:
    """A layer's outputs (P, ...) as maps (P, C, H, W); None for shapes with no 2-D picture."""
    if outputs.ndim == 4:
        return outputs.transpose(0, 3, 1, 2)
    if outputs.ndim == 3:
        return outputs[:, None]
    if outputs.ndim == 2:
        return outputs[:, None, None, :]
    return None


def quantise(maps: np.ndarray) -> Quantised:
    """8-bit codes of (P, C, H, W) maps, each map scaled to its own range."""
    maps = np.asarray(maps, dtype=np.float64)
    if not np.isfinite(maps).all():
        raise ValueError("layer outputs are not finite")
    offsets, highs = maps.min(axis=(2, 3)), maps.max(axis=(2, 3))
    offsets, steps = _rounded(offsets), _rounded((highs - offsets) / LEVELS)
    safe = np.where(steps > 0, steps, 1.0)[..., None, None]
    # rounding half up, as colour_rule.levels rounds a place
    codes = np.floor((maps - offsets[..., None, None]) / safe + 0.5).clip(0, LEVELS).astype(np.uint8)
    return Quantised(codes, offsets, steps)


def quantise_shares(maps: np.ndarray) -> Quantised:
    """8-bit codes of (P, C, H, W) attribution maps on the figures' attribution scale (colour_rule.share_places,
    from zero to the map's largest value, negatives at zero): offset 0, step largest / LEVELS, and each code the
    colour level the grad-cam figures give that value."""
    maps = np.asarray(maps, dtype=np.float64)
    if not np.isfinite(maps).all():
        raise ValueError("attribution maps are not finite")
    codes = colour_rule.levels(colour_rule.share_places(maps))
    highs = np.abs(maps).max(axis=(2, 3))
    return Quantised(codes, np.zeros_like(highs), _rounded(highs / LEVELS))


def _rounded(values: np.ndarray) -> np.ndarray:
    """Values as the JSON index stores them (9 significant digits), so codes match what the page decodes."""
    return np.vectorize(lambda v: float(f"{v:.9g}"), otypes=[np.float64])(values)


def file_name(layer: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", layer) + ".bin"


def write_entry(folder: Path, index: dict, layers: dict[str, dict[str, Quantised]],
                probe_pngs: list[bytes]) -> None:
    """Fill a cache entry: index.json, <variant>/<layer>.bin (codes in P, C, H, W order), probes/<i>.png."""
    for variant, by_layer in layers.items():
        (folder / variant).mkdir()
        for name, quantised in by_layer.items():
            (folder / variant / file_name(name)).write_bytes(np.ascontiguousarray(quantised.codes).tobytes())
    (folder / "probes").mkdir()
    for number, png in enumerate(probe_pngs):
        (folder / "probes" / f"{number}.png").write_bytes(png)
    (folder / INDEX).write_text(canonical_json(index) + "\n")


def read_codes(entry: Path, variant: str, layer: dict, probes: int) -> np.ndarray:
    """The codes of one layer as stored (for tests and benchmarks)."""
    channels, height, width = layer["maps"]
    data = np.frombuffer((entry / variant / file_name(layer["name"])).read_bytes(), dtype=np.uint8)
    return data.reshape(probes, channels, height, width)
