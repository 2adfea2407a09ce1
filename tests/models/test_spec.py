"""Every bad-spec message, exactly as the user sees it (`file:line: message (hint)`)."""

import pytest

from generator.errors import LayerpressError
from generator.models.spec import check_with_keras, read_spec
from generator.models.store import ModelStore

DATASET = "dataset: {name: shapes, image_size: [8, 8], per_class: 4, validation_split: 0.25}\n"
LAYERS = "layers:\n  - Flatten\n  - Dense: {units: 3, activation: softmax}\n"


def spec_error(tmp_path, monkeypatch, text: str, ref: str = "m") -> str:
    """The one-line error for a spec `text`, from the cheap check or else from the Keras check."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "_models").mkdir(exist_ok=True)
    (tmp_path / "_models" / "m.yml").write_text(text)
    name, _, variant = ref.partition(":")
    with pytest.raises(LayerpressError) as error:
        check_with_keras(read_spec(tmp_path / "_models" / "m.yml", tmp_path, variant or None))
    return str(error.value)


CHEAP = [
    (DATASET + "layer:\n  - Flatten\n", ("m.yml:2: unknown key 'layer' (did you mean 'layers'? "
                                         "keys: application, arguments, checkpoint, classes, compile, dataset, "
                                         "description, explorer_budget, fit, input_shape, layers, load, preprocess, "
                                         "publish, seed, variants, weights)")),
    (DATASET, "m.yml:1: a model spec needs one of 'layers', 'load' or 'application'"),
    ("- just\n- a list\n", "m.yml:1: a model spec must be a mapping (dataset, layers, compile, fit, ...)"),
    (DATASET + "layers: [Flatten\n", "m.yml:3: malformed YAML: did not find expected ',' or ']' "
                                         "(check the indentation and quote values that contain ': ')"),
    ("dataset:\n  name: shapes\n  per_clas: 3\n" + LAYERS,
     ("m.yml:3: dataset: unknown key 'per_clas' (did you mean 'per_class'? "
      "keys: background, classes, clutter, color_mode, contrast, filled, foreground, image_size, name, noise, "
      "occlusion, per_class, rotate, seed, size, stroke_width, test_per_class, validation_split, wobble)")),
    ("dataset:\n  name: shapes\n  clutter: 3\n  noise: 2\n" + LAYERS,
     "m.yml:4: dataset: 'noise' must be a number from 0 to 1, not 2"),
    ("dataset: {name: fashion_mnist}\n" + LAYERS,
     "m.yml:1: dataset: unknown data set 'fashion_mnist' (did you mean 'fashion-mnist'?)"),
    (LAYERS, "m.yml:1: a model with 'layers' needs a 'dataset' to train on"),
    (DATASET + LAYERS + "fit:\n  epochs: ten\n", "m.yml:6: 'fit.epochs' must be a positive integer, not 'ten'"),
    (DATASET + LAYERS + "fit: {epochz: 3}\n", ("m.yml:5: unknown key 'fit.epochz' (did you mean 'epochs'? "
                                               "keys: batch_size, epochs)")),
    (DATASET + LAYERS + "seed: 1.5\n", "m.yml:5: 'seed' must be an integer, not 1.5"),
    (DATASET + LAYERS + "compile:\n  loss: mse\n  optimizer: [adam]\n",
     "m.yml:7: 'compile.optimizer' must be a name or a Keras config mapping, not ['adam']"),
    (DATASET + "layers:\n  - Flatten\n  - {Dense: 3, Dropout: 0.5}\n",
     "m.yml:4: a layer must be a class name or one 'Class: arguments' pair "
     "(e.g. '- Flatten' or '- Conv2D: {filters: 8, kernel_size: 3}')"),
    ("dataset: {name: shapes}\n" + LAYERS + "checkpoint: {monitor: val_accuracy}\n",
     "m.yml:5: checkpoint.monitor 'val_accuracy' needs a validation split "
     "(set dataset.validation_split, or monitor 'loss')"),
    (DATASET + "load: model.keras\n", "m.yml:2: load: file model.keras not found (paths are relative to .)"),
    (DATASET + LAYERS + "variants:\n  untrained: {fit: {epochs: 1}}\n",
     "m.yml:6: variant name 'untrained' is built in"),
]


@pytest.mark.parametrize("text, expected", CHEAP)
def test_structural_errors(tmp_path, monkeypatch, text, expected):
    assert spec_error(tmp_path, monkeypatch, text) == "_models/" + expected


def test_variant_errors(tmp_path, monkeypatch):
    text = DATASET + LAYERS + "variants:\n  sgd: {compile: {optimizer: sgd}}\n  slow:\n    fitt: {epochs: 1}\n"
    assert spec_error(tmp_path, monkeypatch, text, "m:sdg") == \
        "_models/m.yml:5: model 'm' has no variant 'sdg' (did you mean 'sgd'?)"
    assert spec_error(tmp_path, monkeypatch, text, "m:slow") == \
        ("_models/m.yml:8: unknown key 'variants.slow.fitt' (did you mean 'fit'? "
         "keys: application, arguments, checkpoint, classes, compile, dataset, description, explorer_budget, "
         "fit, input_shape, layers, load, preprocess, publish, seed, weights)")


KERAS = [
    ("  - Conv2d: {filters: 2, kernel_size: 3}\n", "m.yml:3: unknown layer 'Conv2d' (did you mean 'Conv2D'?)"),
    ("  - Conv2D:\n      filters: 2\n      kernel_sise: 3\n",
     "m.yml:5: Conv2D: unknown argument 'kernel_sise' (did you mean 'kernel_size'?)"),
    ("  - Conv2D: {filters: '2', kernel_size: 3}\n", "m.yml:3: Conv2D: argument 'filters' must be an integer, not '2'"),
    ("  - Conv2D: {filters: 2, kernel_size: 3, use_bias: 1}\n",
     "m.yml:3: Conv2D: argument 'use_bias' must be true or false, not 1"),
    ("  - Conv2D: {filters: 2}\n", "m.yml:3: Conv2D: missing argument 'kernel_size'"),
    ("  - Dropout: 1.5\n", "m.yml:3: Dropout: Invalid value received for argument `rate`. "
                           "Expected a float value between 0 and 1. Received: rate=1.5"),
    ("  - Dense: {units: 3, name: out, dtypo: float32}\n",
     "m.yml:3: Dense: unknown argument 'dtypo' (did you mean 'dtype'?)"),
]


@pytest.mark.parametrize("layer, expected", KERAS)
def test_layer_errors_checked_with_keras(tmp_path, monkeypatch, layer, expected):
    assert spec_error(tmp_path, monkeypatch, DATASET + "layers:\n" + layer) == "_models/" + expected


def test_optimizer_and_loss_errors(tmp_path, monkeypatch):
    assert spec_error(tmp_path, monkeypatch, DATASET + LAYERS + "compile:\n  optimizer: adamm\n") == (
        "_models/m.yml:6: compile.optimizer: Could not interpret optimizer identifier: adamm (did you mean 'adam'?)")
    assert spec_error(tmp_path, monkeypatch, DATASET + LAYERS + "compile: {loss: sparse_categorical_crossentropi}\n") \
        == ("_models/m.yml:5: compile.loss: unknown loss 'sparse_categorical_crossentropi' "
            "(did you mean 'sparse_categorical_crossentropy'?)")


def test_valid_forms_pass(tmp_path, monkeypatch):
    text = ("dataset: {name: shapes, image_size: [8, 8], per_class: 4, validation_split: 0.25, seed: 2}\n"
            "layers:\n  - Rescaling: {scale: 0.00392156862745098}\n  - Conv2D: {filters: 2, kernel_size: 3}\n"
            "  - MaxPooling2D: 2\n  - Dropout: 0.5\n  - Flatten\n  - Dense: {units: 3, activation: softmax}\n"
            "compile:\n  optimizer:\n    class_name: Adam\n    config:\n      learning_rate:\n"
            "        class_name: ExponentialDecay\n"
            "        config: {initial_learning_rate: 0.01, decay_steps: 10, decay_rate: 0.9}\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "_models").mkdir()
    (tmp_path / "_models" / "m.yml").write_text(text)
    spec = read_spec(tmp_path / "_models" / "m.yml", tmp_path)
    check_with_keras(spec)
    assert [layer.class_name for layer in spec.layers][2:4] == ["MaxPooling2D", "Dropout"]
    assert spec.layers[3].positional == (0.5,)
    assert spec.checkpoint == {"monitor": "val_loss", "mode": "min"}


def test_store_checks_every_model_before_training_any(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "_models").mkdir()
    (tmp_path / "_models" / "good.yml").write_text(DATASET + LAYERS)
    bad_layers = "layers:\n  - Flatten\n  - Dense: {units: 3, activaton: relu}\n"
    (tmp_path / "_models" / "bad.yml").write_text(DATASET + bad_layers)
    store = ModelStore(tmp_path, tmp_path / "cache")
    with pytest.raises(LayerpressError) as error:
        store.check(store.refs())
    assert str(error.value) == "_models/bad.yml:4: Dense: unknown argument 'activaton' (did you mean 'activation'?)"
    assert store.trainings == 0


def test_store_validates_before_training(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "_models").mkdir()
    (tmp_path / "_models" / "m.yml").write_text(DATASET + "layers:\n  - Flaten\n")
    store = ModelStore(tmp_path, tmp_path / "cache")
    with pytest.raises(LayerpressError) as error:
        store.record("m")
    assert str(error.value) == "_models/m.yml:3: unknown layer 'Flaten' (did you mean 'Flatten'?)"
    assert store.trainings == 0 and not (tmp_path / "cache" / "models" / ".work").exists()
    with pytest.raises(LayerpressError) as error:
        store.record("mm")
    assert str(error.value) == "unknown model 'mm' (did you mean 'm'?)"


def test_a_variant_equal_to_its_base_shares_the_base_cache_key(tmp_path, tiny_spec, make_blog):
    spec = tiny_spec + "  adam: {compile: {optimizer: adam}}\n"
    store = ModelStore(make_blog(tmp_path / "blog", {"tiny": spec}), tmp_path / "cache")
    assert store.cache_key("tiny:adam") == store.cache_key("tiny")
    assert store.cache_key("tiny:sgd") != store.cache_key("tiny")
    assert store.cache_key("tiny:untrained") != store.cache_key("tiny")
