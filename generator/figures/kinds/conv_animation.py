"""An animated GIF of a kernel sliding over a crop of a probe, at the probe's own resolution.

Each frame shows where the crop comes from, the crop with the kernel's window, the kernel's
values, the element-wise products under the window and their sum, and the output filling in on
a symmetric colour scale. The first output row fills position by position, the later rows one
row per frame, and the finished output is held: one loop lasts about ten seconds. Every frame has the
same layout (its titles and sum sized for the longest they get), so nothing but the values moves; the
finished frame is also a still PNG, shown to readers who ask for reduced motion.
"""

from __future__ import annotations

import functools

import numpy as np

from generator.datasets.images import load_image
from generator.figures import options as opt
from generator.figures.common import layer_info
from generator.figures.layout import SMALL, scheme
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.registry import DrawnFigure, Variant, page_figure
from generator.figures.tiling import LEVELS, colour_bar, colormap_palette, enlarge, flow, format_value, gif_bytes, \
    label_above, pad_to, png_bytes, stack_horizontally, stack_vertically, text_lines, text_width, with_margin

VERSION = 4
HIGHLIGHT = (230, 159, 0)  # Okabe-Ito orange: the kernel's window and the current output cell
STEP_MS, ROW_MS, HOLD_MS = 150, 300, 2000
CELL = 50  # CSS px per kernel or product value
# The crop's title, as few lines as fit the crop's width with the largest row and column: the same in every frame.
TITLES = (("input crop", "window at row {row}, column {column}"), ("input crop, window at", "row {row}, column {column}"),
          ("input crop", "window at", "row {row},", "column {column}"))
KEYS = opt.named({
    "probe": opt.Key(opt.text, help="The image the kernel slides over."),
    "size": opt.Key(opt.int_pair, [20, 20], "The crop's [height, width], in the probe's own pixels."),
    "crop": opt.Key(opt.int_pair, None, "The crop's [top, left] corner; default: centred."),
    "kernel": opt.Key(opt.matrix, None, "The kernel's values (or model + layer + channel for a learned one)."),
    "model": opt.Key(opt.text, None, "The model whose learned kernel is used."),
    "layer": opt.Key(opt.layer_name, None, "The conv layer whose kernel is used."),
    "channel": opt.Key(opt.non_negative_int, 0, "The output channel of the learned kernel."),
    "input_channel": opt.Key(opt.non_negative_int, 0, "The input channel of the learned kernel."),
    "scale": opt.Key(opt.positive_int, None, "Ignored: the crop is sized for the page (kept for old posts)."),
    "duration": opt.Key(opt.positive_int, STEP_MS, "Milliseconds per position in the first row."),
})


def check(options: dict) -> str | None:
    if bool(options["kernel"]) == bool(options["model"]):
        return "a conv-animation figure needs either 'kernel' or 'model' with 'layer'"
    if options["model"] and options["layer"] is None:
        return "a conv-animation figure with a 'model' needs the Conv2D 'layer' whose kernel slides"
    return None


def crop_box(image_shape, size, corner) -> tuple[int, int, int, int]:
    """(top, left, height, width) of the crop inside the image; centred unless `corner` is given."""
    height, width = min(size[0], image_shape[0]), min(size[1], image_shape[1])
    if corner is None:
        return (image_shape[0] - height) // 2, (image_shape[1] - width) // 2, height, width
    top, left = min(corner[0], image_shape[0] - height), min(corner[1], image_shape[1] - width)
    return top, left, height, width


def frame_steps(output_shape) -> list[tuple[int, int]]:
    """(cells filled, milliseconds) per frame: the first row cell by cell, then a row at a time, then a hold."""
    rows, columns = output_shape
    steps = [(cell + 1, STEP_MS) for cell in range(columns)]
    steps += [(row * columns, ROW_MS) for row in range(2, rows + 1)]
    steps[-1] = (rows * columns, HOLD_MS)
    return steps


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    probe = load_image(ctx.probe(options["probe"]), None, "grayscale")[..., 0].astype(np.float64)
    top, left, height, width = crop_box(probe.shape, options["size"], options["crop"])
    image = probe[top:top + height, left:left + width]
    kernel = np.array(options["kernel"], dtype=np.float64) if options["kernel"] else _model_kernel(request, ctx)
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise request.error(f"the {kernel.shape[0]}x{kernel.shape[1]} kernel is larger than the "
                            f"{image.shape[0]}x{image.shape[1]} crop", "raise 'size'")
    from scipy.signal import correlate2d

    output = correlate2d(image, kernel, mode="valid")
    steps = frame_steps(output.shape)
    durations = [options["duration"] if ms == STEP_MS else ms for _, ms in steps]

    def compose(layout):
        animation = Animation(probe, (top, left, height, width), kernel, output, layout)
        frames = [animation.frame(filled) for filled, _ in steps]
        tallest, widest = max(f.shape[0] for f in frames), max(f.shape[1] for f in frames)
        return [pad_to(frame, tallest, widest) for frame in frames]

    def encode(frames, layout) -> Variant:
        framed = [with_margin(frame, layout) for frame in frames]
        size = (framed[0].shape[1], framed[0].shape[0])
        still = Variant(png_bytes(to_palette(framed[-1], gif_palette()), gif_palette()), "png", size)
        return Variant(gif_from_rgb(framed, durations), "gif", size, still=still)

    arrays = {"image": image, "kernel": kernel, "output": output, "crop": np.array([top, left, height, width])}
    seconds = sum(durations) / 1000
    alt = (f"Animation: a {kernel.shape[0]}x{kernel.shape[1]} kernel sliding over a {height}x{width} crop of "
           f"{options['probe'].rsplit('/', 1)[-1]}, with its values, the element-wise products and the output "
           f"filling in.")
    return page_figure(request, ctx, compose, arrays, alt=alt, encode=encode,
                       note=f"{output.size} kernel positions over a {height}x{width} crop at ({top}, {left}); output "
                            f"{output.shape[0]}x{output.shape[1]} (correlation, no padding, pixel values 0..255); "
                            f"one loop {seconds:.1f} s.")


class Animation:
    """Draws the frames of one animation for one layout."""

    def __init__(self, probe, box, kernel, output, layout):
        self.layout, self.kernel, self.output = layout, kernel, output
        top, left, height, width = box
        self.image = probe[top:top + height, left:left + width]
        gap = layout.px(16)
        columns = width + output.shape[1]
        self.scale = max(1, min(layout.px(12), (layout.width_px - gap) // columns))
        layout.saw_map(self.scale * width)
        self.limit = float(np.abs(output).max()) or 1.0
        self.diverging = colormap_palette("RdBu_r")[:LEVELS]
        greys = colormap_palette("gray")[:LEVELS]
        self.crop_pixels = enlarge(greys[_levels(self.image, 0, 255)], self.scale)
        self.output_pixels = enlarge(self.diverging[_levels(output, -self.limit, self.limit)], self.scale)
        context_scale = max(1, layout.px(90) // max(probe.shape))
        context = enlarge(greys[_levels(probe, 0, 255)], context_scale) if max(probe.shape) * context_scale \
            <= layout.px(180) else _shrink(greys[_levels(probe, 0, 255)], layout.px(90))
        factor = context.shape[0] / probe.shape[0]
        _outline(context, int(top * factor), int(left * factor), max(2, int(height * factor)),
                 max(2, int(width * factor)), 2)
        self.context = label_above(context, "the probe", layout, SMALL)
        self.kernel_panel = _value_grid(kernel, kernel, layout, "kernel")
        self.bar = colour_bar(self.diverging, -self.limit, self.limit, layout,
                              max(self.output_pixels.shape[1], layout.px(150)), "output value")
        # room for the longest window title and sum: the same layout in every frame
        rows, columns = output.shape
        crop_width = self.crop_pixels.shape[1]
        self.title_lines = next((lines for lines in TITLES if max(
            text_width(line.format(row=rows - 1, column=columns - 1), layout, SMALL) for line in lines) <= crop_width),
            TITLES[-1])
        self.sum_width = max(text_width(_sum(float(value)), layout) for value in output.reshape(-1))

    def frame(self, filled: int) -> np.ndarray:
        layout, scale = self.layout, self.scale
        kh, kw = self.kernel.shape
        row, column = divmod(filled - 1, self.output.shape[1])
        crop = self.crop_pixels.copy()
        _outline(crop, row * scale, column * scale, kh * scale, kw * scale, layout.px(2))
        shown = np.zeros(self.output.shape, dtype=bool)
        shown.reshape(-1)[:filled] = True
        output = np.where(enlarge(shown, scale)[..., None], self.output_pixels, scheme().paper).astype(np.uint8)
        _grid_outline(output, self.output.shape, scale)
        _outline(output, row * scale, column * scale, scale, scale, layout.px(2))
        patch = self.image[row:row + kh, column:column + kw]
        products = patch * self.kernel
        value = float(self.output[row, column])
        gap = layout.px(16)
        top = stack_horizontally([
            stack_vertically([text_lines([line.format(row=row, column=column) for line in self.title_lines], layout,
                                         SMALL, width=crop.shape[1]), crop], gap=layout.px(2)),
            stack_vertically([label_above(output, "output (correlation)", layout, SMALL), self.bar],
                             gap=layout.px(4)),
        ], gap=gap)
        sum_text = text_lines([_sum(value)], layout, width=self.sum_width)
        bottom = flow([self.context, self.kernel_panel,
                            _value_grid(products, products, layout, "pixel \u00d7 weight"), sum_text],
                           layout.width_px, gap)
        return stack_vertically([top, bottom], gap=layout.px(12))


def _sum(value: float) -> str:
    return f"sum = {format_value(value)}"


def _value_grid(values: np.ndarray, colours: np.ndarray, layout, title: str) -> np.ndarray:
    """Numbers in a grid of cells coloured on a symmetric diverging scale."""
    from PIL import Image, ImageDraw

    cell = layout.px(CELL)
    limit = float(np.abs(colours).max()) or 1.0
    palette = colormap_palette("RdBu_r")[:LEVELS]
    picture = Image.fromarray(enlarge(palette[_levels(colours, -limit, limit)], cell))
    draw = ImageDraw.Draw(picture)
    font = layout.font(SMALL)
    for (row, column), value in np.ndenumerate(values):
        draw.rectangle((column * cell, row * cell, (column + 1) * cell - 1, (row + 1) * cell - 1), outline=(150,) * 3)
        ink = (255, 255, 255) if abs(float(colours[row, column])) > 0.6 * limit else (0, 0, 0)
        draw.text(((column + 0.5) * cell, (row + 0.5) * cell), format_value(float(value)), fill=ink, font=font,
                  anchor="mm")
    return label_above(np.asarray(picture).copy(), title, layout, SMALL)


def _levels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    scaled = np.zeros(values.shape) if high == low else (np.clip(values, low, high) - low) / (high - low)
    return np.round(scaled * (LEVELS - 1)).astype(np.int64)


def _shrink(image: np.ndarray, side: int) -> np.ndarray:
    from PIL import Image

    ratio = side / max(image.shape[:2])
    size = (max(1, round(image.shape[1] * ratio)), max(1, round(image.shape[0] * ratio)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BOX)).copy()


def _outline(frame, top, left, height, width, thickness) -> None:
    t = thickness
    frame[top:top + height, left:left + t] = HIGHLIGHT
    frame[top:top + height, max(left + width - t, 0):left + width] = HIGHLIGHT
    frame[top:top + t, left:left + width] = HIGHLIGHT
    frame[max(top + height - t, 0):top + height, left:left + width] = HIGHLIGHT


def _grid_outline(frame, shape, scale) -> None:
    """A thin grey border round the output area, so the empty cells read as a grid to fill."""
    height, width = shape[0] * scale, shape[1] * scale
    rule = scheme().grey(190)
    frame[[0, height - 1], :width] = rule
    frame[:height, [0, width - 1]] = rule


TRANSPARENT = 255  # palette index of "unchanged since the previous frame"


def gif_palette() -> np.ndarray:
    """(256, 3): the grey ramp of the probe and the text, the diverging ramp of the values, the highlight,
    and the transparent entry."""
    greys = np.repeat(np.round(np.linspace(0, 255, 96)).astype(np.uint8)[:, None], 3, axis=1)
    diverging = colormap_palette("RdBu_r")[:LEVELS][np.round(np.linspace(0, LEVELS - 1, 158)).astype(int)]
    return np.concatenate([greys, diverging, [HIGHLIGHT, (255, 0, 255)]]).astype(np.uint8)


def to_palette(frame: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """An RGB frame as indices of the nearest palette colours, through a 32-level-per-channel lookup table
    (indexed flat: a quarter of the time of indexing it by three arrays)."""
    levels = frame >> 3
    cell = (levels[..., 0].astype(np.uint16) << 10) | (levels[..., 1].astype(np.uint16) << 5) | levels[..., 2]
    return _nearest_table(palette.tobytes()).ravel().take(cell)


@functools.lru_cache(maxsize=2)
def _nearest_table(palette_bytes: bytes) -> np.ndarray:
    """(32, 32, 32) uint8: the nearest usable palette entry to the centre of each RGB cube cell."""
    usable = np.frombuffer(palette_bytes, np.uint8).reshape(-1, 3)[:TRANSPARENT].astype(np.int32)
    centres = np.round(np.arange(32) * 255 / 31).astype(np.int32)  # 0 and 255 exact: white stays white
    cube = np.stack(np.meshgrid(centres, centres, centres, indexing="ij"), axis=-1).reshape(-1, 1, 3)
    nearest = np.empty(cube.shape[0], dtype=np.uint8)
    for start in range(0, cube.shape[0], 4096):
        chunk = cube[start:start + 4096]
        nearest[start:start + 4096] = ((chunk - usable[None]) ** 2).sum(axis=2).argmin(axis=1)
    return nearest.reshape(32, 32, 32)


def gif_from_rgb(frames: list[np.ndarray], durations: list[int]) -> bytes:
    """Looping GIF of RGB frames on one fixed palette (see tiling.gif_bytes)."""
    palette = gif_palette()
    return gif_bytes([to_palette(frame, palette) for frame in frames], palette, durations, TRANSPARENT)


def _model_kernel(request, ctx) -> np.ndarray:
    options = request.options
    model = ctx.model(options["model"])
    info = layer_info(request, model, options["layer"])
    if info["class"] != "Conv2D":
        raise request.error(f"a conv-animation figure needs a Conv2D layer, '{info['name']}' is {info['class']}")
    kernel = np.asarray(model.layer(info["name"]).get_weights()[0], dtype=np.float64)
    if options["input_channel"] >= kernel.shape[2] or options["channel"] >= kernel.shape[3]:
        raise request.error(f"layer '{info['name']}' kernels are {kernel.shape[2]} in x {kernel.shape[3]} out "
                            "channels", "check 'channel' and 'input_channel'")
    return kernel[:, :, options["input_channel"], options["channel"]]
