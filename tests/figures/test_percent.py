"""One way to write a share for readers (`figures.context.percent`): never '0%' for a share that is not 0,
never '100%' for one below 1; the alt texts and labels write theirs with it."""

import numpy as np
import pytest

from generator.figures.context import percent
from generator.figures.kinds.predictions import alt_text


@pytest.mark.parametrize("value, digits, text", [
    (0.9123, 1, "91.2%"), (0.9123, 0, "91%"), (0.91234, 2, "91.23%"),
    (0.0012, 0, "0.12%"), (0.0012, 1, "0.12%"), (0.001, 0, "0.10%"), (0.00004, 1, "<0.01%"), (0.0001, 1, "0.010%"),
    (0.9997, 0, "99.97%"), (0.9997, 1, "99.97%"), (0.995, 0, "99.5%"),
    (0.99999, 2, ">99.99%"), (0.9999, 2, "99.99%"), (0.99989, 0, "99.99%"),
    (0, 0, "0%"), (0, 1, "0.0%"), (1, 0, "100%"), (1, 1, "100.0%"), (0.5, 0, "50%"), (2, 2, "200.00%"),
])
def test_percent_shows_the_digits_that_keep_it_true(value, digits, text):
    assert percent(value, digits) == text


def untrained_probabilities(classes: int) -> np.ndarray:
    """What an untrained network's softmax gives: every class close to 1/classes."""
    logits = np.random.default_rng(0).normal(0, 0.01, size=(1, classes))
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


def test_an_untrained_thousand_class_network_is_not_said_to_be_zero_percent_sure():
    probabilities = untrained_probabilities(1000)
    names = [f"class {i}" for i in range(1000)]
    alt = alt_text("vgg:untrained", ["cat.png"], probabilities, [None], names)
    best = int(probabilities[0].argmax())
    assert f"cat.png: predicted class {best}, 0.10%." in alt
    assert " 0%" not in alt
