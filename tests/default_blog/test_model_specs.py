"""The default blog's model specs, read and built by the project's own spec loader (no training here)."""

import math
import re

import pytest

from default_blog.blog_paths import CONTENT, MODELS
from generator.models.build import build_model
from generator.models.spec import UNTRAINED, check_with_keras, make_optimizer, read_spec

SPEC_FILES = sorted(MODELS.glob("*.yml"))


def input_shape(spec) -> tuple:
    options = spec.dataset
    height, width = options["image_size"] or (28, 28)
    return height, width, 3 if options["color_mode"] == "rgb" else 1


def test_the_four_posts_models_are_there():
    assert [path.stem for path in SPEC_FILES] == ["conv_cnn", "dense_mlp", "fashion_vgg", "shapes_cnn"]


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda path: path.stem)
def test_spec_and_every_variant_pass_the_keras_check(path):
    spec = read_spec(path, CONTENT)
    for variant in [None, UNTRAINED, *spec.variants]:
        check_with_keras(read_spec(path, CONTENT, variant))


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda path: path.stem)
def test_parameter_count_in_the_header_comment_is_the_models(path):
    stated = re.search(r"([\d,]+) parameters", path.read_text())
    spec = read_spec(path, CONTENT)
    model = build_model(spec, input_shape(spec))
    assert int(stated.group(1).replace(",", "")) == model.count_params()


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda path: path.stem)
def test_validation_accuracy_picks_the_kept_epoch(path):
    assert read_spec(path, CONTENT).checkpoint == {"monitor": "val_accuracy", "mode": "max"}


def test_fashion_learning_rate_decays_to_zero_exactly_at_the_last_step():
    import keras

    spec = read_spec(MODELS / "fashion_vgg.yml", CONTENT)
    dataset, fit = spec.dataset, spec.fit
    train = dataset["train_examples"] - round(dataset["train_examples"] * dataset["validation_split"])
    steps = math.ceil(train / fit["batch_size"]) * fit["epochs"]
    optimizer = make_optimizer(spec.compile["optimizer"])
    schedule = keras.optimizers.schedules.deserialize(optimizer.get_config()["learning_rate"])
    assert type(schedule).__name__ == "CosineDecay"
    assert schedule.decay_steps == steps
    assert float(schedule(steps - 1)) > 0 and float(schedule(steps)) == 0


def test_dense_mlp_compares_three_optimizers():
    path = MODELS / "dense_mlp.yml"
    kinds = {variant: type(make_optimizer(read_spec(path, CONTENT, variant).compile["optimizer"])).__name__
             for variant in read_spec(path, CONTENT).variants}
    assert kinds == {"sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad"}


def test_dense_mlp_hidden_layers_reshape_to_rgb_images():
    spec = read_spec(MODELS / "dense_mlp.yml", CONTENT)
    units = [layer.args["units"] for layer in spec.layers if layer.class_name == "Dense"][:-1]
    assert units == [768, 384] and all(n % 3 == 0 for n in units)
    assert input_shape(spec) == (32, 32, 3)
