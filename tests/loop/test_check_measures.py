"""The measures `layerpress check` compares figures by: array differences and changed pixels (no training)."""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image

from generator.check import DEFAULT_TOLERANCES, compare_model, array_difference, changed_pixels
from generator.figures.tiling import npz_bytes


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_equal_arrays_differ_by_nothing():
    arrays = {"maps": np.arange(12, dtype="float32").reshape(3, 4)}
    assert array_difference(npz_bytes(arrays), npz_bytes(arrays)) == (0.0, 0.0)


def test_largest_difference_in_absolute_terms_and_as_a_share_of_the_range():
    old = {"a": np.array([0.0, 10.0]), "b": np.array([1.0, 2.0, 3.0])}
    new = {"a": np.array([0.5, 10.0]), "b": np.array([1.0, 2.0, 4.0])}
    largest, share = array_difference(npz_bytes(old), npz_bytes(new))
    assert largest == 1.0                  # in b
    assert share == 0.5                    # b's 1.0 over b's range 2.0 (a: 0.5 over 10)


def test_other_names_or_shapes_differ_infinitely():
    old = npz_bytes({"a": np.zeros(3)})
    assert array_difference(old, npz_bytes({"b": np.zeros(3)})) == (math.inf, math.inf)
    assert array_difference(old, npz_bytes({"a": np.zeros(4)})) == (math.inf, math.inf)


def test_changed_pixels_share():
    image = np.zeros((4, 5, 3))
    other = image.copy()
    other[0, :2] = 255
    other[3, 4, 1] = 1                     # one channel of one pixel is a changed pixel
    assert changed_pixels(png(image), png(image)) == 0.0
    assert changed_pixels(png(image), png(other)) == 3 / 20
    assert changed_pixels(png(image), png(np.zeros((5, 5, 3)))) == 1.0


def test_model_change_in_points_and_loss():
    compared = compare_model("m", "m.yml", {"test_accuracy": 0.9117, "test_loss": 0.31},
                             {"test_accuracy": 0.9183, "test_loss": 0.30}, DEFAULT_TOLERANCES)
    assert compared.passed
    assert compared.measured == "test accuracy 91.17% -> 91.83% (+0.66 points), test loss 0.31 -> 0.3 (-0.0100)"
    worse = compare_model("m", "m.yml", {"test_accuracy": 1.0, "test_loss": 0.01},
                          {"test_accuracy": 0.9867, "test_loss": 0.04}, DEFAULT_TOLERANCES)
    assert worse.failures == ("accuracy changed -1.33 points > 1 point",)
