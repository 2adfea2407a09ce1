"""Feature maps of conv/pool layers for one or more probes, every channel shown."""

from __future__ import annotations

import numpy as np

from generator.errors import did_you_mean
from generator.figures import options as opt
from generator.figures.common import layer_info, probe_images, require_feature_maps, short_name
from generator.figures.registry import png_figure
from generator.figures.tiling import colormap_names, colormap_palette, label_above, palette_levels, \
    stack_vertically, standardise_channels, tile_grid

VERSION = 1
KEYS = {
    "model": opt.Key(opt.text),
    "probe": opt.Key(opt.text, None),
    "probes": opt.Key(opt.text_list, None),
    "layers": opt.Key(opt.layer_names),
    "layout": opt.Key(opt.choice("grid", "strip"), "grid"),
    "per_row": opt.Key(opt.positive_int, 16),
    "cmap": opt.Key(opt.text, "viridis"),
    "scale": opt.Key(opt.positive_int, 1),
    "labels": opt.Key(opt.boolean, True),
}


def check(options: dict) -> str | None:
    return None if options["probe"] or options["probes"] else "an activations figure needs 'probe' or 'probes'"


def activation_grid(maps: np.ndarray, per_row: int, scale: int = 1) -> tuple[np.ndarray, int]:
    """Every channel of (H, W, C) maps, standardised, in rows of `per_row`, as colormap palette indices.

    Returns the 2-D index grid (see tiling.colormap_palette) and the number of constant channels.
    """
    standardised = standardise_channels(maps)
    tiles = palette_levels(standardised.maps)  # (C, H, W)
    tiles = np.repeat(np.repeat(tiles, scale, axis=1), scale, axis=2)
    return tile_grid(tiles, per_row), standardised.dead_channels


def draw(request, ctx):
    options = request.options
    model = ctx.model(options["model"])
    infos = [layer_info(request, model, layer) for layer in options["layers"]]
    for info in infos:
        require_feature_maps(request, model, info)
    palette = _palette(request, options["cmap"])
    probe_names, images = probe_images(request, ctx, model)
    layer_names = [info["name"] for info in infos]
    activations = model.activations(layer_names, images)

    sections = []
    dead = np.zeros((len(probe_names), len(layer_names)), dtype=np.int64)
    for index, probe in enumerate(probe_names):
        for column, name in enumerate(layer_names):
            maps = activations[name][index]
            per_row = options["per_row"] if options["layout"] == "grid" else maps.shape[-1]
            grid, dead[index, column] = activation_grid(maps, per_row, options["scale"])
            title = f"{short_name(probe)} - {name}: {maps.shape[-1]} channels, {dead[index, column]} constant"
            sections.append(label_above(grid, title) if options["labels"] else grid)
    arrays = {"probes": images, **{f"activations_{name}": activations[name] for name in layer_names},
              "dead_channels": dead}
    note = "Constant channels: " + ", ".join(
        f"{name} {'/'.join(str(count) for count in dead[:, column])}" for column, name in enumerate(layer_names)) + "."
    return png_figure(stack_vertically(sections), arrays, note, palette)


def _palette(request, name: str) -> np.ndarray:
    try:
        return colormap_palette(name)
    except KeyError:
        raise request.error(f"unknown colormap '{name}'", did_you_mean(name, colormap_names())) from None
