import logging

import numpy as np
import pytest
from PIL import Image

from generator.datasets import load_dataset
from generator.errors import DataError


def draw(path, value, size=(10, 8), mode="RGB"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, value).save(path)


def test_class_folders_with_test_subfolder(tmp_path):
    for i in range(4):
        draw(tmp_path / f"pets/cat/{i}.png", (200, 10 * i, 0))
        draw(tmp_path / f"pets/dog/{i}.jpg", (0, 10 * i, 200))
    draw(tmp_path / "pets/test/cat/t.png", (201, 99, 0))
    draw(tmp_path / "pets/test/dog/t.png", (0, 99, 201))
    data = load_dataset({"name": "folder", "path": "pets", "image_size": [6, 5]}, base_dir=tmp_path)
    assert data.class_names == ["cat", "dog"]
    assert data.x_train.shape == (8, 6, 5, 3) and data.x_test.shape == (2, 6, 5, 3)
    assert data.y_test.tolist() == [0, 1]
    red = data.x_train[..., 0].mean(axis=(1, 2)) > 100
    assert red.tolist() == (data.y_train == 0).tolist()


def test_kaggle_layout_labels_from_file_names_and_test_split(tmp_path):
    for i in range(5):
        draw(tmp_path / f"train/cat.{i}.png", (250 - 20 * i, 250, 250), mode="RGB")
        draw(tmp_path / f"train/dog.{i}.png", (5 + 20 * i, 5, 5), mode="RGB")
    data = load_dataset({"name": "folder", "path": "train", "color_mode": "grayscale", "test_split": 0.2,
                         "seed": 1}, base_dir=tmp_path)
    assert data.class_names == ["cat", "dog"]
    assert data.x_train.shape == (8, 8, 10, 1) and len(data.x_test) == 2
    bright = data.x_test[..., 0].mean(axis=(1, 2)) > 128
    assert bright.tolist() == (data.y_test == 0).tolist()


def test_unreadable_image_is_skipped_with_a_warning_or_fails(tmp_path, caplog):
    for i in range(3):
        draw(tmp_path / f"d/a/{i}.png", (i, 0, 0))
        draw(tmp_path / f"d/b/{i}.png", (0, i, 0))
    broken = tmp_path / "d/b/broken.png"
    broken.write_bytes(b"not a png")
    with caplog.at_level(logging.WARNING):
        data = load_dataset({"name": "folder", "path": "d", "test_split": 0.0}, base_dir=tmp_path)
    assert len(data.x_train) == 6
    assert f"skipped unreadable image {broken}" in caplog.text
    with pytest.raises(DataError) as error:
        load_dataset({"name": "folder", "path": "d", "on_error": "fail"}, base_dir=tmp_path)
    assert str(error.value).startswith(f"dataset: unreadable image {broken}: ")
    assert str(error.value).endswith("(remove it, or set on_error: skip)")


def test_mixed_sizes_need_image_size_and_missing_folder(tmp_path):
    draw(tmp_path / "d/a/0.png", (1, 1, 1), size=(4, 4))
    draw(tmp_path / "d/b/0.png", (1, 1, 1), size=(5, 4))
    with pytest.raises(DataError) as error:
        load_dataset({"name": "folder", "path": "d"}, base_dir=tmp_path)
    assert str(error.value) == "dataset: images differ in size (2 sizes) (set image_size: [height, width])"
    with pytest.raises(DataError) as error:
        load_dataset({"name": "folder", "path": "nope"}, base_dir=tmp_path)
    assert str(error.value) == ("dataset: folder nope not found (path is relative to the blog folder; the blog "
                                "folder holds: d)")
    assert np.array_equal(load_dataset({"name": "folder", "path": "d", "image_size": [3, 3], "test_split": 0},
                                       base_dir=tmp_path).x_train.shape, (2, 3, 3, 3))
