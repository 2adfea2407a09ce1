"""Feature maps of conv/pool layers for one or more probes, every channel shown, laid out for the page.

Each layer block starts with the probe, carries the layer's name, output shape and value range,
and numbers its channels. `layout: grid` gives rows of `per_row` large maps, `strip` fills each
row of the column with maps at the smallest legible size, `both` draws the two side by side
(or one under the other when they do not fit), and `channel: N` enlarges one channel with a
colour bar and its values on a coarse grid. Colours follow the one rule of generator/figures/colour_rule.py
(`colour_scale: map` or `layer`); each layer block has its colour bar, and the caption's note says the rule.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from generator.figures import colour_rule, options as opt
from generator.figures.common import colormap, display_image, expand_layers, probe_images, require_feature_maps, \
    short_name
from generator.figures.layout import SMALL, TEXT
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure, Indexed, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import BACKGROUND, colour_bar, enlarge, fit_scale, flow, format_value, label_above, \
    pad_to, stack_horizontally, stack_vertically, text_lines, text_width, tile_grid, wrap_text

VERSION = 4  # 3: one colour rule (colour_scale), a colour bar per layer block; 4: and per_row maps on every grid row
# The figure's palette: MAP_LEVELS colormap levels, then the probes' colours, then greys ending in white.
MAP_LEVELS, PROBE_COLOURS, GREYS = colour_rule.RAMP_LEVELS, 16, 16
BAR = 300  # CSS px: a layer block's colour bar at most
PROBE_BASE, GREY_BASE = MAP_LEVELS, MAP_LEVELS + PROBE_COLOURS
MIN_MAP = 48  # CSS px: no feature map is drawn smaller at the column's width
PHONE_MAP = 28  # CSS px on a phone: fewer maps per row, still well above 24
GAP = 4  # CSS px between maps
CELLS = 8  # `channel`: values printed on a grid of at most CELLS x CELLS
DEFAULT_MAX_CHANNELS = 64  # a layer of a large network has hundreds: the figure shows this many unless told
KEYS = opt.named({
    "model": opt.Key(opt.text, help="The model (NAME or NAME:VARIANT) whose layers are shown."),
    "probe": opt.Key(opt.text, None, "An image file pushed through the model (or use 'probes')."),
    "probes": opt.Key(opt.text_list, None, "Several image files, one block of maps each."),
    "layers": opt.Key(opt.layer_names, help="The conv/pool layers to show, by name, path (base/layer), index, or "
                                            "pattern ('block*_conv1': every matching layer with feature maps)."),
    "channels": opt.Key(opt.channel_selection, None, "The channels shown of each layer: '0-63', a number, or a "
                                                     "list; default all, up to max_channels."),
    "max_channels": opt.Key(opt.positive_int, None, f"Channels shown per layer at most (default "
                                                    f"{DEFAULT_MAX_CHANNELS}); the note says what is left out."),
    "layout": opt.Key(opt.choice("grid", "strip", "both"), "grid",
                      "grid: per_row large maps a row; strip: as many as fit a row; both: the two side by side."),
    "per_row": opt.Key(opt.positive_int, 8, "Maps per row in the grid layout."),
    "channel": opt.Key(opt.non_negative_int, None, "Enlarge this one channel, with a colour bar and its values."),
    "cmap": opt.Key(opt.text, "viridis", "The matplotlib colormap of the maps."),
    "colour_scale": opt.Key(opt.choice(*colour_rule.SCALES), colour_rule.DEFAULT_SCALE, colour_rule.SCALE_HELP),
    "scale": opt.Key(opt.positive_int, None, "Ignored: maps are sized for the page (kept for old posts)."),
    "labels": opt.Key(opt.boolean, True, "Number each channel."),
})


def check(options: dict) -> str | None:
    return None if options["probe"] or options["probes"] else "an activations figure needs 'probe' or 'probes'"


def channel_tiles(maps: np.ndarray, scale: int, colour_scale: str = colour_rule.DEFAULT_SCALE) -> np.ndarray:
    """(C, H*scale, W*scale) colour levels 0..MAP_LEVELS-1 of the channels of `maps` (H, W, C), by the colour
    rule."""
    tiles = colour_rule.map_levels(np.moveaxis(np.asarray(maps), -1, 0), colour_scale)
    return np.repeat(np.repeat(tiles, scale, axis=1), scale, axis=2)


def figure_palette(cmap: str, probes_rgb: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The figure's 256 colours (colormap levels, the probes' colours, greys ending in white) and each probe
    as indices into it. Drawing in palette indices keeps the PNG small and fast to write."""
    from PIL import Image

    stacked = np.concatenate([pad_to(p, max(q.shape[0] for q in probes_rgb), max(q.shape[1] for q in probes_rgb))
                              for p in probes_rgb], axis=1)
    quantised = Image.fromarray(stacked).quantize(colors=PROBE_COLOURS, method=Image.Quantize.MEDIANCUT,
                                                  dither=Image.Dither.NONE)
    probe_colours = np.array((quantised.getpalette() or [])[:3 * PROBE_COLOURS], dtype=np.uint8).reshape(-1, 3)
    probe_colours = pad_to(probe_colours, PROBE_COLOURS, 3, 0)
    indices = np.asarray(quantised).astype(np.uint8) + PROBE_BASE
    probes, left = [], 0
    for probe in probes_rgb:
        probes.append(indices[:probe.shape[0], left:left + probe.shape[1]])
        left += probe.shape[1]
    greys = np.repeat(np.round(np.linspace(0, 255, GREYS)).astype(np.uint8)[:, None], 3, axis=1)
    return np.concatenate([colour_rule.ramp(cmap), probe_colours, greys]), probes


@cache
def grey_index() -> np.ndarray:
    """The palette index of each 0..255 grey value (a function: numpy is not needed until a figure is drawn)."""
    return (GREY_BASE + (np.arange(256) * (GREYS - 1) + 127) // 255).astype(np.uint8)


def grey(values) -> np.ndarray:
    """0..255 grey values (black ink on white) as the figure palette's grey indices (255 is white)."""
    return grey_index()[np.asarray(values, dtype=np.uint8)]


def text_indices(lines: list[str], layout, size: float, width: int = 0, align: str = "left") -> np.ndarray:
    return grey(text_lines(lines, layout, size, width=width, align=align)[..., 0])


def titled(image: np.ndarray, text: str, layout, size: float = TEXT) -> np.ndarray:
    """A palette-index image with text above it, wrapped to its width."""
    lines = wrap_text(text, layout, size, max(image.shape[1], layout.px(60)))
    return stack_vertically([text_indices(lines, layout, size, image.shape[1]), image], gap=layout.px(2))


def layer_block(probe: np.ndarray, maps: np.ndarray, title: str, layout, *, per_row: int | None, width: int,
                labels: bool = True, numbers: list[int] | None = None, seen: dict | None = None,
                colour_scale: str = colour_rule.DEFAULT_SCALE) -> np.ndarray:
    """One layer for one probe, in figure-palette indices: a title, then the probe and every channel, numbered,
    in rows that fit `width` px, then the colour bar.

    `per_row` channels per row at the largest size that fits (grid: the probe heads the first row, and the
    place under it stays empty, so that every row holds the same number of maps), or None for as many as fit
    at the smallest legible size (strip: the probe takes the first place). One vectorised tiling lays out all.
    `seen` gets the maps per row drawn: `seen["grid"]` (a set) or `seen["strip"]`.
    """
    side = max(maps.shape[:2])
    gap = layout.px(GAP)
    smallest = layout.px(MIN_MAP if layout.width > 400 else PHONE_MAP)
    scale = fit_scale(side, smallest)
    if per_row:
        columns = max(1, min(per_row, maps.shape[-1])) + 1
        room = (width - (columns - 1) * gap) // columns
        scale = max(scale, room // side)
    tiles = channel_tiles(maps, scale, colour_scale)
    layout.saw_map(tiles.shape[2])
    tiles = np.concatenate([_probe_tile(probe, tiles.shape[1:])[None], tiles])
    fit = max(1, (width + gap) // (tiles.shape[2] + gap))
    columns = min(fit, per_row + 1) if per_row else fit
    names = ["input" if text_width("input", layout, SMALL) <= tiles.shape[2] else "in"] + \
        [str(index) for index in (numbers or range(len(tiles) - 1))]
    if per_row and columns > 1:
        tiles, names = _under_the_probe(tiles, names, columns)
    if seen is not None:
        seen.setdefault("grid" if per_row else "strip", set()).add(columns - 1 if per_row and columns > 1 else columns)
    if labels:
        bands = np.stack([text_indices([name], layout, SMALL, tiles.shape[2], "center")[:, :tiles.shape[2]]
                          for name in names])
        tiles = np.concatenate([bands, tiles], axis=1)
    body = tile_grid(tiles, columns, gap=gap)
    body = stack_vertically([body, block_bar(maps, colour_scale, layout, body.shape[1])], gap=layout.px(6))
    return titled(body, title, layout) if labels else body


def _under_the_probe(tiles: np.ndarray, names: list[str], columns: int) -> tuple[np.ndarray, list[str]]:
    """The grid's tiles with an empty place at the start of every row after the first: the probe's column."""
    maps, rows = len(tiles) - 1, -(-(len(tiles) - 1) // (columns - 1))
    order, labels = [0], [names[0]]
    for row in range(rows):
        if row:
            order.append(-1)
            labels.append("")
        chosen = range(1 + row * (columns - 1), 1 + min(maps, (row + 1) * (columns - 1)))
        order.extend(chosen)
        labels.extend(names[i] for i in chosen)
    empty = np.full((1, *tiles.shape[1:]), BACKGROUND, dtype=tiles.dtype)
    return np.concatenate([tiles, empty])[order], labels


def block_bar(maps: np.ndarray, colour_scale: str, layout, width: int) -> np.ndarray:
    """A layer block's colour bar in palette indices: the layer's values under `layer` scaling, the words
    "lowest/highest of each map" under `map` scaling (each map has its own values)."""
    ramp = np.arange(MAP_LEVELS, dtype=np.uint8)
    length = min(width, layout.px(BAR))
    if colour_scale == "layer":
        return colour_bar(ramp, float(np.min(maps)), float(np.max(maps)), layout, length, "activation value",
                          text=text_indices)
    return colour_bar(ramp, 0.0, 1.0, layout, length, ends=colour_rule.MAP_ENDS, text=text_indices)


def _probe_tile(probe: np.ndarray, shape) -> np.ndarray:
    """The whole probe (palette indices) in a map's (height, width), framed in grey: as large as fits inside
    the frame (nearest pixels: a whole factor is an exact enlargement), centred, never cut."""
    from PIL import Image

    height, width = shape
    room_height, room_width = height - 2, width - 2
    probe_height, probe_width = probe.shape[:2]
    ratio = min(room_height / probe_height, room_width / probe_width)
    size = (max(1, int(probe_width * ratio + 1e-9)), max(1, int(probe_height * ratio + 1e-9)))
    image = np.asarray(Image.fromarray(probe).resize(size, Image.Resampling.NEAREST))
    framed = np.full((height, width), grey(160), dtype=np.uint8)
    framed[1:-1, 1:-1] = BACKGROUND
    top, left = 1 + (room_height - image.shape[0]) // 2, 1 + (room_width - image.shape[1]) // 2
    framed[top:top + image.shape[0], left:left + image.shape[1]] = image
    return framed


def channel_detail(probe_rgb: np.ndarray, channel_map: np.ndarray, title: str, cmap: np.ndarray, layout,
                   width: int, scale_range: tuple[float, float] | None = None) -> np.ndarray:
    """One channel enlarged on one colour scale (raw values, with its bar), beside a coarse grid of the mean
    value of each block, printed on the block's colour. The scale is the channel's own range, or
    `scale_range` (the layer's, under `colour_scale: layer`); `cmap` is the colour rule's ramp."""
    from PIL import Image, ImageDraw

    height, wide = channel_map.shape
    low, high = scale_range or (float(channel_map.min()), float(channel_map.max()))

    def levels_of(values):
        place = np.zeros(np.shape(values)) if high == low else (np.asarray(values, dtype=np.float64) - low) / (high - low)
        return colour_rule.levels(place, len(cmap))

    gap = layout.px(12)
    side = min((width - gap) // 2, layout.px(300))
    scale = max(1, side // max(height, wide))
    enlarged = enlarge(cmap[levels_of(channel_map)], scale)
    layout.saw_map(scale * max(height, wide))
    block = -(-max(height, wide) // CELLS)
    means = np.array([[channel_map[top:top + block, left:left + block].mean() for left in range(0, wide, block)]
                      for top in range(0, height, block)])
    cell = max(layout.px(44), side // max(means.shape))
    picture = Image.fromarray(enlarge(cmap[levels_of(means)], cell))
    draw = ImageDraw.Draw(picture)
    font = layout.font(SMALL)
    for (row, column), value in np.ndenumerate(means):
        box = (column * cell, row * cell, (column + 1) * cell - 1, (row + 1) * cell - 1)
        draw.rectangle(box, outline=(255, 255, 255))
        ink = (0, 0, 0) if levels_of(value) > 0.55 * (len(cmap) - 1) else (255, 255, 255)
        draw.text(((column + 0.5) * cell, (row + 0.5) * cell), f"{value:.2g}", fill=ink, font=font, anchor="mm")
    grid = label_above(np.asarray(picture).copy(), f"mean of each {block}\u00d7{block} block", layout, SMALL)
    pictures = flow([label_above(enlarged, "the channel", layout, SMALL), grid], width, gap)
    bar = colour_bar(cmap, low, high, layout, min(width, pictures.shape[1]), "activation value")
    probe = label_above(enlarge(probe_rgb, max(1, layout.px(64) // max(probe_rgb.shape[:2]))), "input", layout, SMALL)
    return label_above(stack_vertically([probe, pictures, bar], gap=layout.px(8)), title, layout)


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    model = ctx.model(options["model"])
    infos = expand_layers(request, model, options["layers"], feature_maps=True)
    for info in infos:
        require_feature_maps(request, model, info)
    colormap(request, options["cmap"])  # an unknown colormap is the block's error, before anything runs
    cmap = colour_rule.ramp(options["cmap"])
    colour_scale = options["colour_scale"]
    probe_names, images = probe_images(request, ctx, model)
    layer_names = [info["name"] for info in infos]
    activations = model.activations(layer_names, images)
    channel = options["channel"]
    if channel is not None:
        for name in layer_names:
            if channel >= activations[name].shape[-1]:
                raise request.error(f"layer '{name}' has {activations[name].shape[-1]} channels, no channel {channel}",
                                    f"channels are numbered 0 to {activations[name].shape[-1] - 1}")
    totals = {name: activations[name].shape[-1] for name in layer_names}
    numbers, left_out = _chosen_channels(request, activations)
    if channel is None:
        activations = {name: activations[name][..., numbers[name]] if name in numbers else activations[name]
                       for name in layer_names}
        numbers_drawn, left_out_drawn = numbers, left_out
    else:
        numbers_drawn, left_out_drawn = {}, []
    dead = np.array([[colour_rule.constant_maps(np.moveaxis(activations[name][index], -1, 0)) for name in layer_names]
                     for index in range(len(probe_names))], dtype=np.int64)

    def layer_range(p: int, name: str) -> tuple[float, float] | None:
        """The scale of the enlarged channel under `colour_scale: layer`: the layer's shown channels' range."""
        if colour_scale != "layer":
            return None
        shown = activations[name][p][..., numbers[name]] if name in numbers else activations[name][p]
        return float(shown.min()), float(shown.max())
    probes_rgb = [display_image(image) for image in images]

    def title(probe_index: int, name: str) -> str:
        maps = activations[name][probe_index]
        shape = "\u00d7".join(str(n) for n in (*maps.shape[:-1], totals[name]))
        constant = f", {dead[probe_index, layer_names.index(name)]} constant" \
            if dead[probe_index, layer_names.index(name)] else ""
        prefix = f"{short_name(probe_names[probe_index])}: " if len(probe_names) > 1 else ""
        return (f"{prefix}{name}  output {shape}  values {format_value(float(maps.min()))} to "
                f"{format_value(float(maps.max()))}{constant}")

    palette, probes_indexed = figure_palette(options["cmap"], probes_rgb)
    per_variant: list[dict] = []  # maps per row, as each variant (desktop, then phone) drew them

    def compose(layout):
        width = layout.width_px
        seen: dict = {}
        per_variant.append(seen)
        if channel is not None:
            return stack_vertically([
                channel_detail(probes_rgb[p], activations[name][p][..., channel], f"{title(p, name)}  channel {channel}",
                               cmap, layout, width, layer_range(p, name))
                for p in range(len(probe_names)) for name in layer_names], gap=layout.px(16))
        forms = {"grid": [options["per_row"]], "strip": [None], "both": [None, options["per_row"]]}[options["layout"]]

        def blocks(per_row, room):
            return stack_vertically([layer_block(probes_indexed[p], activations[name][p], title(p, name), layout,
                                                 per_row=per_row, width=room, labels=options["labels"],
                                                 numbers=numbers_drawn.get(name), seen=seen,
                                                 colour_scale=colour_scale)
                                     for p in range(len(probe_names)) for name in layer_names], gap=layout.px(16))

        if len(forms) == 1:
            return Indexed(blocks(forms[0], width), palette, GREY_BASE)
        # both: side by side when each half still holds legible maps, else one under the other
        gap = layout.px(16)
        for room, arrange in (((width - gap) // 2, stack_horizontally), (width, stack_vertically)):
            seen.clear()
            parts = [titled(blocks(per_row, room), _form_title(per_row and max(seen["grid"])), layout)
                     for per_row in forms]  # the grid's title: the maps per row it drew, on this column
            if arrange is stack_vertically or all(part.shape[1] <= room for part in parts):
                seen["side by side"] = arrange is stack_horizontally
                arranged = arrange(parts, gap=gap if arrange is stack_horizontally else layout.px(24))
                return Indexed(arranged, palette, GREY_BASE)

    arrays = {"probes": images, **{f"activations_{name}": activations[name] for name in layer_names},
              "dead_channels": dead}
    note = "Constant channels: " + ", ".join(
        f"{name} {'/'.join(str(count) for count in dead[:, column])}" for column, name in enumerate(layer_names)) + "."
    if left_out_drawn:
        note += " Shown: " + "; ".join(left_out_drawn) + "."
        arrays.update({f"channels_{name}": np.asarray(numbers_drawn[name]) for name in numbers_drawn})
    shown_maps = [activations[name][p][..., [channel]] if channel is not None else activations[name][p]
                  for p in range(len(probe_names)) for name in layer_names]
    flat = any(bool(colour_rule.constant_maps(np.moveaxis(maps, -1, 0)))
               if colour_scale == "map" else maps.min() == maps.max() for maps in shown_maps)
    note += " " + colour_rule.describe(colour_scale, options["cmap"], constant=flat)
    drawn = page_figure(request, ctx, compose, arrays, note=note, alt="")
    form = "channel" if channel is not None else options["layout"]
    facts = layout_facts(form, per_variant, {name: activations[name].shape[-1] for name in layer_names}, totals,
                         len(probe_names), [info["class"] for info in infos])
    drawn.note = " ".join(filter(None, [layout_sentence(facts), drawn.note]))
    drawn.alt = _alt(options["model"], facts, [title(p, name) for p in range(len(probe_names)) for name in layer_names],
                     [short_name(p) for p in probe_names], channel)
    drawn.record = {FACTS: {**facts, "channel": channel}}
    return drawn


def layout_facts(form: str, per_variant: list[dict], shown: dict[str, int], totals: dict[str, int],
                 probes: int, classes: list[str]) -> dict:
    """What the figure's words may say of its layout: the grid's maps per row on the desktop column (and on a
    phone when they differ), how the two forms of `both` are arranged, and the counts of what it shows
    (`shown`: the maps drawn of each layer, `totals`: its channels)."""
    desktop = per_variant[0] if per_variant else {}
    phone = per_variant[1] if len(per_variant) > 1 else desktop
    convolutions, poolings = sum("Conv" in name for name in classes), sum("Pooling" in name for name in classes)
    counts = {"layers": len(shown), "probes": probes, "images": probes, "convolutions": convolutions,
              "convolution": convolutions, "convolution layers": convolutions, "pooling": poolings,
              "pooling layers": poolings}
    if len(set(totals.values())) == 1:
        counts["channels"] = next(iter(totals.values()))
    if len(set(shown.values())) == 1 and form != "channel":
        counts["maps"] = next(iter(shown.values()))
    return {"form": form, "maps_per_row": _one(desktop.get("grid")), "phone_maps_per_row": _one(phone.get("grid")),
            "strip_maps_per_row": max(desktop["strip"]) if desktop.get("strip") else None,
            "side_by_side": desktop.get("side by side"), "counts": counts}


def _one(values: set | None) -> int | None:
    """The maps per row of a grid whose every row holds as many (its largest row otherwise)."""
    return max(values) if values else None


def layout_sentence(facts: dict) -> str:
    """The layout in words, from what was drawn."""
    per_row, phone = facts["maps_per_row"], facts["phone_maps_per_row"]
    on_phone = f" ({phone} on a phone)" if phone and phone != per_row else ""
    grid = f"a grid of {per_row} maps per row{on_phone}, the input heading the first row"
    if facts["form"] == "grid":
        return f"Layout: {grid}."
    if facts["form"] == "strip":
        return f"Layout: strips, as many maps per row as fit ({facts['strip_maps_per_row']} on the desktop column)."
    if facts["form"] == "both":
        first, second = ("on the left", "on the right") if facts["side_by_side"] else ("above", "below")
        return f"Layout: strips (as many maps per row as fit) {first}; {second}, {grid}."
    return ""


def _alt(model: str, facts: dict, titles: list[str], probes: list[str], channel: int | None) -> str:
    """What the figure shows, in words: each layer's shape and value range for each probe, and the layout."""
    shown = f"channel {channel} of each layer; " if channel is not None else ""
    layout = layout_sentence(facts).removeprefix("Layout: ")
    return (f"Activations of model {model} for {'probe' if len(probes) == 1 else 'probes'} {', '.join(probes)}: "
            f"{shown}" + "; ".join(t.replace("  ", ", ") for t in titles) + "."
            + (f" {layout[:1].upper()}{layout[1:]}" if layout else ""))


def _chosen_channels(request: FigureRequest, activations: dict) -> tuple[dict[str, list[int]], list[str]]:
    """{layer: the channel numbers shown} for layers not shown whole, and what each leaves out, in words."""
    options = request.options
    cap = options["max_channels"] or DEFAULT_MAX_CHANNELS
    numbers, left_out = {}, []
    for name, outputs in activations.items():
        total = outputs.shape[-1]
        wanted = [n for n in options["channels"] or range(total) if n < total]
        if not wanted:
            raise request.error(f"layer '{name}' has {total} channels, none of those 'channels' names",
                                f"channels are numbered 0 to {total - 1}")
        shown = wanted[:cap]
        if len(shown) < total:
            numbers[name] = shown
            left_out.append(f"{name} channels {_ranges(shown)} of {total}")
    return numbers, left_out


def _ranges(numbers: list[int]) -> str:
    """[0, 1, 2, 5] -> '0-2, 5'."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _form_title(per_row: int | None) -> str:
    return "strips: as many maps per row as fit" if per_row is None else f"grid: {per_row} maps per row"
