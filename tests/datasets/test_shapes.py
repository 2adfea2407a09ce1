import hashlib

import numpy as np
import pytest

from generator.datasets import load_dataset, resolve_options
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
                                "keys: background, classes, clutter, color_mode, contrast, filled, foreground, image_size, "
                                "name, noise, occlusion, per_class, rotate, seed, size, stroke_width, test_per_class, "
                                "validation_split, wobble)")
    with pytest.raises(DataError) as error:
        load_dataset({**SPEC, "per_class": "many"}, base_dir=tmp_path)
    assert str(error.value) == "dataset: 'per_class' must be an integer, not 'many'"
    with pytest.raises(DataError) as error:
        load_dataset({"name": "shape"}, base_dir=tmp_path)
    assert str(error.value) == "dataset: unknown data set 'shape' (did you mean 'shapes'?)"


# The keys that make the set harder, each at a value that changes every image or most of them.
HARDER = {"noise": 0.1, "contrast": [0.3, 0.6], "clutter": 4, "occlusion": 1.0}
NEUTRAL = {"noise": 0.0, "contrast": [1, 1], "clutter": 0, "occlusion": 0.0}


def arrays_digest(data) -> str:
    return hashlib.sha256(b"".join(a.tobytes() for a in (data.x_train, data.y_train, data.x_test, data.y_test))
                          ).hexdigest()


def test_the_harder_keys_at_their_defaults_draw_the_first_versions_images(tmp_path):
    """The default blog's conv_cnn and dense_mlp keep their data, fingerprints and cache keys."""
    plain = load_dataset(SPEC, base_dir=tmp_path)
    assert arrays_digest(plain) == "5e783d2117972b13849529db20a92edf5ac9cf1cc021188a65c4edccad4ddbb8"
    assert plain.fingerprint == "b78b2a83a49d3abb0dae995274b36e4daaca54031eb9ac7b19fc7e858ce85bc5"
    neutral = load_dataset({**SPEC, **NEUTRAL}, base_dir=tmp_path)
    assert (arrays_digest(neutral), neutral.fingerprint) == (arrays_digest(plain), plain.fingerprint)
    assert not set(NEUTRAL) & set(resolve_options({**SPEC, **NEUTRAL}))
    assert resolve_options({**SPEC, "clutter": 2})["clutter"] == 2


@pytest.mark.parametrize("key", sorted(HARDER))
def test_each_harder_key_changes_the_images_and_stays_deterministic(tmp_path, key):
    plain = load_dataset(SPEC, base_dir=tmp_path)
    harder = load_dataset({**SPEC, key: HARDER[key]}, base_dir=tmp_path)
    again = load_dataset({**SPEC, key: HARDER[key]}, base_dir=tmp_path / "elsewhere")
    assert arrays_digest(harder) == arrays_digest(again) and harder.fingerprint == again.fingerprint
    changed = (harder.x_train != plain.x_train).reshape(len(plain.x_train), -1).any(axis=1)
    assert changed.mean() > 0.5, f"{key} changed only {changed.sum()} of {len(changed)} images"
    assert harder.fingerprint != plain.fingerprint
    assert np.array_equal(harder.y_train, plain.y_train)   # the same shapes, only harder to see


def test_what_each_harder_key_does_to_the_pixels(tmp_path):
    plain = load_dataset(SPEC, base_dir=tmp_path).x_train.astype(int)
    faded = load_dataset({**SPEC, "contrast": [0.3, 0.6]}, base_dir=tmp_path).x_train
    assert faded.max() <= round(0.6 * 255)            # white strokes mixed towards the black background
    noisy = load_dataset({**SPEC, "noise": 0.1}, base_dir=tmp_path).x_train.astype(int)
    assert 0.05 * 255 < np.std(noisy - plain) < 0.15 * 255
    occluded = load_dataset({**SPEC, "occlusion": 1.0}, base_dir=tmp_path).x_train.astype(int)
    assert (occluded.sum(axis=(1, 2, 3)) <= plain.sum(axis=(1, 2, 3))).all()   # a patch only hides
    cluttered = load_dataset({**SPEC, "clutter": 4}, base_dir=tmp_path).x_train.astype(int)
    assert (cluttered >= plain).mean() > 0.99   # strokes and blobs only add (up to anti-aliased edges)


@pytest.mark.parametrize("key, value, message", [
    ("noise", 1.5, "'noise' must be a number from 0 to 1, not 1.5"),
    ("noise", "lots", "'noise' must be a number from 0 to 1, not 'lots'"),
    ("occlusion", -0.1, "'occlusion' must be a number from 0 to 1, not -0.1"),
    ("clutter", -1, "'clutter' must be a non-negative integer, not -1"),
    ("clutter", 2.5, "'clutter' must be a non-negative integer, not 2.5"),
    ("contrast", [0.8, 0.4], "'contrast' must be [smallest, largest], two numbers from 0 to 1, not [0.8, 0.4]"),
    ("contrast", 0.5, "'contrast' must be [smallest, largest], two numbers from 0 to 1, not 0.5"),
    ("size", [0.5, 1.5], "'size' must be [smallest, largest], two numbers from 0 to 1, not [0.5, 1.5]"),
    ("stroke_width", [2], "'stroke_width' must be [smallest, largest], two numbers at least 0, not [2]"),
])
def test_the_harder_keys_are_checked(tmp_path, key, value, message):
    with pytest.raises(DataError) as error:
        load_dataset({**SPEC, key: value}, base_dir=tmp_path)
    assert str(error.value) == f"dataset: {message}"
