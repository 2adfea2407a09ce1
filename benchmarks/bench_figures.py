"""Activation grid rendering: layerpress (numpy tiling + colormap LUT + Pillow PNG, laid out for the
default text column at 2x, with the probe, titles and channel numbers) against the classic tutorial
recipe (a Python loop per channel filling the grid, then matplotlib imshow + savefig), on the same
activations."""

from __future__ import annotations

import io
import time

import numpy as np
from PIL import Image

from generator.figures.kinds.activations import figure_palette, layer_block
from generator.figures.layout import DEFAULT_FIGURE_WIDTH, Layout
from generator.figures.tiling import png_bytes, with_margin

PER_ROW = 16
SHAPES = [(1, 148, 148, 32), (1, 72, 72, 64)]
REPEATS = 7


def layerpress_render(maps: np.ndarray) -> bytes:
    """One layer block as a post shows it: the probe, every channel numbered, maps >= 48 CSS px, at 2x."""
    layout = Layout(DEFAULT_FIGURE_WIDTH)
    palette, (probe,) = figure_palette("viridis", [np.zeros((*maps.shape[:2], 3), np.uint8)])
    block = layer_block(probe, maps, "conv2d  output", layout, per_row=8, width=layout.width_px)
    return png_bytes(with_margin(block, layout), palette)


def classic_render(maps: np.ndarray, pixels: tuple[int, int]) -> bytes:
    """The tutorial method (channels beyond the last full row are dropped, as it does), saved at the
    same pixel size as layerpress's figure: the size the page needs (its own default, one inch per map
    at 100 dpi, shrinks a 148 px map to 100 px)."""
    import matplotlib.pyplot as plt

    size, n_features = maps.shape[0], maps.shape[-1]
    n_cols = n_features // PER_ROW
    display_grid = np.zeros((size * n_cols, PER_ROW * size))
    for col in range(n_cols):
        for row in range(PER_ROW):
            channel_image = maps[:, :, col * PER_ROW + row].copy()
            channel_image -= channel_image.mean()
            channel_image /= channel_image.std() + 1e-5
            channel_image *= 64
            channel_image += 128
            channel_image = np.clip(channel_image, 0, 255).astype("uint8")
            display_grid[col * size:(col + 1) * size, row * size:(row + 1) * size] = channel_image
    figure = plt.figure(figsize=(pixels[0] / 100, pixels[1] / 100), dpi=100)
    plt.title("conv2d")
    plt.grid(False)
    plt.imshow(display_grid, aspect="auto", cmap="viridis")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def best_time(function, *arguments) -> float:
    function(*arguments)  # warm up: imports, colormap tables
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function(*arguments)
        times.append(time.perf_counter() - started)
    return min(times)


def conv_like_activations(shape, rng) -> np.ndarray:
    """ReLU outputs of random 3x3 kernels over a smooth random image: the texture of a real conv layer's
    feature maps (structure plus dead zones), not white noise."""
    from scipy.ndimage import gaussian_filter
    from scipy.signal import correlate

    _, height, width, channels = shape
    image = gaussian_filter(rng.normal(size=(height + 2, width + 2, 3)), sigma=(3, 3, 0))
    kernels = rng.normal(size=(channels, 3, 3, 3))
    maps = np.stack([correlate(image, kernel, mode="valid")[..., 0] for kernel in kernels], axis=-1)
    return np.maximum(maps, 0).astype(np.float32)


def run() -> None:
    import matplotlib

    matplotlib.use("Agg")
    rng = np.random.default_rng(0)
    for shape in SHAPES:
        maps = conv_like_activations(shape, rng)
        size = Image.open(io.BytesIO(layerpress_render(maps))).size
        ours, classic = best_time(layerpress_render, maps), best_time(classic_render, maps, size)
        print(f"activation grid {shape} drawn {size[0]}x{size[1]} px (2x, {DEFAULT_FIGURE_WIDTH} px column): "
              f"layerpress {ours * 1000:.1f} ms, classic loop + imshow/savefig "
              f"{classic * 1000:.1f} ms, ratio {classic / ours:.1f}x (target >= 10x)", flush=True)
