"""Models the build did not train: a `.keras` and a legacy `.h5` saved by a plain script, through every
figure kind and `models.*`; what a model lacks is a `file:line` error that says how to give it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from figures_testkit import Doc, write_probes

from generator.build import BuildOptions, build
from generator.errors import LayerpressError, ModelSpecError
from generator.figures.stage import FigureStage
from generator.models.applications import fresh_layer_names
from generator.models.store import ModelStore

pytestmark = pytest.mark.slow

DATASET = ("dataset: {name: shapes, image_size: [16, 16], color_mode: rgb, per_class: 4, test_per_class: 3, "
           "validation_split: 0, seed: 1}\n")
SPECS = {
    "bare": "load: saved/tiny.keras\n",
    "named": "load: saved/tiny.keras\nclasses: [circle, square, triangle]\n",
    "listed": "load: saved/tiny.keras\nclasses: saved/classes.txt\n",
    "legacy": "load: saved/tiny.h5\n" + DATASET,
    "pretrained": "application: MobileNetV2\nweights: none\ninput_shape: [96, 96, 3]\narguments: {alpha: 0.35}\n",
    "nested": "load: saved/nested.keras\nclasses: [circle, square, triangle]\n",
}
BASE = "mobilenetv2_0.35_96"
# The layers each model's figures draw: (two to show, a convolution, the classifier's output).
LAYERS = {"named": ("conv", "pool", "conv", "out"), "listed": ("conv", "pool", "conv", "out"),
          "legacy": ("conv", "pool", "conv", "out"),
          "pretrained": ("Conv1", "block_1_expand_relu", "Conv1", "predictions"),
          "nested": (f"{BASE}/Conv1", f"{BASE}/block_1_expand_relu", f"{BASE}/Conv1", "head")}


def save_tiny_model(folder: Path):
    """A small classifier saved the way a plain script would: `.keras` and legacy `.h5`."""
    import keras

    keras.utils.set_random_seed(3)
    model = keras.Sequential([
        keras.Input((16, 16, 3)), keras.layers.Rescaling(1 / 255, name="scale"),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv"), keras.layers.MaxPooling2D(2, name="pool"),
        keras.layers.Flatten(name="flat"), keras.layers.Dense(3, activation="softmax", name="out")])
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder / "tiny.keras")
    model.save(folder / "tiny.h5")
    (folder / "classes.txt").write_text("circle\nsquare\ntriangle\n")
    return model


def save_nested_model(folder: Path):
    """The usual Keras pattern: a keras.applications base inside a model with its preprocessing and a head."""
    import keras

    keras.utils.set_random_seed(4)
    with fresh_layer_names():  # as a script of its own would name them, whatever this process built before
        base = keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.35, include_top=False)
        inputs = keras.Input((96, 96, 3))
        features = base(keras.layers.Rescaling(1 / 127.5, offset=-1, name="pre")(inputs))
        pooled = keras.layers.GlobalAveragePooling2D(name="pool")(features)
        model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax", name="head")(pooled), name="outer")
    model.save(folder / "nested.keras")
    return model, base


@pytest.fixture(scope="module")
def own_blog(tmp_path_factory):
    root = tmp_path_factory.mktemp("own-models")
    source = root / "content"
    (source / "_models").mkdir(parents=True)
    for name, text in SPECS.items():
        (source / "_models" / f"{name}.yml").write_text(text)
    (source / "_config.yml").write_text("title: own models\n")
    write_probes(source / "probes")
    keras_model = save_tiny_model(source / "saved")  # not models/: the site publishes models/NAME.keras
    save_nested_model(source / "saved")
    return source, root / "cache", keras_model


def every_kind(model: str) -> str:
    """A block of every kind that draws from a model."""
    first, second, conv, out = LAYERS[model]
    return f"""
```figure
kind: activations
model: {model}
probe: probes/triangle.png
layers: [{first}, {second}]
```

```figure
kind: summary
model: {model}
```

```figure
kind: conv-animation
probe: probes/circle.png
size: [5, 5]
model: {model}
layer: {conv}
```

```figure
kind: conv-check
model: {model}
layer: {conv}
probe: probes/circle.png
```

```figure
kind: filters
model: {model}
```
""" + CLASSES_BLOCKS.format(model=model, out=out, labels="" if model == "pretrained" else "labels: [triangle, circle]")


CLASSES_BLOCKS = """
```figure
kind: predictions
model: {model}
probes: [probes/triangle.png, probes/circle.png]
{labels}
```

```figure
kind: dense-as-image
model: {model}
probe: probes/triangle.png
layer: {out}
```
"""
DATA_BLOCKS = {
    "samples": "kind: samples\nmodel: {model}\nper_class: 2",
    "predictions": "kind: predictions\nmodel: {model}\ncount: 3",
    "compare": "kind: compare\nmodel: {model}\nvariants: [base]",
}
DATA_ERRORS = {
    "samples": "samples needs a data set to take images from: model 'named' has none "
               "(add a `dataset:` to _models/named.yml)",
    "predictions": "predictions needs a data set to take images from: model 'named' has none "
                   "(add a `dataset:` to _models/named.yml, or give probes)",
    "compare": "compare needs test metrics: model 'named' has no test set "
               "(add a `dataset:` with test images to _models/named.yml)",
}
HISTORY_BLOCK = "kind: curves\nmodel: {model}"


def run_stage(source: Path, cache: Path, body: str):
    post = source / "_posts" / "2026-01-01-post.md"
    post.parent.mkdir(exist_ok=True)
    post.write_text("---\ntitle: t\n---\n" + body)
    document = Doc(post, body, body_line=4, slug="post")
    stage = FigureStage(ModelStore(source, cache), source, cache)
    stage.add_documents([document])
    stage.compute()
    return stage


def block_error(source: Path, cache: Path, block: str) -> str:
    with pytest.raises(LayerpressError) as caught:
        run_stage(source, cache, f"Text.\n\n```figure\n{block}\n```\n")
    return str(caught.value)


@pytest.mark.parametrize("model", ["named", "listed", "legacy", "pretrained", "nested"])
def test_every_model_kind_draws_a_saved_or_pretrained_model(own_blog, model):
    source, cache, _ = own_blog
    stage = run_stage(source, cache, every_kind(model))
    assert len(stage.figures) == 7 and all(figure.entry is not None for figure in stage.figures)
    predictions = next(figure for figure in stage.figures if figure.request.kind == "predictions")
    note = stage.meta(predictions)["note"]
    probabilities = np.load(predictions.entry / "data.npz")["probabilities"]
    if model == "pretrained":  # ImageNet's classes; probes resized and preprocessed, and the figure says so
        assert probabilities.shape == (2, 1000)
        assert note.endswith("Probes: triangle.png (40\u00d740), circle.png (40\u00d740) resized to 96\u00d796 (bilinear), "
                        "then passed through keras.applications.mobilenet_v2.preprocess_input.")
    else:
        assert probabilities.shape == (2, 3) and "resized to" in note and "(bilinear)" in note


def test_saved_model_predicts_what_keras_predicts(own_blog):
    source, cache, keras_model = own_blog
    store = ModelStore(source, cache)
    for ref in ("named", "legacy"):
        model = store.get(ref)
        images = np.random.default_rng(0).uniform(0, 255, (2, 16, 16, 3)).astype("float32")
        np.testing.assert_allclose(model.predict(images), keras_model.predict(images, verbose=0), atol=1e-5)
    assert store.record("named")["class_names"] == ["circle", "square", "triangle"]
    assert store.record("listed")["class_names"] == ["circle", "square", "triangle"]
    assert store.record("legacy")["class_names"] == ["circle", "square", "triangle"]  # the data set's


@pytest.mark.parametrize("block", ["predictions", "dense-as-image"])
def test_class_names_missing_is_the_blocks_error(own_blog, block):
    """Regression: `predictions` on a loaded model without a data set ended in a TypeError."""
    source, cache, _ = own_blog
    blocks = CLASSES_BLOCKS.format(model="bare", out="out", labels="").split("\n\n")
    text = next(b for b in blocks if f"kind: {block}" in b).strip().removeprefix("```figure\n").removesuffix("\n```")
    message = block_error(source, cache, text)
    assert message.endswith(f"_posts/2026-01-01-post.md:6: {block} needs class names: model 'bare' has none "
                            "(add `classes:` to _models/bare.yml, or a `dataset:`)")


@pytest.mark.parametrize("what", list(DATA_BLOCKS))
def test_data_missing_is_the_blocks_error(own_blog, what):
    source, cache, _ = own_blog
    message = block_error(source, cache, DATA_BLOCKS[what].format(model="named"))
    assert message.endswith("post.md:6: " + DATA_ERRORS[what])


@pytest.mark.parametrize("model", ["named", "legacy", "pretrained"])
def test_curves_of_a_model_the_build_did_not_train(own_blog, model):
    source, cache, _ = own_blog
    message = block_error(source, cache, HISTORY_BLOCK.format(model=model))
    assert message.endswith(f":6: curves needs a training history: the build did not train model '{model}' "
                            "(its spec has no `layers:` and `dataset:` to train (a saved, pretrained or untrained "
                            "model has no epochs))")


def test_data_kinds_draw_a_saved_model_with_a_data_set(own_blog):
    source, cache, _ = own_blog
    body = "\n".join(f"```figure\n{block.format(model='legacy')}\n```\n" for block in DATA_BLOCKS.values())
    stage = run_stage(source, cache, body)
    assert all(figure.entry is not None for figure in stage.figures)


def test_class_names_must_match_the_outputs(own_blog, tmp_path):
    source, cache, _ = own_blog
    (source / "_models" / "wrong.yml").write_text("load: saved/tiny.keras\nclasses: [a, b]\n")
    try:
        with pytest.raises(ModelSpecError, match=r"wrong.yml:2: 'classes' names 2 classes, the model has 3 outputs$"):
            ModelStore(source, tmp_path / "cache").record("wrong")
    finally:
        (source / "_models" / "wrong.yml").unlink()


def site_build(source: Path, root: Path, body: str):
    (source / "_posts").mkdir(exist_ok=True)
    (source / "_posts" / "2026-01-01-post.md").write_text("---\ntitle: t\n---\n" + body)
    return build(BuildOptions(source=source, dest=root / "site", cache_dir=root / "cache"))


def test_quoted_metric_of_an_untested_model_is_an_error_at_its_line(own_blog):
    """Regression: `{{ models.NAME.metrics.test_accuracy | percent }}` printed "0.0%" for a model without a
    test set."""
    source, cache, _ = own_blog
    with pytest.raises(LayerpressError) as caught:
        site_build(source, cache.parent, "Intro.\n\nIt scores {{ models.named.metrics.test_accuracy | percent }}.\n")
    assert str(caught.value).endswith(
        "_posts/2026-01-01-post.md:6: models.named.metrics: model 'named' was not tested: it has no test set "
        "(add a `dataset:` with test images to _models/named.yml)")
    with pytest.raises(LayerpressError, match=r"post.md:4: models.legacy.best_epoch: model 'legacy' has no best"):
        site_build(source, cache.parent, "{{ models.legacy.best_epoch }}\n")


def test_quoted_metric_of_a_tested_saved_model(own_blog):
    source, cache, keras_model = own_blog
    site_build(source, cache.parent, "It scores {{ models.legacy.metrics.test_accuracy | percent }} on "
                                     "{{ models.legacy.test_examples }} images.\n\n"
                                     "{{ models.pretrained.params | thousands }} {{ models.pretrained.class_names.size }} "
                                     "{{ models.pretrained.input_shape | join: 'x' }} {{ models.pretrained.preprocess }}; "
                                     "{{ models.nested.layers.size }} {{ models.nested.class_names | join: ',' }}.\n")
    html = (cache.parent / "site" / "2026" / "01" / "01" / "post.html").read_text()
    store = ModelStore(source, cache)
    pretrained, nested = store.record("pretrained"), store.record("nested")
    assert (f"{pretrained['params']:,} 1000 96x96x3 keras.applications.mobilenet_v2.preprocess_input; "
            f"{len(nested['layers'])} circle,square,triangle.") in html
    dataset = store.dataset("legacy")
    accuracy = np.mean(keras_model.predict(dataset.x_test.astype("float32"), verbose=0).argmax(-1) == dataset.y_test)
    assert f"It scores {accuracy:.1%} on 9 images." in html
    with pytest.raises(LayerpressError, match=r"post.md:4: models.pretrained.history: model 'pretrained' has no "
                                              r"training history: the build did not train it"):
        site_build(source, cache.parent, "{{ models.pretrained.history.loss }}\n")


def test_classes_errors_name_the_line(tmp_path):
    from generator.models.spec import read_spec

    source = tmp_path
    (source / "_models").mkdir()
    spec = source / "_models" / "m.yml"
    for text, expected in [
        ("load: m.keras\nclasses: 3\n", r"m.yml:2: 'classes' must be a list of class names, or a file of them"),
        ("load: m.keras\nclasses: none.txt\n", r"m.yml:2: classes: file none.txt not found"),
        (DATASET.replace("seed: 1", "classes: [a, b]") + "load: m.keras\nclasses: [x, y, z]\n",
         r"m.yml:3: 'classes' names 3 classes, the data set has 2"),
    ]:
        (source / "m.keras").write_bytes(b"")
        spec.write_text(text)
        with pytest.raises(ModelSpecError, match=expected):
            read_spec(spec, source)
    (source / "index.json").write_text('{"1": ["n2", "goldfish"], "0": ["n1", "tench"]}')
    spec.write_text("load: m.keras\nclasses: index.json\n")
    assert read_spec(spec, source).classes == ["tench", "goldfish"]


def test_layers_inside_a_nested_model_by_path(own_blog):
    """What Keras cannot do directly (a nested layer's output from the outer inputs), through the rebuilt graph:
    its outputs equal the base's own for the preprocessed images, and its predictions the outer model's."""
    import keras

    source, cache, _ = own_blog
    model = ModelStore(source, cache).get("nested")
    outer = model.keras_model
    base = outer.get_layer(BASE)
    images = np.random.default_rng(2).uniform(0, 255, (2, 96, 96, 3)).astype("float32")
    paths = [f"{BASE}/block_1_expand_relu", "pool", f"{BASE}/input_layer", "pre"]
    outputs = model.activations(paths, images)
    inner = keras.Model(base.inputs, base.get_layer("block_1_expand_relu").output)
    np.testing.assert_allclose(outputs[paths[0]], np.asarray(inner([images / 127.5 - 1])), atol=1e-4)
    np.testing.assert_allclose(outputs[paths[2]], images / 127.5 - 1, atol=1e-6)  # the base's input: pre's output
    np.testing.assert_allclose(model.predict(images), np.asarray(outer(images)), atol=1e-6)
    entries = {entry["name"]: entry for entry in model.record["layers"]}
    assert entries[BASE]["class"] == "Functional" and "depth" not in entries[BASE]
    assert entries[f"{BASE}/Conv1"]["depth"] == 1 and entries[f"{BASE}/Conv1"]["output_shape"] == [None, 48, 48, 16]
    assert model.input_of(f"{BASE}/Conv1") == "pre" and model.input_of("pre") is None
    assert model.input_of(f"{BASE}/bn_Conv1") == f"{BASE}/Conv1"


def test_a_nested_layer_by_its_bare_name_suggests_its_path(own_blog):
    source, cache, _ = own_blog
    names = [entry["name"] for entry in ModelStore(source, cache).record("nested")["layers"]]
    assert names[:5] == ["input_layer_1", "pre", BASE, f"{BASE}/input_layer", f"{BASE}/Conv1"]
    message = block_error(source, cache, "kind: activations\nmodel: nested\nprobe: probes/circle.png\n"
                                         "layers: [block_1_expand_relu]")
    assert message.split("post.md:6: ")[1] == (
        f"model 'nested' has no layer 'block_1_expand_relu' (did you mean '{BASE}/block_1_expand_relu'? layers: "
        + ", ".join(names[:24]) + f", ... ({len(names)} in all; the summary figure lists them))")


def test_summary_shows_the_nesting(own_blog):
    source, cache, _ = own_blog
    stage = run_stage(source, cache, "```figure\nkind: summary\nmodel: nested\n```\n")
    html = stage.meta(stage.figures[0])["table_html"]
    assert f"<tr><td>{BASE} (Functional)</td>" in html
    assert f"<tr><td>&#8195;{BASE}/Conv1 (Conv2D)</td><td>(None, 48, 48, 16)</td><td>432</td></tr>" in html


def test_layer_patterns_and_channel_caps_keep_a_big_layer_readable(own_blog):
    """`block_1*_relu` picks every matching layer with feature maps; `channels` and `max_channels` (default 64)
    choose the maps, numbered as in the layer, and the note says what is left out."""
    source, cache, _ = own_blog
    stage = run_stage(source, cache, f"""```figure
kind: activations
model: nested
probe: probes/circle.png
layers: ["{BASE}/block_1*_relu", "{BASE}/out_relu"]
channels: [0-9, 40, 2000]
max_channels: 11
```

```figure
kind: activations
model: pretrained
probe: probes/circle.png
layers: [out_relu]
```
""")
    picked, default = stage.figures
    arrays = np.load(picked.entry / "data.npz")
    layers = [f"{BASE}/block_1_expand_relu", f"{BASE}/block_1_depthwise_relu", f"{BASE}/block_10_expand_relu",
              f"{BASE}/block_10_depthwise_relu"]
    for name in layers:
        np.testing.assert_array_equal(arrays[f"channels_{name}"], [*range(10), 40])
    assert arrays[f"activations_{BASE}/out_relu"].shape == (1, 3, 3, 11)
    assert f"activations_{BASE}/block_1_project_BN" not in arrays  # matches no `*_relu`
    assert ("Shown: " + f"{BASE}/block_1_expand_relu channels 0-9, 40 of 48; ") in stage.meta(picked)["note"]
    assert f"{BASE}/out_relu channels 0-9, 40 of 1280." in stage.meta(picked)["note"]
    default_arrays = np.load(default.entry / "data.npz")
    assert default_arrays["activations_out_relu"].shape[-1] == 64
    assert "Shown: out_relu channels 0-63 of 1280." in stage.meta(default)["note"]


@pytest.mark.parametrize("block, expected", [
    ("layers: ['block_*_nothing']", ":6: no layer with feature maps of model 'pretrained' matches 'block_*_nothing' "
                                    "(layers: input_layer, Conv1, "),
    ("layers: [Conv1]\nchannels: 99", ":6: layer 'Conv1' has 16 channels, none of those 'channels' names "
                                      "(channels are numbered 0 to 15)"),
    ("layers: [Conv1]\nchannels: 9-3", ":11: activations figure: 'channels' must be channel numbers: a range "
                                       "such as '0-63', a number, or a list of them, not '9-3'"),
])
def test_pattern_and_channel_errors(own_blog, block, expected):
    source, cache, _ = own_blog
    message = block_error(source, cache, f"kind: activations\nmodel: pretrained\nprobe: probes/circle.png\n{block}")
    assert expected in message


def test_big_models_are_not_published_and_their_explorer_keeps_its_budget(own_blog, monkeypatch, caplog):
    """Above the size budget (made small here) a model's .keras file stays out of the site, with a note; its
    explorer is there without a download link, and within its `explorer_budget`, saying what it left out."""
    import logging

    from generator.models import store

    source, cache, _ = own_blog
    spec = source / "_models" / "budgeted.yml"
    spec.write_text(SPECS["pretrained"] + "explorer_budget: 0.25\n")
    monkeypatch.setattr(store, "PUBLISH_BUDGET", 2**20 // 4)
    body = "".join(f"```figure\nkind: activations\nmodel: {name}\nprobe: probes/circle.png\nlayers: [{layer}]\n```\n\n"
                   for name, layer in (("budgeted", "Conv1"), ("named", "conv")))
    try:
        with caplog.at_level(logging.INFO, logger="generator"):
            site_build(source, cache.parent, body)
    finally:
        spec.unlink()
    site = cache.parent / "site"
    assert (site / "models" / "named.keras").is_file() and not (site / "models" / "budgeted.keras").exists()
    notes = [record.getMessage() for record in caplog.records if record.levelname == "NOTE"]
    assert any(note.startswith("model budgeted is not published as models/budgeted.keras (") and
               "MB, over the 0.25 MB budget; `publish: true` in _models/budgeted.yml publishes it)" in note
               for note in notes), notes
    explorer = site / "explore" / "budgeted"
    size = sum(path.stat().st_size for path in (explorer / "data").rglob("*") if path.is_file())
    assert size <= 0.25 * 2**20
    page = (explorer / "index.html").read_text()
    assert "its .keras file is not published with the site" in page and "explorer-download" not in page
    assert "Not everything is here: " in page and "(its budget: 0.25 MB)." in page
    assert any(note.startswith("explorer of 'budgeted': ") for note in notes)
    assert 'class="explorer-download" href="/models/named.keras"' in (site / "explore" / "named" / "index.html").read_text()


def test_a_model_nested_in_a_sequential_model(tmp_path):
    """Functional and Sequential sub-models alike: a Sequential model holding a Sequential feature extractor."""
    import keras

    keras.utils.set_random_seed(6)
    inner = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(2, 3, name="c1"),
                              keras.layers.Conv2D(2, 3, name="c2")], name="features")
    outer = keras.Sequential([keras.Input((8, 8, 3)), inner, keras.layers.Flatten(name="flat"),
                              keras.layers.Dense(2, activation="softmax", name="out")], name="outer")
    (tmp_path / "_models").mkdir()
    outer.save(tmp_path / "outer.keras")
    (tmp_path / "_models" / "outer.yml").write_text("load: outer.keras\nclasses: [a, b]\n")
    model = ModelStore(tmp_path, tmp_path / "cache").get("outer")
    assert [entry["name"] for entry in model.record["layers"]] == ["features", "features/c1", "features/c2",
                                                                   "flat", "out"]
    images = np.random.default_rng(3).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    outputs = model.activations(["features/c1", "flat"], images)
    first = keras.Model(inner.inputs, inner.get_layer("c1").output)
    np.testing.assert_allclose(outputs["features/c1"], np.asarray(first([images])), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(model.predict(images), np.asarray(outer(images)), atol=1e-6)
    assert (model.input_of("features/c1"), model.input_of("features/c2"), model.input_of("flat")) == \
        (None, "features/c1", "features")
