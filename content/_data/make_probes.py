"""Re-create the derived probe images in ../probes/ (run with the project's Python).

    python content/_data/make_probes.py

The photographs in probes/ come from scikit-image's sample data (see probes/SOURCES.md).
This script makes the rest from them, from the shipped Fashion-MNIST test set and
from fixed drawing instructions; no randomness, so the PNGs are byte-identical on
every run with the same Pillow and zlib.
"""
import gzip
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

CONTENT = Path(__file__).resolve().parent.parent
PROBES = CONTENT / "probes"
FASHION = CONTENT / "_data" / "fashion-mnist"
FASHION_CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat",
                   "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
FASHION_TEST_PROBES = [0, 2, 9]  # an ankle boot, a trouser, a sneaker (test-set indices)
SKETCH_SIZE = 64
SUPERSAMPLE = 4


def chelsea_crops() -> None:
    """The cat's face, square-cropped and shrunk to 32x32 and 8x8 (Lanczos)."""
    with Image.open(PROBES / "chelsea.png") as photo:
        face = photo.convert("RGB").crop((80, 0, 380, 300))
    for size in (32, 8):
        face.resize((size, size), Image.Resampling.LANCZOS).save(PROBES / f"chelsea-{size}.png", icc_profile=None)


def wobbly_stroke(start, end, bend: float, phase: float) -> list[tuple[float, float]]:
    """Points from `start` to `end` bowed sideways by a fixed sine, like a hand-drawn line."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    normal = ((y0 - y1) / length, (x1 - x0) / length)
    points = []
    for step in range(25):
        t = step / 24
        offset = bend * length * (math.sin(math.pi * t) + 0.3 * math.sin(3 * math.pi * t + phase))
        points.append((x0 + t * (x1 - x0) + offset * normal[0], y0 + t * (y1 - y0) + offset * normal[1]))
    return points


def sketch(name: str, strokes: list[list[tuple[float, float]]], width: float,
           colours: tuple = (0, 255), mode: str = "L", size: int = SKETCH_SIZE) -> None:
    """Strokes drawn on a 64x64 canvas 4x larger, then downsampled to `size`.

    Default: white on black grayscale, like the shapes data set's default colours.
    """
    background, foreground = colours
    big = SKETCH_SIZE * SUPERSAMPLE
    image = Image.new(mode, (big, big), background)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        scaled = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        draw.line(scaled, fill=foreground, width=round(width * SUPERSAMPLE), joint="curve")
    image.resize((size, size), Image.Resampling.LANCZOS).save(PROBES / f"{name}.png")


def closed_strokes(corners: list[tuple[float, float]], bends: tuple, phases: tuple) -> list:
    return [wobbly_stroke(a, b, bend, phase) for a, b, bend, phase in zip(corners, corners[1:], bends, phases)]


def lumpy_circle(mean_radius: float = 21) -> list:
    angles = np.linspace(0, 2.15 * math.pi, 80)
    radius = mean_radius + 1.6 * np.sin(3 * angles + 0.7) + 0.9 * np.sin(5 * angles)
    return [[(float(x), float(y)) for x, y in zip(32 + radius * np.cos(angles), 33 + 0.93 * radius * np.sin(angles))]]


def hand_drawn_sketches() -> None:
    # Corners deliberately uneven and the last stroke overshoots the start, as a quick sketch does.
    triangle = closed_strokes([(31, 9), (55, 51), (10, 48), (33, 6)], (0.04, -0.03, 0.05), (0.0, 1.3, 2.1))
    square = closed_strokes([(14, 13), (50, 15), (52, 51), (12, 49), (15, 11)],
                            (0.03, -0.04, 0.03, -0.05), (0.4, 2.0, 1.1, 0.0))
    sketch("triangle", triangle, width=3.5)
    sketch("square", square, width=3.5)
    sketch("circle", lumpy_circle(), width=3.5)
    # 32x32 colour versions in the orientation of the unrotated shapes data set (dense_mlp
    # trains on it): the triangle points right and the square stands on a corner.
    right_triangle = closed_strokes([(56, 31), (15, 55), (13, 9), (58, 33)], (0.03, -0.04, 0.04), (0.5, 1.7, 0.2))
    diamond = closed_strokes([(58, 32), (32, 58), (6, 31), (31, 6), (59, 34)],
                             (-0.03, 0.04, -0.03, 0.03), (1.0, 0.3, 2.2, 0.8))
    for name, strokes, colours in (("triangle-rgb-32", right_triangle, ("midnightblue", "gold")),
                                   ("square-rgb-32", diamond, ("darkgreen", "tomato")),
                                   ("circle-rgb-32", lumpy_circle(27), ("black", "deepskyblue"))):
        sketch(name, strokes, width=5, colours=colours, mode="RGB", size=32)
    # 64x64 colour versions for conv_cnn, which learns coloured strokes on dark backgrounds.
    for name, strokes, colours in (("triangle-rgb-64", triangle, ("midnightblue", "gold")),
                                   ("circle-rgb-64", lumpy_circle(), ("black", "deepskyblue"))):
        sketch(name, strokes, width=4, colours=colours, mode="RGB", size=64)


def fashion_test_images() -> None:
    with gzip.open(FASHION / "t10k-images-idx3-ubyte.gz") as images, \
            gzip.open(FASHION / "t10k-labels-idx1-ubyte.gz") as labels:
        pixels = np.frombuffer(images.read(), np.uint8, offset=16).reshape(-1, 28, 28)
        classes = np.frombuffer(labels.read(), np.uint8, offset=8)
    for index in FASHION_TEST_PROBES:
        name = f"fashion-test-{index:04d}-{FASHION_CLASSES[classes[index]]}.png"
        Image.fromarray(pixels[index], mode="L").save(PROBES / name)


if __name__ == "__main__":
    chelsea_crops()
    hand_drawn_sketches()
    fashion_test_images()
