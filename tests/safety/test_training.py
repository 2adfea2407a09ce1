"""Training that diverges, and specs that cannot train, stop the build with the spec's file:line."""

from __future__ import annotations

import pytest

from .conftest import png_bytes

SPEC = "blog/_models/net.yml"
TINY = """\
dataset: {name: shapes, image_size: [8, 8], per_class: 12, test_per_class: 4, validation_split: 0.25, seed: 3}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Flatten
  - Dense: {units: 3}
compile: {optimizer: {class_name: SGD, config: {learning_rate: 1.0e+30}}, loss: mean_squared_error}
fit: {epochs: 3, batch_size: 8}
seed: 11
"""


def use_model(blog, spec: str) -> None:
    blog.write("_models/net.yml", spec)
    blog.post("The network has {{ models.net.params }} parameters.\n")


def test_nan_loss_stops_the_build_naming_spec_and_epoch(blog):
    use_model(blog, TINY)
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, f"error: {SPEC}:6: training net diverged: loss is inf at epoch 1 "
                      "(lower the learning rate, or check the data and the loss)", before)
    models = blog.source / ".layerpress-cache" / "models"
    assert [p for p in models.rglob("*") if p.is_file()] == []  # no entry, no half entry, no checkpoints
    assert blog.build().status == 1  # and it does not come back cached


BAD_SPECS = {
    "zero epochs": (TINY.replace("epochs: 3", "epochs: 0"), "7: 'fit.epochs' must be a positive integer, not 0"),
    "negative batch size": (TINY.replace("batch_size: 8", "batch_size: -8"),
                            "7: 'fit.batch_size' must be a positive integer, not -8"),
    "zero units": (TINY.replace("units: 3", "units: 0"), "5: Dense: argument 'units' must be positive, not 0"),
    "zero kernel size": (TINY.replace("  - Flatten\n", "  - Conv2D: {filters: 2, kernel_size: [0, 3]}\n  - Flatten\n"),
                         "4: Conv2D: argument 'kernel_size' must be positive, not [0, 3]"),
    "positional zero size": (TINY.replace("Dense: {units: 3}", "Dense: 0"),
                             "5: Dense: its size must be positive, not 0"),
    "zero image size": (TINY.replace("image_size: [8, 8]", "image_size: [0, 8]"),
                        "1: dataset: 'image_size' must be [height, width] with positive integers, not [0, 8]"),
    "zero images per class": (TINY.replace("per_class: 12", "per_class: 0"),
                              "1: dataset: 'per_class' must be a positive integer, not 0"),
}


@pytest.mark.parametrize("spec, message", BAD_SPECS.values(), ids=BAD_SPECS.keys())
def test_impossible_specs_are_spec_errors(blog, spec, message):
    use_model(blog, spec)
    before = blog.everything()
    blog.refuses(blog.build(), f"error: {SPEC}:{message}", before)


def test_a_loaded_model_with_nan_weights_draws_no_figure(blog):
    import numpy as np

    from generator.models.backend import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="conv2d")])
    model.set_weights([np.full(w.shape, np.nan, dtype="float32") for w in model.get_weights()])
    model.save(blog.source / "broken.keras")
    blog.write("_models/net.yml", "load: broken.keras\n")
    blog.write("probes/x.png", png_bytes(mode="L", size=(8, 8), color=9))
    blog.post("```figure\nkind: activations\nmodel: net\nprobe: probes/x.png\nlayers: [conv2d]\n```\n")
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, "blog/_posts/2020-01-02-hostile.md:4: the activations figure's", before)
    assert "holds NaN or infinite values from net" in run.err
    figures = blog.source / ".layerpress-cache" / "figures"
    assert not any(p.name == "figure.png" for p in figures.rglob("*"))
