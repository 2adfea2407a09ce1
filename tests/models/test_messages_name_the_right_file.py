"""Messages name the right file and line, and always carry a hint: a spec's mistake at the spec's line
whatever asks for it, Keras's own complaints with a did-you-mean, data-set mistakes before training."""

from __future__ import annotations

import pytest
from PIL import Image

from generator.build import BuildOptions, build
from generator.errors import LayerpressError
from generator.models.spec import check_with_keras, read_spec

DATASET = "dataset: {name: shapes, image_size: [8, 8], per_class: 4, validation_split: 0.25}\n"
LAYERS = "layers:\n  - Flatten\n  - Dense: {units: 3, activation: softmax}\n"


def keras_error(tmp_path, layers: str) -> str:
    (tmp_path / "_models").mkdir()
    (tmp_path / "_models" / "m.yml").write_text(DATASET + "layers:\n" + layers)
    with pytest.raises(LayerpressError) as raised:
        check_with_keras(read_spec(tmp_path / "_models" / "m.yml", tmp_path))
    return str(raised.value).removeprefix(str(tmp_path) + "/")


@pytest.mark.parametrize("layers, expected", [
    ("  - Flatten\n  - Dense:\n      units: 3\n      activation: rleu\n",
     "_models/m.yml:6: Dense: Could not interpret activation function identifier: rleu (did you mean 'relu'?)"),
    ("  - Conv2D: {filters: 2, kernel_size: 3, kernel_initializer: glorot_unifrom}\n",
     "_models/m.yml:3: Conv2D: Could not interpret initializer identifier: glorot_unifrom "
     "(did you mean 'glorot_uniform'?)"),
], ids=["activation", "initializer"])
def test_keras_argument_errors_get_a_did_you_mean_from_the_names_keras_accepts(tmp_path, layers, expected):
    assert keras_error(tmp_path, layers) == expected


def make_blog(tmp_path, spec: str, post_body: str):
    blog = tmp_path / "blog"
    (blog / "_models").mkdir(parents=True)
    (blog / "_posts").mkdir()
    (blog / "_config.yml").write_text("title: T\n")
    (blog / "_models" / "m.yml").write_text(spec)
    (blog / "_posts" / "2026-01-01-p.md").write_text(f"---\ntitle: P\n---\n{post_body}\n")
    return blog


def build_error(blog, tmp_path) -> str:
    with pytest.raises(LayerpressError) as raised:
        build(BuildOptions(source=blog, dest=tmp_path / "site"))
    return str(raised.value).removeprefix(str(blog) + "/")


COMPARE = "```figure\nkind: compare\nmodel: m\nvariants: [base, slow]\n```"


@pytest.mark.parametrize("variants, expected", [
    ("variants:\n  slow: {fit: {epochs: [2}}\n", "_models/m.yml:6: malformed YAML"),
    ("variants:\n  slow: {fit: {epochz: 2}}\n", "_models/m.yml:6: unknown key 'fit.epochz' (did you mean 'epochs'?"),
], ids=["YAML", "unknown key"])
def test_a_mistake_in_a_spec_is_reported_at_the_specs_line_when_a_figure_asks_for_a_variant(tmp_path, variants,
                                                                                             expected):
    blog = make_blog(tmp_path, DATASET + LAYERS + variants, COMPARE)
    assert build_error(blog, tmp_path).startswith(expected)


def test_a_variant_the_spec_lacks_is_the_posts_mistake(tmp_path):
    blog = make_blog(tmp_path, DATASET + LAYERS + "variants:\n  slow: {fit: {epochs: 2}}\n",
                     COMPARE.replace("slow]", "slwo]"))
    assert build_error(blog, tmp_path) == "_posts/2026-01-01-p.md:4: model 'm' has no variant 'slwo' " \
                                          "(did you mean 'slow'?)"


def folder_spec(path: str) -> str:
    return (f"dataset:\n  name: folder\n  path: {path}\n  image_size: [8, 8]\n  validation_split: 0.2\n" + LAYERS
            .replace("units: 3", "units: 2"))


def write_images(folder, count=10):
    folder.mkdir(parents=True)
    for index in range(count):
        Image.new("RGB", (8, 8), (index * 20, 0, 0)).save(folder / f"{index}.png")


def test_a_wrong_data_set_path_names_its_line_and_the_folders_there_are(tmp_path):
    blog = make_blog(tmp_path, folder_spec("_data/pets"), "{{ models.m.params }}")
    write_images(blog / "_data" / "pet" / "cats")
    assert build_error(blog, tmp_path) == (
        "_models/m.yml:3: dataset: folder _data/pets not found (did you mean 'pet'? path is relative to the "
        "blog folder; _data/ holds: pet)")


def test_a_folder_data_set_with_one_class_is_an_error_at_the_spec_before_training(tmp_path):
    blog = make_blog(tmp_path, folder_spec("_data/pets"), "{{ models.m.params }}")
    write_images(blog / "_data" / "pets" / "cats")
    assert build_error(blog, tmp_path) == (
        "_models/m.yml:1: dataset: only 1 class ('cats'): a classifier learns to tell two or more apart "
        "(add images of another class (folder: one sub-folder per class, or files named LABEL.N.jpg), or list "
        "two or more in 'classes')")
    assert not (blog / ".layerpress-cache" / "models").exists() or not any((blog / ".layerpress-cache" / "models")
                                                                           .rglob("*.keras"))


def test_a_spec_no_post_uses_is_checked_too(tmp_path):
    blog = make_blog(tmp_path, DATASET + LAYERS + "fitt: {epochs: 1}\n", "No figures, no numbers.")
    assert build_error(blog, tmp_path).startswith("_models/m.yml:5: unknown key 'fitt' (did you mean 'fit'?")
