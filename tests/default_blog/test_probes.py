"""The probe images shipped in content/probes and the script that derives some of them."""

import re
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

from default_blog.blog_paths import CONTENT, FASHION, PROBES, read_idx
from generator.datasets.fashion_mnist import CLASS_NAMES

DERIVED = ["chelsea-32.png", "chelsea-8.png", "triangle.png", "square.png", "circle.png",
           "triangle-rgb-32.png", "square-rgb-32.png", "circle-rgb-32.png", "triangle-rgb-64.png", "circle-rgb-64.png",
           "fashion-test-0000-ankle-boot.png", "fashion-test-0002-trouser.png", "fashion-test-0009-sneaker.png"]


def sources_table() -> dict[str, list[str]]:
    """First column -> remaining columns of every table row in SOURCES.md."""
    rows = re.findall(r"^\| ([\w.-]+\.(?:png|jpg)) \| (.+) \|$", (PROBES / "SOURCES.md").read_text(), re.M)
    return {name: [cell.strip() for cell in rest.split(" | ")] for name, rest in rows}


def test_sources_lists_every_probe_and_nothing_else():
    images = sorted(p.name for p in PROBES.iterdir() if p.suffix in (".png", ".jpg"))
    assert sorted(sources_table()) == images


def test_photographs_have_the_size_and_licence_sources_states():
    for name, (_subject, size, licence) in ((n, cells) for n, cells in sources_table().items() if len(cells) == 3):
        with Image.open(PROBES / name) as image:
            assert f"{image.width}x{image.height} {image.mode}" == size, name
        assert "CC0" in licence or "public domain" in licence, name


def test_make_probes_recreates_the_derived_probes_byte_for_byte(tmp_path):
    content = tmp_path / "content"
    (content / "probes").mkdir(parents=True)
    shutil.copy(PROBES / "chelsea.png", content / "probes")
    shutil.copytree(FASHION, content / "_data" / "fashion-mnist")
    shutil.copy(CONTENT / "_data" / "make_probes.py", content / "_data")
    subprocess.run([sys.executable, str(content / "_data" / "make_probes.py")], check=True)
    made = sorted(p.name for p in (content / "probes").iterdir() if p.name != "chelsea.png")
    assert made == sorted(DERIVED)
    for name in DERIVED:
        assert (content / "probes" / name).read_bytes() == (PROBES / name).read_bytes(), name


def test_fashion_probes_are_the_named_test_images():
    images, labels = read_idx(FASHION / "t10k-images-idx3-ubyte.gz"), read_idx(FASHION / "t10k-labels-idx1-ubyte.gz")
    for path in PROBES.glob("fashion-test-*.png"):
        index, label_name = re.fullmatch(r"fashion-test-(\d{4})-(.+)\.png", path.name).groups()
        assert label_name == CLASS_NAMES[labels[int(index)]].lower().replace(" ", "-")
        np.testing.assert_array_equal(np.asarray(Image.open(path)), images[int(index)])


def test_drawn_shapes_are_white_strokes_on_black():
    for name in ("triangle.png", "square.png", "circle.png"):
        pixels = np.asarray(Image.open(PROBES / name))
        assert pixels.shape == (64, 64)
        stroke = pixels > 128
        assert 0.05 < stroke.mean() < 0.3, name
        assert pixels[0, 0] == 0 and pixels[32, 32] == 0, f"{name}: background black, outline only"
