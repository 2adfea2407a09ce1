"""Helpers shared by the figures tests (imported by name: tests/ folders are not packages)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

TINY_SPEC = """\
dataset: {name: shapes, image_size: [16, 16], per_class: 12, validation_split: 0.25, seed: 3, color_mode: rgb}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Conv2D: {filters: 4, kernel_size: 3, activation: relu, padding: same}
  - MaxPooling2D: {pool_size: 2}
  - Conv2D: {filters: 3, kernel_size: 3, activation: relu}
  - Flatten
  - Dense: {units: 8, activation: relu}
  - Dense: {units: 3, activation: softmax}
fit: {epochs: 2, batch_size: 8}
seed: 5
variants:
  sgd: {compile: {optimizer: sgd}}
"""


@dataclass
class Doc:
    """The parts of a site-engine Document the figures stage reads."""

    source_path: Path
    body: str
    body_line: int = 1
    slug: str = "post"


def write_probes(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    triangle = Image.new("RGB", (40, 40), "black")
    ImageDraw.Draw(triangle).polygon([(20, 4), (36, 34), (4, 34)], outline="white", width=3)
    triangle.save(folder / "triangle.png")
    circle = Image.new("RGB", (40, 40), "black")
    ImageDraw.Draw(circle).ellipse([5, 5, 35, 35], outline="white", width=3)
    circle.save(folder / "circle.png")
    Image.fromarray(np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]], np.uint8)).save(
        folder / "tiny.png")
    (folder / "notes.png").write_text("not an image")
