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


def test_shapes_cnn_reaches_99_percent_and_names_the_grayscale_sketches(store):
    assert store.record("shapes_cnn")["metrics"]["test_accuracy"] >= 0.99
    assert predicted(store, "shapes_cnn", ["triangle.png", "square.png", "circle.png"]) == \
        ["triangle", "square", "circle"]


def test_dense_mlp_with_sgd_names_the_colour_sketches(store):
    assert predicted(store, "dense_mlp:sgd", ["triangle-rgb-32.png", "square-rgb-32.png", "circle-rgb-32.png"]) == \
        ["triangle", "square", "circle"]
