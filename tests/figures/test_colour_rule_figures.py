"""The one colour rule in drawn figures: one channel, one set of colours in the grid and the enlarged panel;
a colour bar under every layer block; the caption's words follow the rule in force."""

import html as html_module

import numpy as np
from PIL import Image
from test_stage import document_html, run_stage

from generator.figures import colour_rule
from generator.figures.kinds.activations import MAP_LEVELS
from generator.figures.tiling import enlarge

GRID_AND_CHANNEL = """\
```figure
kind: activations
id: grid
model: tiny
probes: [probes/triangle.png, probes/circle.png]
layers: [conv2d, max_pooling2d]
per_row: 4{extra}
```

```figure
kind: activations
id: one
model: tiny
probe: probes/circle.png
layers: [conv2d]
channel: 2{extra}
```
"""


def drawn(result, name: str) -> np.ndarray:
    return np.asarray(Image.open(dict(result.outputs)[f"figures/post/{name}.png"]).convert("RGB"))


def colour_bars(result, name: str) -> int:
    """How many colour bars a palette figure holds: bands of rows whose colormap pixels are one unbroken run
    through every level, left to right (no feature map does that)."""
    indices = np.asarray(Image.open(dict(result.outputs)[f"figures/post/{name}.png"]))
    rows = []
    for row in indices:
        ramp = np.flatnonzero(row < MAP_LEVELS)
        rows.append(len(ramp) >= MAP_LEVELS and bool((np.diff(ramp) == 1).all())
                    and bool((np.diff(row[ramp].astype(int)) >= 0).all()) and len(np.unique(row[ramp])) == MAP_LEVELS)
    bars = np.array(rows)
    return int(bars[0]) + int((bars[1:] & ~bars[:-1]).sum())


def shown_at(figure: np.ndarray, colours: np.ndarray) -> list[int]:
    """The scales at which `colours` (H, W, 3) appear in the figure as whole squares of pixels. Anchored on the
    map's rarest colour in the figure, so that a dark background common to every map costs nothing."""
    flat = figure.reshape(-1, 3)
    counts = {tuple(c): int((flat == c).all(axis=1).sum()) for c in np.unique(colours.reshape(-1, 3), axis=0)}
    y, x = min(np.ndindex(colours.shape[:2]), key=lambda at: counts[tuple(colours[at])])
    if counts[tuple(colours[y, x])] == 0:
        return []
    anchors = np.argwhere((figure == colours[y, x]).all(axis=-1))
    found = []
    for scale in range(1, 40):
        patch = enlarge(colours, scale)
        for top, left in anchors - (y * scale, x * scale):
            window = figure[top:top + patch.shape[0], left:left + patch.shape[1]] if top >= 0 and left >= 0 else None
            if window is not None and window.shape == patch.shape and np.array_equal(window, patch):
                found.append(scale)
                break
    return found


def channel_colours(maps: np.ndarray, scale: str) -> np.ndarray:
    """(C, H, W, 3): the rule's colours of maps (H, W, C), computed here from the figure's own arrays."""
    return colour_rule.ramp("viridis")[colour_rule.map_levels(np.moveaxis(maps, -1, 0), scale)]


def test_one_channel_has_the_same_colours_in_the_grid_and_enlarged(site_source):
    source, cache = site_source
    for scale in ("map", "layer"):
        _, result, _ = run_stage(source, cache, GRID_AND_CHANNEL.format(extra=f"\ncolour_scale: {scale}"))
        maps = np.load(dict(result.outputs)["figures/post/grid.npz"])["activations_conv2d"][1]  # the circle
        colours = channel_colours(maps, scale)[2]
        grid, one = drawn(result, "grid"), drawn(result, "one")
        in_grid, in_panel = shown_at(grid, colours), shown_at(one, colours)
        assert in_grid and in_panel, (scale, in_grid, in_panel)
        assert len(np.unique(colours.reshape(-1, 3), axis=0)) > 10  # a real map, not one colour


def test_every_layer_block_has_a_colour_bar(site_source):
    source, cache = site_source
    _, result, _ = run_stage(source, cache, GRID_AND_CHANNEL.format(extra=""))
    assert colour_bars(result, "grid") == 4  # two probes times two layers
    for scale in ("map", "layer"):
        _, result, _ = run_stage(source, cache, GRID_AND_CHANNEL.format(extra=f"\nlayout: strip\ncolour_scale: {scale}"))
        assert colour_bars(result, "grid") == 4, scale


def test_the_caption_says_the_rule_in_force(site_source):
    source, cache = site_source
    words = {}
    for scale in ("map", "layer"):
        _, result, document = run_stage(source, cache, GRID_AND_CHANNEL.format(extra=f"\ncolour_scale: {scale}"))
        words[scale] = html_module.unescape(document_html(result, document))
    assert "Each map is coloured from its own lowest value (dark) to its own highest (bright), viridis" in words["map"]
    assert "one colour scale" not in words["map"]
    assert "The maps of a layer share one colour scale, from the layer's lowest value (dark)" in words["layer"]
    assert "its own lowest" not in words["layer"]
    _, result, document = run_stage(source, cache, GRID_AND_CHANNEL.format(extra="\ncmap: RdBu_r"))
    assert "from its own lowest value (the bottom of RdBu_r) to its own highest (the top of RdBu_r)" in \
        html_module.unescape(document_html(result, document))
