"""Images as users have them: odd modes convert like keras.utils.load_img; broken files are one-line errors."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from .conftest import png_bytes

POST = "blog/_posts/2020-01-02-hostile.md"


def reshape_post(blog, probe="probes/x.png", figure_id="probe"):
    blog.post(f"```figure\nkind: reshape\nprobe: {probe}\nid: {figure_id}\n```\n")


def bomb_png(width=100_000, height=100_000) -> bytes:
    """A PNG header announcing 10^10 pixels, with almost no data behind it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


BROKEN = {
    "zero-byte probe": (b"", "is an empty file (0 bytes)"),
    "truncated probe": (png_bytes(size=(64, 64), color=None)[:70], "cannot be decoded"),
    "text named .png": (b"hello, I am not an image\n", "is not an image Pillow can read"),
    "decompression bomb": (bomb_png(), "has more than the 40,000,000 pixels allowed (a decompression bomb?)"),
}


@pytest.mark.parametrize("data, message", BROKEN.values(), ids=BROKEN.keys())
def test_broken_probe_is_a_located_error(blog, data, message):
    blog.write("probes/x.png", data)
    reshape_post(blog)
    before = blog.everything()
    blog.refuses(blog.build(), f"{POST}:4: probe 'probes/x.png' {message}", before)


def test_folder_where_a_probe_should_be(blog):
    (blog.source / "probes" / "x.png").mkdir(parents=True)
    reshape_post(blog)
    before = blog.everything()
    blog.refuses(blog.build(), f"{POST}:4: probe 'probes/x.png' is a folder, not an image file", before)


def test_truncated_image_in_a_folder_data_set_with_on_error_fail(blog):
    data = blog.source / "_data" / "pets"
    for label in ("cat", "dog"):
        (data / label).mkdir(parents=True)
        (data / label / "1.png").write_bytes(png_bytes(size=(8, 8)))
    (data / "dog" / "2.png").write_bytes(png_bytes(size=(64, 64))[:60])
    blog.write("_models/net.yml", "dataset:\n  name: folder\n  path: _data/pets\n  image_size: [8, 8]\n"
                                  "  on_error: fail\nlayers:\n  - Flatten\n  - Dense: {units: 2}\n")
    blog.post("{{ models.net.params }}\n")
    before = blog.everything()
    blog.refuses(blog.build(), "dataset: unreadable image", before)
    assert "dog/2.png" in blog.build().err


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def converted(blog, data: bytes) -> np.ndarray:
    """Build a reshape figure of the probe and read back the pixels the build used."""
    blog.write("probes/x.png", data)
    reshape_post(blog)
    run = blog.build()
    assert run.status == 0, run
    with np.load(blog.dest / "figures" / "hostile" / "probe.npz") as arrays:
        return arrays["panel_0"]


def gradient(mode: str, size=(5, 3)) -> Image.Image:
    rgb = np.arange(size[0] * size[1] * 3, dtype=np.uint8).reshape(size[1], size[0], 3) * 5
    return Image.fromarray(rgb, "RGB").convert(mode) if mode != "RGB" else Image.fromarray(rgb, "RGB")


MODES = {
    "CMYK JPEG": lambda: encode(gradient("CMYK"), "JPEG", quality=95),
    "palette": lambda: encode(gradient("P")),
    "RGBA": lambda: encode(gradient("RGBA")),
    "LA": lambda: encode(gradient("LA")),
}


@pytest.mark.parametrize("make", MODES.values(), ids=MODES.keys())
def test_modes_convert_as_keras_load_img_does(blog, make):
    """keras.utils.load_img(color_mode="rgb") is Image.open(...).convert("RGB"): alpha dropped."""
    data = make()
    expected = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert np.array_equal(converted(blog, data), expected)


def test_sixteen_bit_grayscale_is_scaled_not_clipped(blog):
    wide = np.array([[0, 257, 65535], [32896, 1000, 60000]], dtype=np.uint16)
    data = encode(Image.fromarray(wide))
    pixels = converted(blog, data)
    assert pixels.shape == (2, 3, 3)
    assert pixels[..., 0].tolist() == [[0, 1, 255], [128, 4, 233]]


def test_exif_rotated_photo_is_upright(blog):
    image = gradient("RGB", size=(6, 2))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    pixels = converted(blog, encode(image, "JPEG", exif=exif.tobytes(), quality=100))
    assert pixels.shape[:2] == (6, 2)
