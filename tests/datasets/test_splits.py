import numpy as np
import pytest
from PIL import Image

from generator.datasets import dataset_fingerprint, load_dataset
from generator.datasets.splits import carve, check_disjoint
from generator.errors import DataError


def test_carve_is_a_seeded_disjoint_partition():
    x = np.arange(50, dtype=np.uint8).reshape(50, 1, 1, 1)
    y = np.arange(50)
    x_train, y_train, x_val, y_val = carve(x, y, 0.2, seed=3)
    assert len(x_val) == 10 and len(x_train) == 40
    assert sorted(np.concatenate([y_train, y_val]).tolist()) == list(range(50))
    assert np.array_equal(x_train[:, 0, 0, 0], y_train)  # images and labels stay paired
    again = carve(x, y, 0.2, seed=3)
    assert np.array_equal(again[3], y_val)
    assert not np.array_equal(carve(x, y, 0.2, seed=4)[3], y_val)


def test_leak_check_reports_count_and_one_example():
    images = np.random.default_rng(0).integers(0, 256, (10, 4, 4, 1), dtype=np.uint8)
    test = images[[7, 2]].copy()
    with pytest.raises(DataError) as error:
        check_disjoint({"train": images[:8], "validation": images[8:], "test": test})
    assert str(error.value) == (
        "2 example(s) appear in two splits, e.g. train[7] = test[0] (the splits must be disjoint: "
        "test on held-out data, not on a slice of the training set)")


def test_duplicates_inside_one_split_are_allowed():
    images = np.zeros((3, 2, 2, 1), dtype=np.uint8)
    check_disjoint({"train": images, "test": np.ones((1, 2, 2, 1), dtype=np.uint8)})


def test_folder_whose_test_set_copies_training_images_fails_the_build(tmp_path):
    rng = np.random.default_rng(1)
    for split in ("", "test/"):
        for label in ("a", "b"):
            (tmp_path / f"data/{split}{label}").mkdir(parents=True)
    for i in range(6):
        pixels = rng.integers(0, 256, (6, 6, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / f"data/{'ab'[i % 2]}/{i}.png")
        if i < 2:  # the classic mistake: the test set is a slice of the training set
            Image.fromarray(pixels).save(tmp_path / f"data/test/{'ab'[i % 2]}/{i}.png")
    with pytest.raises(DataError, match=r"^2 example\(s\) appear in two splits, e.g. train\[\d\] = test\[\d\]"):
        load_dataset({"name": "folder", "path": "data"}, base_dir=tmp_path)


def test_fingerprint_memo_follows_source_files(tmp_path):
    folder = tmp_path / "data"
    for label in ("a", "b"):
        (folder / label).mkdir(parents=True)
        for i in range(3):
            Image.new("L", (5, 5), 40 * i + (label == "b") * 120).save(folder / label / f"{i}.png")
    spec = {"name": "folder", "path": "data", "color_mode": "grayscale", "test_split": 0.34}
    cache = tmp_path / "cache"
    loaded = load_dataset(spec, base_dir=tmp_path, cache_dir=cache)
    assert list((cache / "data" / "fingerprints").iterdir())
    assert dataset_fingerprint(spec, base_dir=tmp_path, cache_dir=cache) == loaded.fingerprint
    Image.new("L", (5, 5), 255).save(folder / "a" / "0.png")
    changed = dataset_fingerprint(spec, base_dir=tmp_path, cache_dir=cache)
    assert changed != loaded.fingerprint
    assert changed == load_dataset(spec, base_dir=tmp_path).fingerprint
