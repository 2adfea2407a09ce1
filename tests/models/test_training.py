"""Real training of a tiny model: determinism, cache hit/miss/corruption, variants, activations."""

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from generator.errors import ModelSpecError
from generator.models.store import ModelStore

pytestmark = pytest.mark.slow


def weights(path):
    import keras

    return keras.saving.load_model(path, compile=False).get_weights()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, make_blog, tiny_spec):
    """The tiny model trained once into a cache; tests that damage the cache work on a copy."""
    root = tmp_path_factory.mktemp("trained")
    source = make_blog(root / "blog", {"tiny": tiny_spec})
    store = ModelStore(source, root / "cache")
    store.record("tiny")
    assert store.trainings == 1
    return source, root / "cache"


def copy_cache(trained, tmp_path):
    source, cache = trained
    shutil.copytree(cache, tmp_path / "cache")
    return ModelStore(source, tmp_path / "cache")


def test_two_trainings_give_identical_weights(trained, tmp_path):
    source, cache = trained
    again = ModelStore(source, tmp_path / "other-cache")
    first = ModelStore(source, cache)
    assert again.cache_key("tiny") == first.cache_key("tiny")
    again_weights, first_weights = weights(again.publish_path("tiny")), weights(first.publish_path("tiny"))
    assert again.trainings == 1 and first.trainings == 0
    assert len(first_weights) == 4
    assert all(np.array_equal(a, b) for a, b in zip(again_weights, first_weights))
    assert again.publish_path("tiny").read_bytes() == first.publish_path("tiny").read_bytes()
    assert again.record("tiny")["history"] == first.record("tiny")["history"]


def test_record_describes_the_training(trained):
    record = ModelStore(*trained).record("tiny")
    assert record["name"] == "tiny" and record["variant"] is None
    assert record["epochs"] == 3 and set(record["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    best = int(np.argmax(record["history"]["val_accuracy"])) + 1
    assert record["best_epoch"] == best
    assert (record["train_examples"], record["validation_examples"], record["test_examples"]) == (27, 9, 12)
    assert np.sum(record["confusion_matrix"]) == 12
    accuracy = np.trace(record["confusion_matrix"]) / 12
    assert record["metrics"]["test_accuracy"] == pytest.approx(accuracy)
    assert [layer["name"] for layer in record["layers"]] == ["rescaling", "conv2d", "dropout", "flatten", "dense"]
    assert record["layers"][1]["output_shape"] == [None, 6, 6, 3] and record["layers"][1]["params"] == 30
    assert record["params"] == 30 + 3 * (108 + 1) and record["input_shape"] == [8, 8, 1]
    assert record["device"] == "CPU" and set(record["versions"]) == {"tensorflow", "keras", "numpy", "layerpress"}


def test_cached_model_is_not_trained_again(trained):
    store = ModelStore(*trained)
    assert store.is_cached("tiny")
    model = store.get("tiny")
    assert store.trainings == 0
    assert model.layer_names()[-1] == "dense"


def test_spec_change_is_a_cache_miss(trained, tmp_path, make_blog, tiny_spec):
    store = copy_cache(trained, tmp_path)
    source = make_blog(tmp_path / "blog", {"tiny": tiny_spec.replace("epochs: 3", "epochs: 2")})
    changed = ModelStore(source, tmp_path / "cache")
    assert changed.cache_key("tiny") != store.cache_key("tiny")
    assert not changed.is_cached("tiny")
    assert changed.record("tiny")["epochs"] == 2 and changed.trainings == 1


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_cache_entry_is_retrained(trained, tmp_path, damage):
    store = copy_cache(trained, tmp_path)
    path = store.publish_path("tiny")
    good = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(good[: len(good) // 2])
        assert not ModelStore(store.source, store.cache_dir).is_cached("tiny")
    else:
        middle = len(good) // 2
        path.write_bytes(good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1:])
    fresh = ModelStore(store.source, store.cache_dir)
    model = fresh.get("tiny")
    assert fresh.trainings == 1
    original = ModelStore(*trained).publish_path("tiny")
    assert all(np.array_equal(a, b) for a, b in zip(weights(model.path), weights(original)))


def test_force_retrains_once(trained, tmp_path):
    store = copy_cache(trained, tmp_path)
    forced = ModelStore(store.source, store.cache_dir, force=True)
    forced.record("tiny")
    forced.get("tiny")
    assert forced.trainings == 1


def test_untrained_and_override_variants(trained):
    store = ModelStore(*trained)
    keys = {store.cache_key(ref) for ref in ("tiny", "tiny:untrained", "tiny:sgd")}
    assert len(keys) == 3
    untrained = store.record("tiny:untrained")
    assert untrained["history"] is None and untrained["epochs"] == 0 and untrained["best_epoch"] is None
    assert untrained["variant"] == "untrained" and 0 <= untrained["metrics"]["test_accuracy"] <= 1
    sgd = store.record("tiny:sgd")
    assert sgd["epochs"] == 2 and sgd["variant"] == "sgd"
    trained_weights = weights(store.publish_path("tiny"))
    untrained_weights = weights(store.publish_path("tiny:untrained"))
    assert [w.shape for w in trained_weights] == [w.shape for w in untrained_weights]
    assert not np.array_equal(trained_weights[0], untrained_weights[0])
    assert store.get("tiny:untrained").layer_names() == store.get("tiny").layer_names()
    assert store.trainings == 2


def test_activations_in_one_pass_by_name_and_index(trained):
    model = ModelStore(*trained).get("tiny")
    images = model.dataset().x_test[:5].astype("float32")
    outputs = model.activations(["conv2d", 1, -1], images)
    assert list(outputs) == ["conv2d", "dense"]
    assert outputs["conv2d"].shape == (5, 6, 6, 3)
    assert np.allclose(outputs["dense"], model.predict(images), atol=1e-6)
    assert np.allclose(outputs["dense"].sum(axis=1), 1, atol=1e-5)
    with pytest.raises(ModelSpecError) as error:
        model.activations(["conv2", "dense"], images)
    assert str(error.value) == "model 'tiny' has no layer 'conv2' (did you mean 'conv2d'?)"
    with pytest.raises(ModelSpecError) as error:
        model.activations([9], images)
    assert str(error.value) == ("model 'tiny' has no layer 9 (it has 5 layers) "
                                "(layers are rescaling, conv2d, dropout, flatten, dense)")


def test_probe_is_converted_like_the_training_data(trained, tmp_path):
    model = ModelStore(*trained).get("tiny")
    probe = np.zeros((32, 32, 3), dtype=np.uint8)
    probe[8:24, 8:24] = (255, 128, 0)
    Image.fromarray(probe).save(tmp_path / "probe.png")
    pixels = model.load_probe(tmp_path / "probe.png")
    assert pixels.shape == (8, 8, 1) and pixels.dtype == np.float32
    expected = np.asarray(Image.fromarray(probe).convert("L").resize((8, 8), Image.Resampling.BILINEAR))
    assert np.array_equal(pixels[..., 0], expected.astype(np.float32))


def test_published_file_is_the_cached_keras_model(trained):
    store = ModelStore(*trained)
    path = store.publish_path("tiny")
    assert path.name == "model.keras" and path.is_file()
    assert json.loads((path.parent / "record.json").read_text())["cache_key"] == store.cache_key("tiny")


def test_a_model_trained_in_this_build_is_handed_out_without_loading(tmp_path, make_blog, tiny_spec):
    """The store keeps the model it just trained: figures run it without reading model.keras, and it
    computes exactly what the saved file does (a figure's bytes must not depend on which one ran)."""
    source = make_blog(tmp_path / "blog", {"tiny": tiny_spec})
    fresh = ModelStore(source, tmp_path / "cache")
    in_memory = fresh.get("tiny")
    assert fresh.trainings == 1 and in_memory._model is not None  # no load happened
    assert fresh.get("tiny") is in_memory  # one per store: its activation extractors are shared too
    loaded = ModelStore(source, tmp_path / "cache").get("tiny")
    assert loaded._model is None
    images = in_memory.dataset().x_test.astype("float32")
    assert np.array_equal(in_memory.predict(images), loaded.predict(images))
    ours, theirs = in_memory.activations(["conv2d"], images), loaded.activations(["conv2d"], images)
    assert np.array_equal(ours["conv2d"], theirs["conv2d"])


def test_weights_are_stored_uncompressed_in_a_byte_stable_file(trained):
    import zipfile

    with zipfile.ZipFile(ModelStore(*trained).publish_path("tiny")) as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert kinds["model.weights.h5"] == zipfile.ZIP_STORED
    assert kinds["config.json"] == zipfile.ZIP_DEFLATED
