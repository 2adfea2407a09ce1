"""The shipped sketches are what the default blog's models were designed to recognise.

Trains the two fastest default models for real, with the project's own ModelStore.
"""

import numpy as np
import pytest

from default_blog.blog_paths import CONTENT, PROBES
from generator.models.store import ModelStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return ModelStore(CONTENT, tmp_path_factory.mktemp("cache"))


def predicted(store, ref: str, probes: list[str]) -> list[str]:
    model = store.get(ref)
    images = np.stack([model.load_probe(PROBES / name) for name in probes])
    return [model.record["class_names"][i] for i in np.argmax(model.predict(images), axis=1)]


def test_shapes_cnn_makes_mistakes_to_show_keeps_an_earlier_epoch_and_names_the_grayscale_sketches(store):
    """Post 4 shows the test images shapes_cnn gets wrong and why its checkpoint kept an earlier epoch."""
    record = store.record("shapes_cnn")
    assert 0.90 <= record["metrics"]["test_accuracy"] <= 0.97
    assert record["best_epoch"] < record["epochs"]
    assert predicted(store, "shapes_cnn", ["triangle.png", "square.png", "circle.png"]) == \
        ["triangle", "square", "circle"]


def test_dense_mlp_with_sgd_names_the_colour_sketches(store):
    assert predicted(store, "dense_mlp:sgd", ["triangle-rgb-32.png", "square-rgb-32.png", "circle-rgb-32.png"]) == \
        ["triangle", "square", "circle"]
