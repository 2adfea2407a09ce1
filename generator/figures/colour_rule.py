"""The one colour rule of value maps: the activations figure's grid, strip and enlarged channel, the
dense-as-image fold and the explorer (generator/explore/, assets/js/explore.js) all colour a value by it.
Attribution maps (grad-cam, saliency, occlusion, integrated gradients, and the explorer's Grad-CAM) are placed
on another scale, `share_places`: from zero to the map's largest magnitude; then the same levels and ramp.

A value's place on the scale is linear from the scale's lowest value (the colormap's bottom) to its highest
(its top). The scale is a map's own range (`map`, the default) or one range over the shown maps of a
layer (`layer`). A map (or layer) with no spread has nothing to tell apart: it takes the bottom colour.
The colour is one of RAMP_LEVELS colours sampled evenly along the colormap; the level of a place
`f` in 0..1 is floor(f * (RAMP_LEVELS - 1) + 0.5), as explore.js computes it.
"""

from __future__ import annotations

import numpy as np

from generator.figures.tiling import colormap_levels

SCALES = ("map", "layer")
DEFAULT_SCALE = "map"
SCALE_HELP = ("The colour scale of the maps: 'map' (the default) colours each map from its own lowest value to "
              "its own highest; 'layer' gives the shown maps of a layer one scale, from the layer's lowest value "
              "to its highest, so maps of a layer compare.")
RAMP_LEVELS = 224  # colours along the colormap (the activations figure's palette holds probes and greys too)


def ranges(maps: np.ndarray, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value of the scale each map is coloured on: (C,) arrays for maps (C, H, W)."""
    values = np.asarray(maps, dtype=np.float64)
    low, high = values.min(axis=(1, 2)), values.max(axis=(1, 2))
    if scale == "layer" and len(values):
        low, high = np.full_like(low, low.min()), np.full_like(high, high.max())
    return low, high


def places(maps: np.ndarray, scale: str) -> np.ndarray:
    """Each value's place on its scale, 0 (lowest) to 1 (highest), for maps (C, H, W); 0 where the scale has no
    spread."""
    values = np.asarray(maps, dtype=np.float64)
    low, high = (bound[:, None, None] for bound in ranges(values, scale))
    spread = high - low
    return np.where(spread > 0, (values - low) / np.where(spread > 0, spread, 1.0), 0.0)


def levels(place: np.ndarray, count: int = RAMP_LEVELS) -> np.ndarray:
    """Places 0..1 as colour levels 0..count-1 (uint8), rounding half up as explore.js does."""
    return np.floor(np.clip(place, 0.0, 1.0) * (count - 1) + 0.5).astype(np.uint8)


def share_places(maps: np.ndarray, signed: bool = False) -> np.ndarray:
    """The attribution scale: each value of maps (..., H, W) as a share of its map's largest magnitude, 0 (zero)
    to 1 (the largest), clipped at 0; a `signed` map's -1..1 laid on 0..1 around the middle of a diverging
    colormap. A map of zeros is all 0 (the middle when signed)."""
    values = np.asarray(maps, dtype=np.float64)
    limit = np.abs(values).max(axis=(-2, -1), keepdims=True)
    shares = values / np.where(limit > 0, limit, 1.0)
    return (shares + 1) / 2 if signed else np.clip(shares, 0.0, 1.0)


def map_levels(maps: np.ndarray, scale: str) -> np.ndarray:
    """(C, H, W) colour levels 0..RAMP_LEVELS-1 of maps (C, H, W) under the rule."""
    return levels(places(maps, scale))


def constant_maps(maps: np.ndarray) -> int:
    """How many of the maps (C, H, W) hold one value."""
    values = np.asarray(maps)
    return int((values.min(axis=(1, 2)) == values.max(axis=(1, 2))).sum())


def ramp(cmap: str) -> np.ndarray:
    """(RAMP_LEVELS, 3) uint8: the colours of the levels, from the colormap's bottom to its top."""
    return colormap_levels(cmap, RAMP_LEVELS)


def dark_to_bright(cmap: str) -> bool:
    """Whether the colormap runs from a dark bottom to a bright top (viridis, magma: yes; RdBu_r: no)."""
    colours = ramp(cmap).astype(np.float64)
    luminance = colours @ np.array([0.2126, 0.7152, 0.0722])
    return bool(luminance[-1] - luminance[0] > 64 and (np.diff(luminance) > -8).all())


def ends(cmap: str) -> tuple[str, str]:
    """The words for the bottom and top of the colormap: ('dark', 'bright') when true, else its own name."""
    return ("dark", "bright") if dark_to_bright(cmap) else (f"the bottom of {cmap}", f"the top of {cmap}")


def describe(scale: str, cmap: str, *, constant: bool = False) -> str:
    """The caption's sentence saying how the figure's maps are coloured, from the rule in force."""
    bottom, top = ends(cmap)
    if scale == "layer":
        text = (f"The maps of a layer share one colour scale, from the layer's lowest value ({bottom}) to its "
                f"highest ({top}), {cmap}, with the values on the layer's colour bar: colours compare across "
                f"the layer's maps.")
        return text[:-1] + "; a layer with one value throughout takes the lowest colour." if constant else text
    text = (f"Each map is coloured from its own lowest value ({bottom}) to its own highest ({top}), {cmap}: "
            f"colours compare places within a map, not maps.")
    return text[:-1] + "; a constant map takes the lowest colour." if constant else text


# The ends of a colour bar under `map` scaling, where no one pair of values holds for every map: the words at
# its ends and under it (tiling.colour_bar's `ends`), in full, or short where the full ones do not fit.
MAP_ENDS = (("lowest of each map", "highest of each map", ""), ("lowest", "highest", "of each map"))
FOLD_ENDS = (("lowest of each image", "highest of each image", ""),
             ("lowest", "highest", "of each image, in each of R, G and B"))


def describe_fold() -> str:
    """The caption's sentence for values folded into RGB images (dense_as_image; the explorer's Dense layers)."""
    return ("Each image is scaled from its own lowest value (that colour off) to its own highest (full) in each of "
            "R, G and B: colours compare places within an image, not images.")
