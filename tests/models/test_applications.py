"""Pretrained networks by name: `application: MobileNetV2` with `weights: none`, a weights file the test
writes, or ImageNet's (Keras's cache; offline, one error says where to put the file). No download."""

from __future__ import annotations

import numpy as np
import pytest

from generator.errors import LayerpressError, ModelSpecError
from generator.models.spec import check_with_keras, read_spec
from generator.models.store import ModelStore

pytestmark = pytest.mark.slow
SMALL = "application: MobileNetV2\ninput_shape: [96, 96, 3]\narguments: {alpha: 0.35}\n"


def small_mobilenet(seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    return keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.35)


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    source = tmp_path_factory.mktemp("applications")
    (source / "_models").mkdir()
    (source / "_models" / "random.yml").write_text(SMALL + "weights: none\n")
    (source / "_models" / "file.yml").write_text(SMALL + "weights: weights/mine.weights.h5\n")
    (source / "weights").mkdir()
    small_mobilenet(7).save_weights(source / "weights" / "mine.weights.h5")
    return source, source.parent / f"{source.name}-cache"


def spec_error(tmp_path, text: str) -> str:
    (tmp_path / "_models").mkdir(exist_ok=True)
    (tmp_path / "_models" / "m.yml").write_text(text)
    with pytest.raises(LayerpressError) as error:
        check_with_keras(read_spec(tmp_path / "_models" / "m.yml", tmp_path))
    return str(error.value).rsplit("_models/", 1)[-1]


@pytest.mark.parametrize("text, expected", [
    ("application: MobileNetv2\n", "m.yml:1: unknown application 'MobileNetv2' (did you mean 'MobileNetV2'?)"),
    ("application: MobileNetV2\narguments:\n  alpah: 0.35\n",
     "m.yml:3: MobileNetV2: unknown argument 'alpah' (did you mean 'alpha'?)"),
    ("application: MobileNetV2\narguments:\n  include_top: 1\n",
     "m.yml:3: MobileNetV2: argument 'include_top' must be true or false, not 1"),
    ("application: MobileNetV2\narguments: {weights: imagenet}\n",
     "m.yml:2: arguments.weights: give it as the spec's 'weights:'"),
    ("application: MobileNetV2\ninput_shape: [96, 96]\n",
     "m.yml:2: 'input_shape' must be [height, width, channels], three positive integers, not [96, 96]"),
    ("application: MobileNetV2\nload: m.keras\n", "m.yml:2: 'application' and 'load' exclude each other"),
    ("layers: [Flatten]\ndataset: shapes\nweights: imagenet\n",
     "m.yml:3: 'weights: imagenet' needs 'application' (a pretrained network by name) "
     "(with 'layers', 'weights' names a weights file)"),
    ("load: m.keras\ninput_shape: [8, 8, 1]\n", "m.yml:2: 'input_shape' is an option of 'application'"),
    ("application: MobileNetV2\nweights: missing.h5\n", "m.yml:2: weights: file missing.h5 not found"),
])
def test_spec_errors_name_the_line(tmp_path, monkeypatch, text, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.keras").write_bytes(b"")
    assert spec_error(tmp_path, text).startswith(expected)


def test_random_weights_with_imagenet_class_names_and_preprocessing(blog):
    import keras

    source, cache = blog
    model = ModelStore(source, cache).get("random")
    record = model.record
    assert record["application"] == "MobileNetV2" and record["input_shape"] == [96, 96, 3]
    assert record["preprocess"] == "keras.applications.mobilenet_v2.preprocess_input"
    assert len(record["class_names"]) == 1000 and record["class_names"][:2] == ["tench", "goldfish"]
    assert record["metrics"] is None and record["history"] is None
    images = np.random.default_rng(1).uniform(0, 255, (2, 96, 96, 3)).astype("float32")
    expected = model.keras_model(keras.applications.mobilenet_v2.preprocess_input(images.copy()), training=False)
    np.testing.assert_allclose(model.predict(images), np.asarray(expected), atol=1e-5)
    note = model.input_note(["cat.png"], [(451, 300)])
    assert note == ("Probes: cat.png (451\u00d7300) resized to 96\u00d796 (bilinear, aspect ratio not kept), "
                    "then passed through keras.applications.mobilenet_v2.preprocess_input.")


def test_weights_file_is_loaded_and_its_bytes_are_in_the_key(blog):
    source, cache = blog
    store = ModelStore(source, cache)
    loaded = store.get("file").keras_model
    written = small_mobilenet(7)
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), written.get_weights()))
    key, input_key = store.cache_key("file"), store.input_key("file")
    small_mobilenet(8).save_weights(source / "weights" / "other.weights.h5")
    (source / "weights" / "other.weights.h5").replace(source / "weights" / "mine.weights.h5")
    other = ModelStore(source, cache)
    assert other.cache_key("file") != key and other.input_key("file") != input_key


def keras_home(monkeypatch, folder):
    """$KERAS_HOME for this test (Keras reads the variable when it is imported)."""
    from keras.src.backend import config

    monkeypatch.setattr(config, "_KERAS_DIR", str(folder))


def test_imagenet_weights_offline_is_one_error_saying_where_to_put_them(tmp_path, monkeypatch):
    keras_home(monkeypatch, tmp_path / "keras-home")
    for variable in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")  # refused at once: no download is ever tried for real
    (tmp_path / "_models").mkdir()
    (tmp_path / "_models" / "net.yml").write_text(SMALL)
    with pytest.raises(ModelSpecError) as error:
        ModelStore(tmp_path, tmp_path / "cache").record("net")
    message = str(error.value)
    file = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5"
    assert message.startswith(f"{tmp_path}/_models/net.yml:1: application: the ImageNet weights of MobileNetV2 are "
                              f"not in {tmp_path}/keras-home/models and cannot be downloaded (no network?) "
                              f"(put {file} in {tmp_path}/keras-home/models (from https://")
    assert message.endswith(f"or name a file with `weights: path/to/{file}`, or use `weights: none`)")
    assert "\n" not in message


def test_imagenet_weights_come_from_keras_cache_without_a_download(tmp_path, monkeypatch):
    """The file Keras would download, already in $KERAS_HOME/models (written here with other weights): used as
    it is, with the ImageNet class names."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    keras_home(monkeypatch, tmp_path / "keras-home")
    for variable in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")
    folder = tmp_path / "keras-home" / "models"
    folder.mkdir(parents=True)
    cached = small_mobilenet(9)
    with h5py.File(folder / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5", "w") as file:
        legacy_h5_format.save_weights_to_hdf5_group(file, cached)
    (tmp_path / "_models").mkdir()
    (tmp_path / "_models" / "net.yml").write_text(SMALL)
    model = ModelStore(tmp_path, tmp_path / "cache").get("net")
    assert all(np.array_equal(a, b) for a, b in zip(model.keras_model.get_weights(), cached.get_weights()))
    assert model.record["class_names"][-1] == "toilet paper"


def test_no_readers_image_for_a_network_that_preprocesses(blog, tmp_path):
    """The explorer's reader's-own-image feeds raw pixels to an ONNX export: not for a network whose
    inputs must go through its preprocess_input first."""
    from generator.explore import reader

    source, cache = blog
    model = ModelStore(source, cache).get("random")
    assert reader.add_models(tmp_path, {"trained": model}, model.layer_names()) == {
        "skipped": "its inputs go through keras.applications.mobilenet_v2.preprocess_input, which the page does "
                   "not run"}


IMAGENET_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5"
FILTERS_POST = "---\ntitle: t\n---\nThe first filters.\n\n```figure\nkind: filters\nmodel: net\nid: first\n```\n"


def offline_keras_home(monkeypatch, folder):
    """A test $KERAS_HOME; any download is refused at once (the weights must come from its models folder)."""
    keras_home(monkeypatch, folder)
    for variable in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")


def write_imagenet_file(keras_home_folder, seed: int):
    """Other weights in the file Keras would download for the small MobileNetV2, as Keras saves it."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    model = small_mobilenet(seed)
    (keras_home_folder / "models").mkdir(parents=True, exist_ok=True)
    with h5py.File(keras_home_folder / "models" / IMAGENET_FILE, "w") as file:
        legacy_h5_format.save_weights_to_hdf5_group(file, model)
    return model


def small_blog(folder):
    (folder / "_models").mkdir(parents=True)
    (folder / "_models" / "net.yml").write_text(SMALL)
    return folder


def test_the_imagenet_files_bytes_are_in_the_cache_key(tmp_path, monkeypatch):
    """`weights: imagenet` is keyed by the file Keras read (remembered by the cache, no Keras to key it):
    the same file, nothing is built again; another file in Keras's cache, the model is built again from it;
    the frozen results' key stays the same (another machine has no such file)."""
    offline_keras_home(monkeypatch, tmp_path / "keras-home")
    write_imagenet_file(tmp_path / "keras-home", 9)
    source, cache = small_blog(tmp_path / "blog"), tmp_path / "cache"
    unresolved = ModelStore(source, cache).cache_key("net")
    first = ModelStore(source, cache)
    first.get("net")
    key, input_key = first.cache_key("net"), first.input_key("net")
    assert first.trainings == 1 and key != unresolved and first.record("net")["cache_key"] == key
    again = ModelStore(source, cache)
    assert again.cache_key("net") == key and again.get("net").record["cache_key"] == key and again.trainings == 0
    replaced = write_imagenet_file(tmp_path / "keras-home", 10)
    other = ModelStore(source, cache)
    model = other.get("net")
    assert other.trainings == 1 and other.cache_key("net") not in (key, unresolved)
    assert other.input_key("net") == input_key and model.record["trained_because"] == "ImageNet weights file changed"
    assert all(np.array_equal(a, b) for a, b in zip(model.keras_model.get_weights(), replaced.get_weights()))
    (tmp_path / "keras-home" / "models" / IMAGENET_FILE).unlink()
    gone = ModelStore(source, cache)
    assert gone.cache_key("net") == unresolved and gone.input_key("net") == input_key


def test_a_site_with_imagenet_weights_builds_from_the_cache_and_from_frozen_results(tmp_path, monkeypatch, caplog):
    """The first build stores its model and figure under the key with the file's bytes: the next build takes
    both from the cache; other weights in Keras's cache draw other filters; frozen, the site builds with
    `--frozen` where Keras's cache has no such file."""
    from generator.build import BuildOptions, build, freeze_blog

    offline_keras_home(monkeypatch, tmp_path / "keras-home")
    write_imagenet_file(tmp_path / "keras-home", 9)
    source = small_blog(tmp_path / "blog")
    (source / "_posts").mkdir()
    (source / "_posts" / "2026-01-01-post.md").write_text(FILTERS_POST)

    def site(name: str, cache: str = "cache", **options) -> bytes:
        caplog.clear()
        with caplog.at_level("DEBUG", logger="generator"):
            build(BuildOptions(source=source, dest=tmp_path / name, cache_dir=tmp_path / cache, **options))
        return b"".join(path.read_bytes() for path in sorted((tmp_path / name).rglob("*.png")))

    first = site("first")
    assert "figure 'first': drawing" in caplog.text and "evaluating net" in caplog.text
    (source / "notes.txt").write_text("a new file: the build computes again (no snapshot of its last one)")
    assert site("again") == first and "figure 'first': cached" in caplog.text and "model net: cached" in caplog.text
    assert "drawing" not in caplog.text and "evaluating" not in caplog.text
    write_imagenet_file(tmp_path / "keras-home", 10)   # nothing in the blog changed
    assert site("other") != first and "evaluating net on CPU (ImageNet weights file changed)" in caplog.text
    freeze_blog(source, cache_dir=tmp_path / "cache")
    offline_keras_home(monkeypatch, tmp_path / "fresh-keras-home")
    site("frozen", "fresh-cache", frozen_only=True)
    assert "frozen" in caplog.text and "drawing" not in caplog.text
