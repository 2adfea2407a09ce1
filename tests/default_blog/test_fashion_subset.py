"""The Fashion-MNIST files shipped in content/_data/fashion-mnist."""

import hashlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import yaml

from generator.datasets import load_dataset
from generator.datasets.fashion_mnist import CLASS_NAMES, OFFICIAL_SHA256
from default_blog.blog_paths import DEBIAN_FASHION, FASHION, FASHION_FILES, MODELS, read_idx

needs_debian_copy = pytest.mark.skipif(not (DEBIAN_FASHION / FASHION_FILES[2]).is_file(),
                                       reason="Debian package dataset-fashion-mnist not installed")


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sha256sums_lists_exactly_the_four_files_with_their_digests():
    listed = dict(reversed(line.split("  ")) for line in (FASHION / "SHA256SUMS").read_text().splitlines())
    assert sorted(listed) == FASHION_FILES
    assert {name: sha256(FASHION / name) for name in FASHION_FILES} == listed


def test_test_set_files_are_the_published_ones():
    for name in FASHION_FILES[:2]:
        assert sha256(FASHION / name) == OFFICIAL_SHA256[name]


def test_every_file_is_under_10_mb():
    for name in FASHION_FILES:
        assert (FASHION / name).stat().st_size < 10_000_000, name


def test_training_files_are_gzipped_without_name_or_time():
    for name in FASHION_FILES[2:]:
        header = (FASHION / name).read_bytes()[:10]
        assert header[:3] == b"\x1f\x8b\x08"
        assert header[3] == 0, "no FNAME or other optional fields"
        assert header[4:8] == b"\0\0\0\0", "mtime must be 0"


def test_training_subset_has_the_size_the_fashion_model_expects():
    spec = yaml.safe_load((MODELS / "fashion_vgg.yml").read_text())
    images, labels = read_idx(FASHION / FASHION_FILES[2]), read_idx(FASHION / FASHION_FILES[3])
    assert images.shape == (spec["dataset"]["train_examples"], 28, 28)
    assert labels.shape == (spec["dataset"]["train_examples"],)


@needs_debian_copy
def test_training_subset_is_the_first_examples_of_the_full_set():
    for name in FASHION_FILES[2:]:
        subset, full = read_idx(FASHION / name), read_idx(DEBIAN_FASHION / name)
        assert len(subset) < len(full)
        np.testing.assert_array_equal(subset, full[:len(subset)])


@needs_debian_copy
def test_make_subset_recreates_every_file_byte_for_byte(tmp_path):
    shutil.copy(FASHION / "make_subset.py", tmp_path)
    subprocess.run([sys.executable, str(tmp_path / "make_subset.py"), str(DEBIAN_FASHION)], check=True)
    for name in FASHION_FILES + ["SHA256SUMS"]:
        assert (tmp_path / name).read_bytes() == (FASHION / name).read_bytes(), name


def test_readme_counts_per_class_match_the_files():
    rows = re.findall(r"^\| (\d) \| ([^|]+?) \| ([\d,]+) \| ([\d,]+) \|$", (FASHION / "README.md").read_text(), re.M)
    assert [int(label) for label, *_ in rows] == list(range(10))
    assert [name for _, name, *_ in rows] == CLASS_NAMES
    train_counts = np.bincount(read_idx(FASHION / FASHION_FILES[3]), minlength=10)
    test_counts = np.bincount(read_idx(FASHION / FASHION_FILES[1]), minlength=10)
    assert [int(row[2].replace(",", "")) for row in rows] == train_counts.tolist()
    assert [int(row[3].replace(",", "")) for row in rows] == test_counts.tolist()


def test_licence_is_zalandos_mit_licence():
    text = (FASHION / "LICENSE").read_text()
    assert "The MIT License" in text and "Zalando SE" in text


def test_the_blog_loader_reads_the_shipped_folder(tmp_path):
    """The model spec's dataset block, through the project's own loader, with only the shipped files."""
    blog = tmp_path / "blog"
    shutil.copytree(FASHION, blog / "_data" / "fashion-mnist")
    spec = yaml.safe_load((MODELS / "fashion_vgg.yml").read_text())["dataset"]
    data = load_dataset({**spec, "path": "_data/fashion-mnist"}, base_dir=blog)
    assert len(data.x_train) + len(data.x_val) == spec["train_examples"]
    assert len(data.x_val) == round(spec["train_examples"] * spec["validation_split"])
    np.testing.assert_array_equal(data.x_test[..., 0], read_idx(FASHION / FASHION_FILES[0]))
