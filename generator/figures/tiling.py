"""Vectorised drawing primitives: tiling, standardisation, colormaps, labels, file writing.

Everything here works on numpy arrays and writes files with Pillow; nothing imports
TensorFlow, and matplotlib is imported only to read a colormap's colours.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

import numpy as np

from generator.figures.layout import MARGIN, SMALL, TEXT, font, scheme

BACKGROUND = 255  # the light scheme's paper; in palette figures (drawn in the light scheme) its index
LINE_SPACING = 1.4
# Palette figures (activations): 254 colormap levels, then black ink, then the white background.
LEVELS = 254
INK = 254
# A fixed date for every .npz member: zip entries otherwise carry the time of writing.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@functools.cache
def colormap_palette(name: str) -> np.ndarray:
    """(256, 3) uint8 palette: LEVELS colours of a matplotlib colormap, then INK black and BACKGROUND white."""
    import matplotlib

    levels = np.round(matplotlib.colormaps[name](np.linspace(0, 1, LEVELS))[:, :3] * 255).astype(np.uint8)
    palette = np.concatenate([levels, [[0, 0, 0], [255, 255, 255]]]).astype(np.uint8)
    palette.setflags(write=False)  # cached and shared between figures
    return palette


@functools.cache
def colormap_levels(name: str, count: int) -> np.ndarray:
    """(count, 3) uint8: a matplotlib colormap sampled evenly from its low to its high end."""
    import matplotlib

    levels = np.round(matplotlib.colormaps[name](np.linspace(0, 1, count))[:, :3] * 255).astype(np.uint8)
    levels.setflags(write=False)
    return levels


def palette_levels(values: np.ndarray) -> np.ndarray:
    """0..255 values as the nearest of the palette's LEVELS colour indices."""
    return ((values.astype(np.uint16) * (LEVELS - 1) + 127) // 255).astype(np.uint8)


def colormap_names() -> list[str]:
    import matplotlib

    return sorted(matplotlib.colormaps)


def tile_grid(tiles: np.ndarray, per_row: int, gap: int = 1, fill: int | None = None) -> np.ndarray:
    """Tiles (N, H, W, ...) laid out in rows of `per_row`, `gap` pixels apart.

    Every tile is shown: the last row is padded with `fill`, and fewer tiles than
    `per_row` make one short row.
    """
    fill = paper(fill)
    count, height, width = tiles.shape[:3]
    rest = tiles.shape[3:]
    columns = min(per_row, count)
    rows = -(-count // columns)
    padded = np.full((rows * columns, height + gap, width + gap, *rest), fill, dtype=tiles.dtype)
    padded[:count, :height, :width] = tiles
    grid = padded.reshape(rows, columns, height + gap, width + gap, *rest).swapaxes(1, 2)
    grid = grid.reshape(rows * (height + gap), columns * (width + gap), *rest)
    return grid[: grid.shape[0] - gap, : grid.shape[1] - gap]


def stack_vertically(parts: list[np.ndarray], gap: int = 4, fill: int | None = None) -> np.ndarray:
    """Images of any widths one under the other, left-aligned, padded on the right."""
    return _stack(parts, 0, gap, fill)


def stack_horizontally(parts: list[np.ndarray], gap: int = 4, fill: int | None = None) -> np.ndarray:
    """Images of any heights side by side, top-aligned, padded at the bottom."""
    return _stack(parts, 1, gap, fill)


def _stack(parts: list[np.ndarray], axis: int, gap: int, fill: int | None) -> np.ndarray:
    """Concatenate along `axis` with `gap` pixels of `fill` between parts, padding the other axis."""
    fill = paper(fill)
    across = max(p.shape[1 - axis] for p in parts)
    pieces = []
    for index, part in enumerate(parts):
        size = list(part.shape)
        size[1 - axis] = across
        if index:
            pieces.append(np.full([gap if i == axis else n for i, n in enumerate(size)], fill, dtype=np.uint8))
        pieces.append(pad_to(part, size[0], size[1], fill))
    return np.concatenate(pieces, axis=axis)


def table_of_panels(rows: list[list[np.ndarray]], gap: int = 10, fill: int | None = None) -> np.ndarray:
    """Rows of panels with aligned columns: each column as wide as its widest panel."""
    fill = paper(fill)
    widths = [max(row[column].shape[1] for row in rows if column < len(row))
              for column in range(max(len(row) for row in rows))]
    aligned = [stack_horizontally([pad_to(panel, panel.shape[0], widths[i], fill) for i, panel in enumerate(row)],
                                  gap, fill) for row in rows]
    return stack_vertically(aligned, gap, fill)


def pad_to(image: np.ndarray, height: int, width: int, fill: int | None = None) -> np.ndarray:
    out = np.full((height, width, *image.shape[2:]), paper(fill), dtype=np.uint8)
    out[: image.shape[0], : image.shape[1]] = image
    return out


def paper(fill: int | None = None) -> int:
    """`fill`, or the paper of the scheme being drawn in (see layout.drawn_in)."""
    return scheme().paper if fill is None else fill


def enlarge(image: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour upscaling by an integer factor (pixels stay sharp squares)."""
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


def to_rgb(image: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 1) or (H, W, 3) uint8 as (H, W, 3)."""
    if image.ndim == 2:
        image = image[..., None]
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image


def label_above(image: np.ndarray, text: str, layout, size: float = TEXT) -> np.ndarray:
    """The RGB image with text above it (wrapped to the image's width), a little space between."""
    band = text_lines(wrap_text(text, layout, size, max(image.shape[1], layout.px(60))), layout, size,
                      width=image.shape[1])
    return stack_vertically([band, to_rgb(image)], gap=layout.px(2))


def text_lines(lines: list[str], layout, size: float = TEXT, *, width: int = 0, align: str = "left",
               colour=None) -> np.ndarray:
    """An RGB band of the scheme's paper holding `lines` of anti-aliased text (DejaVu Sans at `size` CSS px) in
    its ink (or in `colour`, made readable on the paper), at least `width` image pixels wide. Read-only: bands
    are cached (figures repeat their labels)."""
    layout.font(size)  # notes the size as drawn
    drawn_in = scheme()
    ink = (drawn_in.ink,) * 3 if colour is None else drawn_in.text_colour(tuple(colour))
    return _text_band(tuple(lines), layout.px(size), layout.px(size * LINE_SPACING), width, align, ink,
                      drawn_in.paper)


@functools.lru_cache(maxsize=4096)
def _text_band(lines: tuple, font_px: int, line_height: int, width: int, align: str, colour: tuple,
               background: int) -> np.ndarray:
    from PIL import Image, ImageDraw

    typeface = font(font_px)
    lengths = [int(np.ceil(typeface.getlength(line))) for line in lines]
    band = Image.new("RGB", (max([width, 1] + [n + 2 for n in lengths]), line_height * len(lines)), (background,) * 3)
    draw = ImageDraw.Draw(band)
    for index, (line, length) in enumerate(zip(lines, lengths)):
        left = {"left": 1, "center": (band.width - length) // 2, "right": band.width - length - 1}[align]
        draw.text((left, index * line_height + line_height // 2), line, fill=colour, font=typeface, anchor="lm")
    array = np.asarray(band).copy()
    array.setflags(write=False)
    return array


def wrap_text(text: str, layout, size: float, width: int) -> list[str]:
    """`text` in lines of at most `width` image pixels: its parts (separated by two spaces) kept whole
    when they fit, three spaces apart on a line, otherwise broken at single spaces."""
    lines: list[str] = []
    for part in text.split("  "):
        if lines and text_width(f"{lines[-1]}   {part}", layout, size) <= width:
            lines[-1] = f"{lines[-1]}   {part}"
            continue
        line = ""
        for word in part.split(" "):
            if line and text_width(f"{line} {word}", layout, size) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def text_width(text: str, layout, size: float = TEXT) -> int:
    """Image pixels `text` takes at `size` CSS px (without noting it as drawn)."""
    return int(np.ceil(font(layout.px(size)).getlength(text))) + 2


def flow(parts: list[np.ndarray], width: int, gap: int, row_gap: int | None = None) -> np.ndarray:
    """RGB parts left to right, wrapping to a new row before a part would pass `width` pixels."""
    rows, row, used = [], [], 0  # type: list[list[np.ndarray]], list[np.ndarray], int
    for part in parts:
        needed = part.shape[1] + (gap if row else 0)
        if row and used + needed > width:
            rows.append(row)
            row, used, needed = [], 0, part.shape[1]
        row.append(part)
        used += needed
    rows.append(row)
    return stack_vertically([stack_horizontally(r, gap) for r in rows], gap if row_gap is None else row_gap)


def with_margin(image: np.ndarray, layout) -> np.ndarray:
    """The figure on the scheme's paper with a margin all round (the theme shows it as a card); a 2-D
    palette-index image is padded with index BACKGROUND, the paper's entry."""
    border = layout.px(MARGIN)
    # even sizes: at 2x the page shows exactly half, never a rounded half pixel more
    pads = ((border, border + image.shape[0] % 2), (border, border + image.shape[1] % 2))
    return np.pad(image, pads + (((0, 0),) if image.ndim == 3 else ()),
                  constant_values=paper() if image.ndim == 3 else BACKGROUND)


def fit_scale(side: int, target: int, room: int | None = None) -> int:
    """The integer upscaling that brings `side` pixels to at least `target` (within `room` if it can)."""
    scale = max(1, -(-target // side))
    if room is not None:
        scale = max(1, min(scale, room // side)) if room >= side else 1
    return scale


def colour_bar(colours: np.ndarray, low: float, high: float, layout, length: int, label: str = "", *,
               ends: tuple[tuple[str, str, str], ...] | None = None, text=None, framed: bool = False) -> np.ndarray:
    """A horizontal colour bar `length` image pixels long for values low..high, with tick labels.

    `colours` is a ramp from the low end to the high end: (N, 3) uint8 colours (an RGB bar), or (N,) palette
    indices, then `text(lines, layout, size, width=, align=)` draws the labels in indices. `ends` labels the
    two ends with words instead of values (a bar for maps each on its own scale): choices of (low end, high end,
    label under them, or "" for `label`), the first whose two ends fit side by side (else the last). `framed`
    draws a grey line round an RGB bar (one whose end is the paper's white).
    """
    text = text or text_lines
    height = layout.px(10)
    index = np.minimum((np.arange(length) * len(colours)) // max(length, 1), len(colours) - 1)
    bar = np.repeat(colours[index][None], height, axis=0)
    if framed:
        bar[[0, -1]] = bar[:, [0, -1]] = 160
    font_size = SMALL
    fill = paper() if colours.ndim == 2 else BACKGROUND  # palette figures are drawn in the light scheme
    band = np.full((layout.px(font_size * LINE_SPACING), length, *colours.shape[1:]), fill, dtype=np.uint8)
    if ends is not None:
        gap = layout.px(8)
        fitting = [choice for choice in ends
                   if sum(text([words], layout, font_size).shape[1] for words in choice[:2]) + gap <= length]
        low_words, high_words, words_label = (fitting or ends[-1:])[0]
        marks = [(0.0, low_words), (1.0, high_words)]
        label = words_label or label
    else:
        ticks = [low, high] if not (low < 0 < high) else [low, 0.0, high]
        marks = [((value - low) / (high - low) if high > low else 0.0, format_value(value)) for value in ticks]
    for place, words in marks:
        drawn = text([words], layout, font_size)[:band.shape[0]]
        position = int(round(place * (length - 1)))
        left = max(min(position - drawn.shape[1] // 2, length - drawn.shape[1]), 0)
        band[:drawn.shape[0], left:left + drawn.shape[1]] = drawn[:, :length - left]
    parts = [bar, band]
    if label:
        parts.append(text([label], layout, font_size, width=length, align="center"))
    return stack_vertically(parts, gap=layout.px(1))


def format_value(value: float) -> str:
    """A short, readable number for labels: 3 significant digits, no '-0'."""
    text = f"{value:.3g}"
    return "0" if text in ("-0", "0") else text.replace("-", "\u2212")


def png_bytes(image: np.ndarray, palette: np.ndarray | None = None) -> bytes:
    """PNG with no metadata chunks of a uint8 (H, W, 3) array, or of (H, W) indices into `palette`."""
    from PIL import Image

    image = np.ascontiguousarray(image)
    if palette is not None:
        return palette_png(image, palette)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def palette_png(indices: np.ndarray, palette: np.ndarray) -> bytes:
    """An 8-bit palette PNG written directly, filtered so that nearest-neighbour enlarged maps become
    runs of zeros that zlib's run-length strategy packs at once (several times faster than Pillow's
    unfiltered writer, and smaller)."""
    height, width = indices.shape
    rows = np.empty((height, width + 1), dtype=np.uint8)
    # Sub (1): each byte minus its left neighbour; a row repeating the one above gets Up (2): all zeros.
    # uint8 arithmetic wraps modulo 256, as PNG wants.
    rows[:, 0] = 1
    rows[:, 1] = indices[:, 0]
    rows[:, 2:] = indices[:, 1:] - indices[:, :-1]
    repeated = np.flatnonzero((indices[1:] == indices[:-1]).all(axis=1)) + 1
    rows[repeated, 0] = 2
    rows[repeated, 1:] = 0
    packer = zlib.compressobj(6, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = packer.compress(rows.tobytes()) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"PLTE", np.asarray(palette, dtype=np.uint8)[:256].tobytes()) + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def gif_bytes(frames: list[np.ndarray], palette: np.ndarray, durations: list[int], transparent: int) -> bytes:
    """Looping animated GIF of palette-index frames (uint8 (H, W)) sharing one palette.

    After the first frame only the pixels that changed are stored; the others get the `transparent`
    index (which no frame may use) and show the previous frame through, which keeps the file small.
    """
    from PIL import Image

    images = []
    for index, frame in enumerate(frames):
        delta = frame if index == 0 else np.where(frame == frames[index - 1], transparent, frame).astype(np.uint8)
        image = Image.frombytes("P", (frame.shape[1], frame.shape[0]), np.ascontiguousarray(delta).tobytes())
        image.putpalette(palette.astype(np.uint8).reshape(-1).tolist())
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=False, disposal=1, transparency=transparent)
    return buffer.getvalue()


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz archive (readable by np.load) that is byte-identical for equal arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.save(member, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()
