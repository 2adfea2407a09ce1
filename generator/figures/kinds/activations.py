"""Feature maps of conv/pool layers for one or more probes, every channel shown, laid out for the page.

Each layer block starts with the probe, carries the layer's name, output shape and value range,
and numbers its channels. `layout: grid` gives rows of `per_row` large maps, `strip` fills each
row of the column with maps at the smallest legible size, `both` draws the two side by side
(or one under the other when they do not fit), and `channel: N` enlarges one channel with a
colour bar and its values on a coarse grid.
"""

from __future__ import annotations

import numpy as np

from generator.figures import options as opt
from generator.figures.common import colormap, display_image, layer_info, probe_images, require_feature_maps, \
    short_name
from generator.figures.layout import SMALL, TEXT
from generator.figures.registry import page_figure
from generator.figures.tiling import BACKGROUND, LEVELS, colour_bar, enlarge, fit_scale, flow, format_value, \
    label_above, palette_levels, stack_horizontally, stack_vertically, standardise_channels, text_lines, tile_grid

VERSION = 2
MIN_MAP = 48  # CSS px: no feature map is drawn smaller at the column's width
PHONE_MAP = 28  # CSS px on a phone: fewer maps per row, still well above 24
GAP = 4  # CSS px between maps
CELLS = 8  # `channel`: values printed on a grid of at most CELLS x CELLS
KEYS = {
    "model": opt.Key(opt.text),
    "probe": opt.Key(opt.text, None),
    "probes": opt.Key(opt.text_list, None),
    "layers": opt.Key(opt.layer_names),
    "layout": opt.Key(opt.choice("grid", "strip", "both"), "grid"),
    "per_row": opt.Key(opt.positive_int, 8),
    "channel": opt.Key(opt.non_negative_int, None),
    "cmap": opt.Key(opt.text, "viridis"),
    "scale": opt.Key(opt.positive_int, None),  # ignored since figures are laid out for the page; kept for old posts
    "labels": opt.Key(opt.boolean, True),
}


def check(options: dict) -> str | None:
    return None if options["probe"] or options["probes"] else "an activations figure needs 'probe' or 'probes'"


def activation_grid(maps: np.ndarray, per_row: int, scale: int = 1) -> tuple[np.ndarray, int]:
    """Every channel of (H, W, C) maps, standardised, in rows of `per_row`, as colormap palette indices.

    Returns the 2-D index grid (see tiling.colormap_palette) and the number of constant channels.
    """
    tiles, dead = channel_tiles(maps, scale)
    return tile_grid(tiles, per_row), dead


def channel_tiles(maps: np.ndarray, scale: int) -> tuple[np.ndarray, int]:
    """(C, H*scale, W*scale) palette indices of the standardised channels, and the constant-channel count."""
    standardised = standardise_channels(maps)
    tiles = palette_levels(standardised.maps)
    return np.repeat(np.repeat(tiles, scale, axis=1), scale, axis=2), standardised.dead_channels


def layer_block(probe_rgb: np.ndarray, maps: np.ndarray, title: str, palette: np.ndarray, layout, *,
                per_row: int | None, width: int, labels: bool = True) -> np.ndarray:
    """One layer for one probe: a title line, then the probe and every channel, numbered, wrapped to `width` px.

    `per_row` channels per row at the largest size that fits (grid), or None for as many as fit at the
    smallest legible size (strip).
    """
    side = max(maps.shape[:2])
    gap = layout.px(GAP)
    smallest = layout.px(MIN_MAP if layout.width > 400 else PHONE_MAP)
    at_least = fit_scale(side, smallest)
    if per_row:
        # room for per_row maps plus the probe in the first row
        columns = max(1, min(per_row, maps.shape[-1]))
        room = (width - columns * gap) // (columns + 1)
        scale = max(at_least, room // side) if room >= side * at_least else at_least
    else:
        scale = at_least
    tiles, _ = channel_tiles(maps, scale)
    layout.saw_map(tiles.shape[2])
    coloured = palette[tiles]  # (C, h, w, 3) RGB
    numbered = [_numbered(tile, str(index), layout) if labels else tile for index, tile in enumerate(coloured)]
    probe = _probe_tile(probe_rgb, tiles.shape[1], layout, labels)
    if per_row:
        columns = max(1, min(per_row, (width + gap) // (tiles.shape[2] + gap) - 1, len(numbered)))
        rows = [[probe] + numbered[:columns]] + [numbered[i:i + columns] for i in range(columns, len(numbered), columns)]
        body = stack_vertically([stack_horizontally(row, gap) for row in rows], gap)
    else:
        body = flow([probe] + numbered, width, gap)
    if not labels:
        return body
    return label_above(body, title, layout)


def _numbered(tile: np.ndarray, number: str, layout) -> np.ndarray:
    band = text_lines([number], layout, SMALL, width=tile.shape[1], align="center")
    return stack_vertically([band, tile], gap=0)


def _probe_tile(probe_rgb: np.ndarray, size: int, layout, labels: bool) -> np.ndarray:
    """The probe at the maps' size, framed in grey, labelled 'input'."""
    scale = max(1, size // max(probe_rgb.shape[:2]))
    image = enlarge(probe_rgb, scale)
    if max(image.shape[:2]) < size:
        image = enlarge(probe_rgb, scale + 1)[:size, :size]
    framed = np.full((size, size, 3), 160, dtype=np.uint8)
    framed[1:-1, 1:-1] = BACKGROUND
    inner = image[:size - 2, :size - 2]
    framed[1:1 + inner.shape[0], 1:1 + inner.shape[1]] = inner
    return _numbered(framed, "input", layout) if labels else framed


def channel_detail(probe_rgb: np.ndarray, channel_map: np.ndarray, title: str, cmap: np.ndarray, layout,
                   width: int) -> np.ndarray:
    """One channel enlarged (raw values, one colour scale with its bar), its mean values on a coarse grid."""
    from PIL import Image, ImageDraw

    height, wide = channel_map.shape
    low, high = float(channel_map.min()), float(channel_map.max())
    scaled = np.zeros(channel_map.shape) if high == low else (channel_map - low) / (high - low)
    levels = np.round(scaled * (LEVELS - 1)).astype(np.uint8)
    scale = max(1, min(width // wide, layout.px(360) // max(height, wide)))
    picture = Image.fromarray(enlarge(cmap[levels], scale))
    draw = ImageDraw.Draw(picture)
    cell = -(-max(height, wide) // CELLS)
    font = layout.font(SMALL)
    for top in range(0, height, cell):
        for left in range(0, wide, cell):
            block = channel_map[top:top + cell, left:left + cell]
            box = (left * scale, top * scale, min(left + cell, wide) * scale - 1, min(top + cell, height) * scale - 1)
            draw.rectangle(box, outline=(255, 255, 255))
            level = levels[top:top + cell, left:left + cell].mean() / (LEVELS - 1)
            ink = (0, 0, 0) if level > 0.55 else (255, 255, 255)
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            draw.text(centre, format_value(float(block.mean())), fill=ink, font=font, anchor="mm")
    layout.saw_map(cell * scale)
    enlarged = np.asarray(picture).copy()
    bar = colour_bar(cmap[:LEVELS], low, high, layout, enlarged.shape[1], "activation value")
    probe = label_above(enlarge(probe_rgb, max(1, layout.px(64) // max(probe_rgb.shape[:2]))), "input", layout, SMALL)
    note = text_lines([f"numbers: the mean of each {cell}x{cell} block"], layout, SMALL)
    main = stack_vertically([enlarged, bar, note], gap=layout.px(4))
    return label_above(flow([main, probe], width, layout.px(12)), title, layout)


def draw(request, ctx):
    options = request.options
    model = ctx.model(options["model"])
    infos = [layer_info(request, model, layer) for layer in options["layers"]]
    for info in infos:
        require_feature_maps(request, model, info)
    palette = colormap(request, options["cmap"])
    probe_names, images = probe_images(request, ctx, model)
    layer_names = [info["name"] for info in infos]
    activations = model.activations(layer_names, images)
    channel = options["channel"]
    if channel is not None:
        for name in layer_names:
            if channel >= activations[name].shape[-1]:
                raise request.error(f"layer '{name}' has {activations[name].shape[-1]} channels, no channel {channel}",
                                    f"channels are numbered 0 to {activations[name].shape[-1] - 1}")
    dead = np.array([[standardise_channels(activations[name][index]).dead_channels for name in layer_names]
                     for index in range(len(probe_names))], dtype=np.int64)
    probes_rgb = [display_image(image) for image in images]

    def title(probe_index: int, name: str) -> str:
        maps = activations[name][probe_index]
        shape = "\u00d7".join(str(n) for n in maps.shape)
        constant = f", {dead[probe_index, layer_names.index(name)]} constant" \
            if dead[probe_index, layer_names.index(name)] else ""
        prefix = f"{short_name(probe_names[probe_index])}: " if len(probe_names) > 1 else ""
        return (f"{prefix}{name}  output {shape}  values {format_value(float(maps.min()))} to "
                f"{format_value(float(maps.max()))}{constant}")

    def compose(layout):
        width = layout.width_px
        if channel is not None:
            return stack_vertically([
                channel_detail(probes_rgb[p], activations[name][p][..., channel], f"{title(p, name)}  channel {channel}",
                               palette, layout, width)
                for p in range(len(probe_names)) for name in layer_names], gap=layout.px(16))
        forms = {"grid": [options["per_row"]], "strip": [None], "both": [None, options["per_row"]]}[options["layout"]]
        if len(forms) == 1:
            return _blocks(probes_rgb, activations, layer_names, title, palette, layout, forms[0], width,
                           options["labels"])
        # both: side by side when each half still holds legible maps, else one under the other
        gap = layout.px(16)
        for room, arrange in (((width - gap) // 2, stack_horizontally), (width, stack_vertically)):
            parts = [label_above(_blocks(probes_rgb, activations, layer_names, title, palette, layout, per_row, room,
                                         options["labels"]), _form_title(per_row), layout, TEXT)
                     for per_row in forms]
            if arrange is stack_vertically or all(part.shape[1] <= room for part in parts):
                return arrange(parts, gap=gap if arrange is stack_horizontally else layout.px(24))

    arrays = {"probes": images, **{f"activations_{name}": activations[name] for name in layer_names},
              "dead_channels": dead}
    note = "Constant channels: " + ", ".join(
        f"{name} {'/'.join(str(count) for count in dead[:, column])}" for column, name in enumerate(layer_names)) + "."
    what = f"channel {channel} of" if channel is not None else {
        "grid": "every channel, in a grid, of", "strip": "every channel, in strips, of",
        "both": "every channel, as strips and as a grid, of"}[options["layout"]]
    alt = (f"Activations of model {options['model']}: {what} layers {', '.join(layer_names)} for "
           f"{'probe' if len(probe_names) == 1 else 'probes'} {', '.join(short_name(p) for p in probe_names)}.")
    return page_figure(request, ctx, compose, arrays, note=note, alt=alt)


def _blocks(probes_rgb, activations, layer_names, title, palette, layout, per_row, width, labels) -> np.ndarray:
    blocks = [layer_block(probes_rgb[p], activations[name][p], title(p, name), palette, layout,
                          per_row=per_row, width=width, labels=labels)
              for p in range(len(probes_rgb)) for name in layer_names]
    return stack_vertically(blocks, gap=layout.px(16))


def _form_title(per_row: int | None) -> str:
    return "strips: as many maps per row as fit" if per_row is None else f"grid: {per_row} maps per row"
