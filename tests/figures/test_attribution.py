"""The attribution kinds (grad-cam, saliency, occlusion, filter-patterns) on the really trained tiny model,
checked against maps computed here, independently, with plain TensorFlow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from figures_testkit import Doc

from generator.errors import FigureError
from generator.figures.stage import FigureStage
from generator.models.store import ModelStore

RELATIVE = 1e-5


def run_stage(source: Path, cache: Path, body: str):
    post = source / "_posts" / "2026-01-01-post.md"
    post.parent.mkdir(exist_ok=True)
    post.write_text("---\ntitle: t\n---\n" + body)
    document = Doc(post, body, body_line=4, slug="post")
    stage = FigureStage(ModelStore(source, cache), source, cache, baseurl="")
    stage.add_documents([document])
    stage.compute()
    return stage, stage.result()


def block(**options) -> str:
    import yaml

    return "```figure\n" + yaml.safe_dump(options, sort_keys=False) + "```\n"


def figure_data(stage, result, figure_id: str) -> dict:
    outputs = dict(result.outputs)
    with np.load(outputs[f"figures/post/{figure_id}.npz"]) as data:
        return {name: data[name] for name in data.files}


def keras_model(stage, ref="tiny"):
    return stage.store.get(ref).keras_model


def logits_above(model, index: int, tensor):
    """The tiny model's class logits from the output of layer `index`: every layer above it in turn, and the
    last Dense layer's kernel and bias without its softmax."""
    for layer in model.layers[index + 1:-1]:
        tensor = layer(tensor, training=False)
    return tensor @ model.layers[-1].kernel + model.layers[-1].bias


def relative_error(actual, expected) -> float:
    return float(np.abs(np.asarray(actual) - expected).max() / max(np.abs(expected).max(), 1e-12))


def test_grad_cam_matches_plain_tensorflow_and_is_recorded(site_source):
    import tensorflow as tf

    source, cache = site_source
    stage, result = run_stage(source, cache, block(
        kind="grad-cam", id="cam", model="tiny", probes=["probes/triangle.png", "probes/circle.png"],
        classes=["predicted", "circle"], layer="conv2d_1"))
    data = figure_data(stage, result, "cam")
    model = keras_model(stage)
    index = [layer.name for layer in model.layers].index("conv2d_1")
    features = tf.keras.Model(model.inputs, model.layers[index].output)(data["images"])
    for k in range(2):
        classes = data["classes"][:, k]
        with tf.GradientTape() as tape:
            tape.watch(features)
            logits = logits_above(model, index, features)
            score = tf.reduce_sum(tf.gather(logits, classes, batch_dims=1))
        grads = tape.gradient(score, features).numpy()
        expected = np.maximum((features.numpy() * grads.mean(axis=(1, 2))[:, None, None, :]).sum(-1), 0)
        assert relative_error(data["raw"][:, k], expected) < RELATIVE
    assert data["maps"].shape == (2, 2, 16, 16)  # resized to the image
    record = result.context["figures"]["cam"]
    assert record.method == "grad-cam" and record.layer == "conv2d_1" and record.score == "logit"
    assert record.classes[0][1] == "circle"


def test_grad_cam_plus_plus_and_the_default_layer(site_source):
    source, cache = site_source
    stage, result = run_stage(source, cache, block(kind="grad-cam", id="pp", model="tiny",
                                                   probe="probes/triangle.png", method="grad-cam++"))
    assert result.context["figures"]["pp"].layer == "conv2d_1"  # the last convolution
    assert figure_data(stage, result, "pp")["raw"].shape == (1, 1, 6, 6)


def test_grad_cam_compare_records_spearman_with_the_untrained_model(site_source):
    source, cache = site_source
    stage, result = run_stage(source, cache, block(kind="grad-cam", id="sanity", model="tiny",
                                                   probe="probes/triangle.png", compare=["trained", "untrained"]))
    data = figure_data(stage, result, "sanity")
    from scipy.stats import spearmanr

    expected = spearmanr(data["raw"].ravel(), data["untrained_raw"].ravel()).statistic
    assert result.context["figures"]["sanity"].spearman.untrained == pytest.approx(expected)


def test_grad_cam_errors_name_the_block(site_source):
    source, cache = site_source
    with pytest.raises(FigureError, match=r"post.md:\d+: .*unknown class 'cirle'.*did you mean 'circle'"):
        run_stage(source, cache, block(kind="grad-cam", model="tiny", probe="probes/triangle.png", classes=["cirle"]))
    with pytest.raises(FigureError, match=r"cannot draw layer 'dense'"):
        run_stage(source, cache, block(kind="grad-cam", model="tiny", probe="probes/triangle.png", layer="dense"))


def input_gradients(model, images, classes):
    import tensorflow as tf

    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        hidden = x
        for layer in model.layers[:-1]:
            hidden = layer(hidden, training=False)
        logits = hidden @ model.layers[-1].kernel + model.layers[-1].bias
        score = tf.reduce_sum(tf.gather(logits, classes, batch_dims=1))
    return tape.gradient(score, x).numpy(), logits.numpy()


def test_integrated_gradients_match_plain_tensorflow_and_are_complete(site_source):
    source, cache = site_source
    stage, result = run_stage(source, cache, block(
        kind="saliency", id="ig", model="tiny", probes=["probes/triangle.png", "probes/circle.png"],
        method="integrated-gradients"))
    data = figure_data(stage, result, "ig")
    model = keras_model(stage)
    images, classes = data["images"], data["classes"][:, 0]
    steps = result.context["figures"]["ig"].steps  # the default
    total = np.zeros_like(images, dtype=np.float64)
    for k in range(steps + 1):  # the trapezoid rule, one point of the path at a time
        grads, _ = input_gradients(model, images * (k / steps), classes)
        total += grads * (0.5 if k in (0, steps) else 1.0)
    expected = images * total / steps
    assert relative_error(data["attributions"][:, 0], expected) < RELATIVE
    _, at_image = input_gradients(model, images, classes)
    _, at_black = input_gradients(model, np.zeros_like(images), classes)
    difference = np.take_along_axis(at_image - at_black, classes[:, None], axis=1)[:, 0]
    completeness = np.abs(expected.reshape(len(images), -1).sum(axis=1) - difference) / np.abs(difference)
    assert completeness.max() < 0.01
    record = result.context["figures"]["ig"]
    assert record.completeness_error == pytest.approx(completeness.max(), abs=1e-4)


def test_vanilla_and_smoothgrad_are_input_gradients(site_source):
    source, cache = site_source
    body = block(kind="saliency", id="plain", model="tiny", probe="probes/triangle.png") + "\n" + block(
        kind="saliency", id="smooth", model="tiny", probe="probes/triangle.png", method="smoothgrad", samples=8,
        noise=0.0)
    stage, result = run_stage(source, cache, body)
    plain, smooth = figure_data(stage, result, "plain"), figure_data(stage, result, "smooth")
    expected, _ = input_gradients(keras_model(stage), plain["images"], plain["classes"][:, 0])
    assert relative_error(plain["gradients"], expected) < RELATIVE
    assert relative_error(plain["maps"][:, 0], np.abs(expected).max(axis=-1)) < RELATIVE
    assert relative_error(smooth["gradients"], expected) < 1e-4  # no noise: the mean of equal gradients


def test_occlusion_drop_of_the_class_probability(site_source):
    source, cache = site_source
    stage, result = run_stage(source, cache, block(kind="occlusion", id="occ", model="tiny",
                                                   probe="probes/triangle.png", patch=16, fill=0))
    data = figure_data(stage, result, "occ")
    model = keras_model(stage)
    cls = data["classes"][0, 0]
    before = model(data["images"], training=False).numpy()[0, cls]
    after = model(np.zeros_like(data["images"]), training=False).numpy()[0, cls]
    np.testing.assert_allclose(data["maps"][0, 0], before - after, rtol=1e-5, atol=1e-7)  # one patch: everything


def test_filter_patterns_raise_each_channel_tenfold_in_one_batch(site_source):
    import tensorflow as tf

    source, cache = site_source
    stage, result = run_stage(source, cache, block(kind="filter-patterns", id="patterns", model="tiny",
                                                   layer="conv2d_1"))
    data = figure_data(stage, result, "patterns")
    model = keras_model(stage)
    features = tf.keras.Model(model.inputs, model.get_layer("conv2d_1").output)
    channels = data["channels"]
    reached = features(data["patterns"]).numpy().mean(axis=(1, 2))[np.arange(len(channels)), channels]
    np.testing.assert_allclose(reached, data["end"], rtol=1e-5)
    fired = data["start"] > 0
    assert fired.any() and (data["end"][fired] >= 10 * data["start"][fired]).all()
    record = result.context["figures"]["patterns"]
    assert record.gain_min >= 10 and record.layer == "conv2d_1" and record.channels == [0, 1, 2]


def test_cascade_re_initialises_from_the_top_and_records_each_step(site_source):
    from scipy.stats import spearmanr

    source, cache = site_source
    stage, result = run_stage(source, cache, block(kind="saliency", id="cascade", model="tiny",
                                                   probe="probes/triangle.png", randomise="cascade"))
    data = figure_data(stage, result, "cascade")
    record = result.context["figures"]["cascade"]
    assert record.cascade_layers == ["dense_1", "dense", "conv2d_1", "conv2d"]  # weighted layers, top down
    for layer in record.cascade_layers:
        expected = spearmanr(data["raw"].ravel(), data[f"{layer}_raw"].ravel()).statistic
        assert record.cascade[layer] == pytest.approx(expected)
    trained = keras_model(stage)
    assert trained.get_layer("dense_1").get_weights()[0].std() > 0  # the copies changed, not the model


def test_scorer_runs_the_chain_above_a_layer_of_a_functional_model():
    import tensorflow as tf

    from generator.figures.attribution import NotAChain, Scorer, grad_cam

    keras = tf.keras
    inputs = keras.Input((12, 12, 3))
    hidden = keras.layers.Conv2D(4, 3, activation="relu", name="first")(keras.layers.Rescaling(1 / 255)(inputs))
    hidden = keras.layers.Conv2D(4, 3, activation="relu", name="second")(hidden)
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.GlobalAveragePooling2D()(hidden))
    model = keras.Model(inputs, outputs)
    images = np.random.default_rng(0).uniform(0, 255, (2, 12, 12, 3)).astype("float32")
    classes = np.array([0, 2])
    features = keras.Model(model.inputs, model.get_layer("first").output)(images)
    with tf.GradientTape() as tape:
        tape.watch(features)
        pooled = model.layers[-2](model.get_layer("second")(features))
        logits = pooled @ model.layers[-1].kernel + model.layers[-1].bias
        score = tf.reduce_sum(tf.gather(logits, classes, batch_dims=1))
    grads = tape.gradient(score, features).numpy()
    expected = np.maximum((features.numpy() * grads.mean(axis=(1, 2))[:, None, None, :]).sum(-1), 0)
    assert relative_error(grad_cam(Scorer(model), "first", images, classes), expected) < RELATIVE

    skip = keras.layers.Add()([model.get_layer("first").output, model.get_layer("first").output])
    residual = keras.Model(model.inputs, keras.layers.Dense(3)(keras.layers.Flatten()(skip)))
    with pytest.raises(NotAChain, match="'add' does not take the output of 'first'"):
        grad_cam(Scorer(residual), "rescaling", images, classes)


def test_posts_quote_figure_records_by_id():
    from generator.errors import LayerpressError
    from generator.figures.context import FiguresContext

    figures = FiguresContext({"post/ig-cascade": {"completeness_error": 0.002}, "a/x": {"n": 1}, "b/x": {"n": 2}})
    assert figures["ig-cascade"].completeness_error == 0.002 and figures["a/x"].n == 1
    with pytest.raises(LayerpressError, match=r"figures has no 'ig-cascde'.*did you mean 'ig-cascade'"):
        figures["ig-cascde"]
    with pytest.raises(LayerpressError, match=r"figures.x is ambiguous"):
        figures["x"]
    with pytest.raises(LayerpressError, match=r"figures.ig-cascade has no 'completeness'"):
        figures["ig-cascade"]["completeness"]


def test_a_false_claim_about_a_figure_record_stops_the_build_at_its_line(site_source, tmp_path):
    from generator.build import BuildOptions, build
    from generator.errors import LayerpressError

    source, cache = site_source
    (source / "_config.yml").write_text("title: t\n")
    post = source / "_posts" / "2026-01-01-maps.md"
    post.parent.mkdir(exist_ok=True)
    figure = block(kind="saliency", id="ig", model="tiny", probe="probes/triangle.png",
                   method="integrated-gradients", steps=8)
    quoted = "Error {{ figures.ig.completeness_error | percent: 2 }} with {{ figures.ig.steps }} steps.\n"
    post.write_text("---\ntitle: t\n---\n" + figure + "\n" + quoted)
    site = build(BuildOptions(source=source, dest=tmp_path / "site", cache_dir=cache)).dest
    page = next(site.rglob("maps.html")).read_text()
    assert "with 8 steps." in page
    post.write_text("---\ntitle: t\n---\n" + figure + "\n" + quoted
                    + "{% claim figures.ig.steps > 100 %}Many steps.{% endclaim %}\n")
    with pytest.raises(LayerpressError, match=r'2026-01-01-maps.md:14: claim is false: "Many steps."'):
        build(BuildOptions(source=source, dest=tmp_path / "site", cache_dir=cache))


def test_the_score_is_the_input_of_a_final_softmax_layer():
    import tensorflow as tf

    from generator.figures.attribution import Scorer, vanilla_gradients

    keras = tf.keras
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
                              keras.layers.Dense(3), keras.layers.Softmax()])
    images = np.random.default_rng(1).uniform(0, 255, (2, 8, 8, 1)).astype("float32")
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model.layers[2](model.layers[1](model.layers[0](x)))
        score = tf.reduce_sum(tf.gather(logits, [0, 2], batch_dims=1))
    scorer = Scorer(model)
    assert scorer.score_kind == "logit"
    assert relative_error(vanilla_gradients(scorer, images, np.array([0, 2])), tape.gradient(score, x).numpy()) \
        < RELATIVE


def test_a_model_loaded_from_a_file_without_a_data_set(site_source):
    source, cache = site_source
    stage, _ = run_stage(source, cache, "")
    keras_model(stage).save(source / "tiny-copy.keras")
    (source / "_models" / "bare.yml").write_text("load: tiny-copy.keras\n")
    circle = f"class {stage.store.record('tiny')['class_names'].index('circle')}"
    stage, result = run_stage(source, cache, block(kind="grad-cam", id="bare", model="bare",
                                                   probe="probes/circle.png", classes=["predicted", circle]))
    trained, _ = run_stage(source, cache, block(kind="grad-cam", id="same", model="tiny", probe="probes/circle.png",
                                                classes=["predicted", "circle"]))
    np.testing.assert_allclose(figure_data(stage, result, "bare")["raw"],
                               figure_data(trained, trained.result(), "same")["raw"], rtol=1e-6)
    assert result.context["figures"]["bare"].classes == [[result.context["figures"]["bare"].predicted[0], circle]]


def test_a_layer_inside_a_nested_model_by_its_path():
    import tensorflow as tf

    from generator.figures.attribution import Scorer, filter_patterns, grad_cam

    keras = tf.keras
    base = keras.Sequential([keras.Input((10, 10, 8)), keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
                             keras.layers.Conv2D(4, 3, activation="relu", name="c2")], name="base")
    model = keras.Sequential([keras.Input((10, 10, 1)), keras.layers.Conv2D(8, 1, name="stem"), base,
                              keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
    images = np.random.default_rng(2).uniform(0, 255, (2, 10, 10, 1)).astype("float32")
    classes = np.array([1, 2])
    features = base.get_layer("c1")(model.get_layer("stem")(images))
    with tf.GradientTape() as tape:
        tape.watch(features)
        hidden = model.layers[-2](base.get_layer("c2")(features))
        logits = hidden @ model.layers[-1].kernel + model.layers[-1].bias
        score = tf.reduce_sum(tf.gather(logits, classes, batch_dims=1))
    grads = tape.gradient(score, features).numpy()
    expected = np.maximum((features.numpy() * grads.mean(axis=(1, 2))[:, None, None, :]).sum(-1), 0)
    scorer = Scorer(model)
    assert relative_error(grad_cam(scorer, "base/c1", images, classes), expected) < RELATIVE
    patterns = filter_patterns(scorer, "base/c2", [0, 3], (10, 10, 1), steps=4, step_size=8.0, jitter=1, blur=0.5,
                               blur_every=2, seed=0, start=(0.0, 32.0))
    assert patterns.images.shape == (2, 10, 10, 1)
