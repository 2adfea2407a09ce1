"""Image conversion shared by every data set and by probe loading, so both see the same pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

RESAMPLE = Image.Resampling.BILINEAR
PIL_MODES = {"grayscale": "L", "rgb": "RGB"}


def convert(image: Image.Image, image_size: list[int] | None, color_mode: str) -> np.ndarray:
    """A PIL image as a uint8 (H, W, C) array in `color_mode`, resized to `image_size` = [height, width]."""
    image = image.convert(PIL_MODES[color_mode])
    if image_size is not None and list(image.size) != [image_size[1], image_size[0]]:
        image = image.resize((image_size[1], image_size[0]), RESAMPLE)
    array = np.asarray(image, dtype=np.uint8)
    return array[..., None] if array.ndim == 2 else array


def convert_arrays(images: np.ndarray, image_size: list[int] | None, color_mode: str) -> np.ndarray:
    """Grayscale uint8 (N, H, W) images as (N, H', W', C) in `color_mode`."""
    if image_size is not None and list(images.shape[1:3]) != list(image_size):
        images = np.stack([convert(Image.fromarray(image), image_size, "grayscale")[..., 0] for image in images])
    images = images[..., None]
    return np.repeat(images, 3, axis=-1) if color_mode == "rgb" else images


def load_image(path: Path, image_size: list[int] | None, color_mode: str) -> np.ndarray:
    """An image file as uint8 (H, W, C); raises OSError (or PIL's UnidentifiedImageError) if unreadable."""
    with Image.open(path) as image:
        return convert(image, image_size, color_mode)
