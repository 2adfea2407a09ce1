import numpy as np
import pytest

from generator.datasets import load_dataset
from generator.errors import DataError

SPEC = {"name": "shapes", "image_size": [16, 16], "per_class": 12, "seed": 4}


def test_same_seed_gives_byte_identical_arrays(tmp_path):
    first = load_dataset(SPEC, base_dir=tmp_path)
    second = load_dataset(dict(SPEC), base_dir=tmp_path)
    for name in ("x_train", "y_train", "x_test", "y_test"):
        assert getattr(first, name).tobytes() == getattr(second, name).tobytes()
    assert first.fingerprint == second.fingerprint


def test_another_seed_gives_other_images(tmp_path):
    first = load_dataset(SPEC, base_dir=tmp_path)
    other = load_dataset({**SPEC, "seed": 5}, base_dir=tmp_path)
    assert not np.array_equal(first.x_train, other.x_train)
    assert first.fingerprint != other.fingerprint


def test_counts_shapes_and_labels(tmp_path):
    data = load_dataset({**SPEC, "test_per_class": 5}, base_dir=tmp_path)
    assert data.x_train.shape == (36, 16, 16, 1) and data.x_train.dtype == np.uint8
    assert np.bincount(data.y_train).tolist() == [12, 12, 12]
    assert np.bincount(data.y_test).tolist() == [5, 5, 5]
    assert data.class_names == ["circle", "square", "triangle"]
    # something is drawn on every image: white strokes on black
    assert (data.x_train.reshape(36, -1).max(axis=1) > 200).all()
    assert (data.x_train.reshape(36, -1).min(axis=1) < 30).all()


def test_rgb_palettes_and_class_subset(tmp_path):
    data = load_dataset({**SPEC, "color_mode": "rgb", "classes": ["triangle", "circle"],
                         "foreground": ["#ff0000"], "background": ["#0000ff"]}, base_dir=tmp_path)
    assert data.x_train.shape == (24, 16, 16, 3)
    assert data.class_names == ["triangle", "circle"]
    pixels = data.x_train.reshape(-1, 3)
    assert pixels[:, 1].max() == 0  # only red and blue are mixed, never green
    assert pixels[:, 0].max() == 255 and pixels[:, 2].max() == 255


def test_validation_is_carved_from_training(tmp_path):
    data = load_dataset({**SPEC, "validation_split": 0.25}, base_dir=tmp_path)
    assert (len(data.x_train), len(data.x_val)) == (27, 9)


def test_unknown_shape_is_named_with_a_suggestion(tmp_path):
    with pytest.raises(DataError) as error:
        load_dataset({**SPEC, "classes": ["circle", "squares"]}, base_dir=tmp_path)
    assert str(error.value) == "dataset: unknown shape 'squares' (did you mean 'square'?)"


def test_unknown_option_and_wrong_type(tmp_path):
    with pytest.raises(DataError) as error:
        load_dataset({**SPEC, "per_klass": 3}, base_dir=tmp_path)
    assert str(error.value) == ("dataset: unknown key 'per_klass' (did you mean 'per_class'? "
                                "keys: background, classes, color_mode, filled, foreground, image_size, name, "
                                "per_class, rotate, seed, size, stroke_width, test_per_class, validation_split, "
                                "wobble)")
    with pytest.raises(DataError) as error:
        load_dataset({**SPEC, "per_class": "many"}, base_dir=tmp_path)
    assert str(error.value) == "dataset: 'per_class' must be an integer, not 'many'"
    with pytest.raises(DataError) as error:
        load_dataset({"name": "shape"}, base_dir=tmp_path)
    assert str(error.value) == "dataset: unknown data set 'shape' (did you mean 'shapes'?)"
