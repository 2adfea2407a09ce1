"""The recipe (generator/models/recipe.py) is Keras code that trains what the store trains: run in a fresh
namespace on the store's own data, it builds the same layers (output shapes, parameters), compiles the
same optimizer and schedule, and ends with the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from generator.models.recipe import optimizer_settings, recipe_code
from generator.models.spec import make_optimizer
from generator.models.store import ModelStore

SPEC = """\
dataset: {name: shapes, image_size: [12, 12], per_class: 12, test_per_class: 4, validation_split: 0.25, seed: 3}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Conv2D: {filters: 3, kernel_size: 3, padding: same, activation: relu}
  - MaxPooling2D: 2
  - Dropout: 0.25
  - Flatten
  - Dense: {units: 3, activation: softmax}
compile:
  optimizer:
    class_name: AdamW
    config:
      weight_decay: 0.05
      learning_rate: {class_name: CosineDecay, config: {initial_learning_rate: 0.01, decay_steps: 8}}
  loss: sparse_categorical_crossentropy
fit: {epochs: 2, batch_size: 8}
checkpoint: {monitor: val_accuracy}
seed: 11
variants:
  sgd: {compile: {optimizer: sgd, loss: categorical_crossentropy}, checkpoint: false}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory, make_blog):
    source = make_blog(tmp_path_factory.mktemp("blog"), {"tiny": SPEC})
    return ModelStore(source, source / ".layerpress-cache")


def run_recipe(code: str, dataset, folder) -> dict:
    """The recipe run as a reader would, with load_data() giving the data set the store trained on."""
    namespace: dict = {"__name__": "recipe"}
    if dataset is not None:
        splits = (dataset.x_train, dataset.y_train, dataset.x_val, dataset.y_val)
        namespace["load_data"] = lambda: splits if "x_val, y_val" in code else splits[:2]
    exec(compile(code, str(folder / "recipe.py"), "exec"), namespace)   # the code under test, as a reader runs it
    return namespace


def layers_of(model) -> list[tuple]:
    """Class, output shape and parameters of each layer (names depend on what the process built before)."""
    return [(type(layer).__name__, tuple(layer.output.shape), layer.count_params()) for layer in model.layers]


def recorded_layers(record: dict) -> list[tuple]:
    return [(layer["class"], tuple(layer["output_shape"]), layer["params"]) for layer in record["layers"]]


@pytest.mark.parametrize("ref", ["tiny", "tiny:sgd"])
def test_the_recipe_trains_what_the_store_trains(store, ref, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # where the recipe's checkpoint file goes
    trained, spec = store.get(ref), store.spec(ref)
    code = recipe_code(spec, trained.record)
    model = run_recipe(code, store.dataset(ref), tmp_path)["model"]

    assert layers_of(model) == recorded_layers(trained.record)
    assert model.count_params() == trained.record["params"]
    expected = make_optimizer(spec.compile["optimizer"]).get_config()
    assert {**model.optimizer.get_config(), "name": None} == {**expected, "name": None}
    for mine, theirs in zip(model.weights, trained.keras_model.weights, strict=True):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), atol=1e-6, err_msg=mine.path)
    assert (tmp_path / "best.weights.h5").exists() == (spec.checkpoint is not None)


def test_the_recipe_states_the_schedule_and_the_settings_a_post_quotes(store):
    spec = store.spec("tiny")
    code = recipe_code(spec, store.record("tiny"))
    assert "keras.optimizers.AdamW(" in code and "keras.optimizers.schedules.CosineDecay(" in code
    assert 'monitor="val_accuracy", mode="max"' in code and "keras.layers.Rescaling(scale=1 / 255)" in code
    assert optimizer_settings(spec) == {"optimizer": "AdamW", "schedule": "CosineDecay", "learning_rate": 0.01,
                                        "batch_size": 8, "epochs": 2}
    assert optimizer_settings(store.spec("tiny:sgd"))["learning_rate"] == 0.01   # SGD's default, stated


def test_an_untrained_variant_is_built_and_compiled_only(store, tmp_path):
    untrained = store.get("tiny:untrained")
    code = recipe_code(untrained.spec, untrained.record)
    assert "model.fit" not in code and "load_data" not in code
    model = run_recipe(code, None, tmp_path)["model"]
    assert layers_of(model) == recorded_layers(untrained.record)
    for mine, theirs in zip(model.weights, untrained.keras_model.weights, strict=True):   # the same initial weights
        np.testing.assert_array_equal(np.asarray(mine), np.asarray(theirs), err_msg=mine.path)
