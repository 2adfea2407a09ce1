"""A process loads a data set once: the fingerprint a cache key needs and the training share it."""

import os

import numpy as np

from PIL import Image

from generator.datasets import dataset_fingerprint, load_dataset

SHAPES = {"name": "shapes", "image_size": [12, 12], "per_class": 6, "test_per_class": 2, "seed": 4}


def test_fingerprint_then_load_gives_the_data_set_already_loaded(tmp_path):
    fingerprint = dataset_fingerprint(SHAPES, base_dir=tmp_path, cache_dir=tmp_path / "cache")
    data = load_dataset(SHAPES, base_dir=tmp_path, cache_dir=tmp_path / "cache")
    assert data.fingerprint == fingerprint
    assert load_dataset(dict(SHAPES), base_dir=tmp_path) is data
    assert load_dataset({**SHAPES, "seed": 5}, base_dir=tmp_path) is not data


def test_a_changed_source_file_is_loaded_again(tmp_path):
    spec = {"name": "folder", "path": "pets", "image_size": [4, 4], "test_split": 0.25, "seed": 1}
    for i in range(4):
        for label, colour in (("cat", (200, 10 * i, 0)), ("dog", (0, 10 * i, 200))):
            (tmp_path / "pets" / label).mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (6, 6), colour).save(tmp_path / "pets" / label / f"{i}.png")
    first = load_dataset(spec, base_dir=tmp_path)
    changed = tmp_path / "pets" / "cat" / "0.png"
    Image.new("RGB", (6, 6), (90, 90, 90)).save(changed)
    os.utime(changed, ns=(1, 1))
    second = load_dataset(spec, base_dir=tmp_path)
    assert second is not first and second.fingerprint != first.fingerprint


def test_the_next_build_reads_the_arrays_back_instead_of_drawing_them(tmp_path, monkeypatch):
    from generator import datasets

    cache = tmp_path / "cache"
    drawn = datasets.load_dataset(SHAPES, base_dir=tmp_path, cache_dir=cache)
    datasets._LOADED.clear()  # as in a new process
    monkeypatch.setattr(datasets.shapes, "load", lambda *args: (_ for _ in ()).throw(AssertionError("drawn again")))
    again = datasets.load_dataset(SHAPES, base_dir=tmp_path, cache_dir=cache)
    assert again is not drawn and again.fingerprint == drawn.fingerprint
    assert again.class_names == drawn.class_names and again.options == drawn.options
    for name in datasets.ARRAY_NAMES:
        ours, theirs = getattr(again, name), getattr(drawn, name)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name


def test_a_damaged_array_file_is_drawn_again(tmp_path):
    from generator import datasets

    cache = tmp_path / "cache"
    drawn = datasets.load_dataset(SHAPES, base_dir=tmp_path, cache_dir=cache)
    [stored] = (cache / "data" / "arrays").glob("*.npz")
    stored.write_bytes(stored.read_bytes()[:100])
    datasets._LOADED.clear()
    again = datasets.load_dataset(SHAPES, base_dir=tmp_path, cache_dir=cache)
    assert again.fingerprint == drawn.fingerprint and np.array_equal(again.x_train, drawn.x_train)
