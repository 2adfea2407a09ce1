"""Image decoding and conversion shared by every data set and by probe loading, so both see the
same pixels and refuse the same broken files.

The rule (also in README "Your own images"): an image is decoded with Pillow, turned upright
by its EXIF orientation (as a photo viewer shows it), then converted as
`keras.utils.load_img` converts: PIL's `convert("RGB")` or `convert("L")`, so an alpha
channel (RGBA, LA, transparent palettes) is dropped, CMYK and palette images become their
RGB colours and RGB becomes luma (ITU-R 601-2). 16-bit and 32-bit grayscale is scaled to
0..255 first (Keras would keep 0..65535; our pipeline is 8-bit). Empty files, folders,
truncated files and images of more than MAX_PIXELS pixels (decompression bombs) raise
ImageProblem, never a traceback and never a memory blow-up.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from generator.readable import problem

PIL_MODES = {"grayscale": "L", "rgb": "RGB"}
MAX_PIXELS = 40_000_000          # a 6000x6000 photo passes; a decompression bomb does not
WIDE_GRAYSCALE = ("I;16", "I;16B", "I;16L", "I;16N", "I")


class ImageProblem(ValueError):
    """An image file that cannot be used; the message completes "<file> ..."."""


def convert(image: Image.Image, image_size: list[int] | None, color_mode: str) -> np.ndarray:
    """A PIL image as a uint8 (H, W, C) array in `color_mode`, resized to `image_size` = [height, width]."""
    image = image.convert(PIL_MODES[color_mode])
    if image_size is not None and list(image.size) != [image_size[1], image_size[0]]:
        image = image.resize((image_size[1], image_size[0]), Image.Resampling.BILINEAR)
    array = np.asarray(image, dtype=np.uint8)
    return array[..., None] if array.ndim == 2 else array


def convert_arrays(images: np.ndarray, image_size: list[int] | None, color_mode: str) -> np.ndarray:
    """Grayscale uint8 (N, H, W) images as (N, H', W', C) in `color_mode`."""
    if image_size is not None and list(images.shape[1:3]) != list(image_size):
        images = np.stack([convert(Image.fromarray(image), image_size, "grayscale")[..., 0] for image in images])
    images = images[..., None]
    return np.repeat(images, 3, axis=-1) if color_mode == "rgb" else images


def open_image(path: Path) -> Image.Image:
    """The decoded, upright, 8-bit image in a file; raises ImageProblem for anything unusable."""
    path = Path(path)
    if path.is_dir():
        raise ImageProblem("is a folder, not an image file")
    try:
        refused = problem(path.stat(), "image")   # stat before opening: a pipe would hang the build
        if refused is not None:
            raise ImageProblem(refused[0])
        if path.stat().st_size == 0:
            raise ImageProblem("is an empty file (0 bytes)")
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ImageProblem(f"is {image.width}x{image.height} pixels, more than the {MAX_PIXELS:,} "
                                       "allowed (a decompression bomb?)")
                image.load()
                upright = ImageOps.exif_transpose(image)
                return eight_bit(upright)
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(f"has more than the {MAX_PIXELS:,} pixels allowed (a decompression bomb?)") from None
    except UnidentifiedImageError:
        raise ImageProblem("is not an image Pillow can read") from None
    except OSError as error:
        raise ImageProblem(f"cannot be decoded ({error})") from None
    except (SyntaxError, ValueError, struct.error) as error:  # some plugins raise these on damaged headers
        raise ImageProblem(f"cannot be decoded ({error})") from None


def eight_bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit grayscale scaled to 0..255 (`convert("L")` would clip it); float images clipped."""
    if image.mode in WIDE_GRAYSCALE:
        wide = np.asarray(image, dtype=np.float64)
        return Image.fromarray(np.clip(np.round(wide / 257.0), 0, 255).astype(np.uint8), "L")
    if image.mode == "F":
        return Image.fromarray(np.clip(np.round(np.asarray(image)), 0, 255).astype(np.uint8), "L")
    return image


def load_image(path: Path, image_size: list[int] | None, color_mode: str) -> np.ndarray:
    """An image file as uint8 (H, W, C) by the rule above; raises ImageProblem if unusable."""
    return convert(open_image(path), image_size, color_mode)
