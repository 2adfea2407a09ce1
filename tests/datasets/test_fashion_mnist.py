import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

from generator.datasets import fashion_mnist, load_dataset
from generator.errors import DataError

DEBIAN = Path("/usr/share/datasets/fashion-mnist")


def write_idx(folder: Path, x_train, y_train, x_test, y_test, *, sums: bool = True) -> None:
    """The four IDX files as the official set lays them out, and a SHA256SUMS for them."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    lines = []
    for key, name in fashion_mnist.FILES.items():
        array = np.asarray(arrays[key], dtype=np.uint8)
        header = bytes([0, 0, 8, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
        data = gzip.compress(header + array.tobytes(), mtime=0)
        (folder / name).write_bytes(data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    if sums:
        (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def fake_set(rng, n_train=40, n_test=20, size=28):
    return (rng.integers(0, 256, (n_train, size, size), dtype=np.uint8), np.arange(n_train) % 10,
            rng.integers(0, 256, (n_test, size, size), dtype=np.uint8), np.arange(n_test) % 10)


@pytest.fixture(autouse=True)
def no_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_reads_a_folder_that_matches_its_sha256sums(tmp_path):
    x_train, y_train, x_test, y_test = fake_set(np.random.default_rng(0))
    write_idx(tmp_path / "blog/_data/fashion-mnist", x_train, y_train, x_test, y_test)
    data = load_dataset({"name": "fashion-mnist", "train_examples": 30}, base_dir=tmp_path / "blog")
    assert np.array_equal(data.x_train[..., 0], x_train[:30])
    assert np.array_equal(data.y_test, y_test)
    assert data.class_names[0] == "T-shirt/top" and len(data.class_names) == 10


def test_spec_path_comes_first_and_a_modified_file_is_refused(tmp_path):
    rng = np.random.default_rng(1)
    write_idx(tmp_path / "blog/mine", *fake_set(rng))
    shipped = fake_set(rng)
    write_idx(tmp_path / "blog/_data/fashion-mnist", *shipped)
    data = load_dataset({"name": "fashion-mnist", "path": "mine", "train_examples": 40}, base_dir=tmp_path / "blog")
    assert not np.array_equal(data.x_train[..., 0], shipped[0])
    (tmp_path / "blog/mine/SHA256SUMS").write_text((tmp_path / "blog/mine/SHA256SUMS").read_text().replace("a", "b"))
    data = load_dataset({"name": "fashion-mnist", "path": "mine", "train_examples": 40}, base_dir=tmp_path / "blog")
    assert np.array_equal(data.x_train[..., 0], shipped[0])


def test_too_few_images_everywhere_lists_every_path_tried(tmp_path):
    write_idx(tmp_path / "blog/_data/fashion-mnist", *fake_set(np.random.default_rng(2)))
    with pytest.raises(DataError) as error:
        load_dataset({"name": "fashion-mnist", "train_examples": 100000}, base_dir=tmp_path / "blog")
    message = str(error.value)
    assert message.startswith(
        f"dataset: Fashion-MNIST not found; tried {tmp_path}/blog/_data/fashion-mnist "
        f"(40 train images, 100000 wanted); {tmp_path}/home/.keras/datasets/fashion-mnist (no files); "
        "/usr/share/datasets/fashion-mnist (")
    assert message.endswith("(install the Debian package dataset-fashion-mnist, or run "
                            "keras.datasets.fashion_mnist.load_data() once to fill ~/.keras/datasets)")


def test_unverifiable_folder_is_skipped_with_its_reason(tmp_path):
    write_idx(tmp_path / "blog/odd", *fake_set(np.random.default_rng(3)), sums=False)
    with pytest.raises(DataError) as error:
        load_dataset({"name": "fashion-mnist", "path": "odd", "train_examples": 100000}, base_dir=tmp_path / "blog")
    assert f"{tmp_path}/blog/odd (40 train images, 100000 wanted)" in str(error.value)
    if not DEBIAN.is_dir():
        with pytest.raises(DataError, match="train-images-idx3-ubyte.gz does not match its SHA-256"):
            load_dataset({"name": "fashion-mnist", "path": "odd"}, base_dir=tmp_path / "blog")


def test_class_subset_resize_and_rgb(tmp_path):
    x_train, y_train, x_test, y_test = fake_set(np.random.default_rng(4))
    write_idx(tmp_path / "blog/_data/fashion-mnist", x_train, y_train, x_test, y_test)
    data = load_dataset({"name": "fashion-mnist", "classes": ["Bag", "Trouser"], "image_size": [14, 14],
                         "color_mode": "rgb"}, base_dir=tmp_path / "blog")
    assert data.class_names == ["Bag", "Trouser"]
    assert data.x_train.shape == (8, 14, 14, 3)
    assert np.array_equal(data.x_train[..., 0], data.x_train[..., 2])
    assert data.y_train.tolist() == [1, 0, 1, 0, 1, 0, 1, 0]  # Trouser is 1 in the file, Bag 8
    with pytest.raises(DataError) as error:
        load_dataset({"name": "fashion-mnist", "classes": ["Sneakers"]}, base_dir=tmp_path / "blog")
    assert str(error.value) == "dataset: unknown Fashion-MNIST class 'Sneakers' (did you mean 'Sneaker'?)"


@pytest.mark.skipif(not DEBIAN.is_dir(), reason="Debian package dataset-fashion-mnist not installed")
def test_official_files_match_the_recorded_hashes_and_a_subset_slices_identically(tmp_path):
    from generator.cache import file_digest

    for name, expected in fashion_mnist.OFFICIAL_SHA256.items():
        assert file_digest(DEBIAN / name) == expected
    full = {k: fashion_mnist._read_idx(DEBIAN / n) for k, n in fashion_mnist.FILES.items()}
    write_idx(tmp_path / "blog/_data/fashion-mnist", full["x_train"][:300], full["y_train"][:300],
              full["x_test"][:50], full["y_test"][:50])
    spec = {"name": "fashion-mnist", "train_examples": 200, "test_examples": 50, "validation_split": 0.1}
    shipped = load_dataset(spec, base_dir=tmp_path / "blog")
    official = load_dataset({**spec, "path": str(DEBIAN)}, base_dir=tmp_path / "blog")
    assert shipped.fingerprint == official.fingerprint
    assert np.array_equal(shipped.x_val, official.x_val)
