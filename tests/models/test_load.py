"""Models trained elsewhere: `load: file.keras`, and a Keras 1 `.h5` that only `weights:` can read."""

import json

import numpy as np
import pytest

from generator.errors import ModelSpecError
from generator.models.store import ModelStore

pytestmark = pytest.mark.slow
DATASET = "dataset: {name: shapes, image_size: [8, 8], per_class: 6, test_per_class: 4, seed: 2}\n"
LAYERS = """layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Flatten
  - Dense: {units: 5, activation: relu}
  - Dense: {units: 3, activation: softmax}
"""


def write_keras1_h5(path, kernels):
    """A file as Keras 1.2 saved it: list-form model_config with output_dim/init, weights by layer name."""
    import h5py

    config = {"class_name": "Sequential", "config": [
        {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True,
                                              "batch_input_shape": [None, 8, 8, 1], "input_dtype": "float32"}},
        {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 5, "init": "glorot_uniform",
                                            "activation": "relu", "input_dim": 64, "bias": True, "trainable": True}},
        {"class_name": "Dense", "config": {"name": "dense_2", "output_dim": 3, "init": "glorot_uniform",
                                            "activation": "softmax", "input_dim": 5, "bias": True,
                                            "trainable": True}}]}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [b"flatten_1", b"dense_1", b"dense_2"]
        weights.create_group("flatten_1").attrs["weight_names"] = []
        for name, (kernel, bias) in zip(("dense_1", "dense_2"), kernels):
            group = weights.create_group(name)
            group.attrs["weight_names"] = [f"{name}_W:0".encode(), f"{name}_b:0".encode()]
            group.create_dataset(f"{name}_W:0", data=kernel)
            group.create_dataset(f"{name}_b:0", data=bias)


@pytest.fixture
def keras1_blog(tmp_path, monkeypatch, make_blog):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    kernels = [(rng.normal(size=(64, 5)).astype("float32"), rng.normal(size=5).astype("float32")),
               (rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=3).astype("float32"))]
    source = make_blog(tmp_path / "blog", {
        "old": DATASET + "load: legacy.h5\n",
        "declared": DATASET + LAYERS + "weights: legacy.h5\n"})
    write_keras1_h5(source / "legacy.h5", kernels)
    return source, kernels


def test_keras1_h5_fails_in_one_line_suggesting_weights(keras1_blog, tmp_path):
    import keras

    source, _ = keras1_blog
    with pytest.raises(ModelSpecError) as error:
        ModelStore(source, tmp_path / "cache").record("old")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"blog/_models/old.yml:2: load: Keras {keras.__version__} cannot read legacy.h5: ")
    assert message.endswith("(declare the architecture under 'layers:' and load only the weights "
                            "with 'weights: legacy.h5')")


def test_declared_layers_with_keras1_weights_work(keras1_blog, tmp_path):
    source, kernels = keras1_blog
    store = ModelStore(source, tmp_path / "cache")
    model = store.get("declared")
    loaded = model.keras_model.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(loaded, [w for pair in kernels for w in pair]))
    record = model.record
    assert record["history"] is None and record["epochs"] == 0
    images = model.dataset().x_test.astype("float32")
    hidden = np.maximum(images.reshape(-1, 64) / 255 @ kernels[0][0] + kernels[0][1], 0)
    logits = hidden @ kernels[1][0] + kernels[1][1]
    expected = np.exp(logits - logits.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    assert np.allclose(model.predict(images), expected, atol=1e-5)
    accuracy = float(np.mean(expected.argmax(1) == model.dataset().y_test))
    assert record["metrics"]["test_accuracy"] == pytest.approx(accuracy)
    activations = model.activations(["dense", "dense_1"], images)
    assert np.allclose(activations["dense"], hidden, atol=1e-5)


def test_keras3_file_loads_with_and_without_a_dataset(tmp_path, monkeypatch, make_blog):
    import keras

    monkeypatch.chdir(tmp_path)
    keras.utils.set_random_seed(1)
    saved = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    source = make_blog(tmp_path / "blog", {"measured": DATASET + "load: models/m.keras\n",
                                            "bare": "load: models/m.keras\n"})
    (source / "models").mkdir()
    saved.save(source / "models" / "m.keras")
    store = ModelStore(source, tmp_path / "cache")
    bare = store.record("bare")
    assert bare["metrics"] is None and bare["dataset"] is None and bare["input_shape"] == [8, 8, 1]
    measured = store.get("measured")
    assert all(np.array_equal(a, b) for a, b in zip(measured.keras_model.get_weights(), saved.get_weights()))
    probabilities = saved.predict(measured.dataset().x_test.astype("float32"), verbose=0)
    accuracy = float(np.mean(probabilities.argmax(1) == measured.dataset().y_test))
    assert measured.record["metrics"]["test_accuracy"] == pytest.approx(accuracy)
    # replacing the file is a new model
    key = store.cache_key("bare")
    keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2)]).save(
        source / "models" / "m.keras")
    assert ModelStore(source, tmp_path / "cache").cache_key("bare") != key
