"""The recipe figure: the model's Keras code (generator/models/recipe.py, which tests/models/test_recipe.py runs)
highlighted as fenced code, with the numbers a post quotes in its record; compare records each variant's."""

from __future__ import annotations

from pathlib import Path

import pytest
from figures_testkit import Doc

from generator.errors import LayerpressError
from generator.figures.stage import FigureStage
from generator.models.store import ModelStore

SPEC = """\
dataset: {name: shapes, image_size: [8, 8], per_class: 6, test_per_class: 2, validation_split: 0.25, seed: 3}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Flatten
  - Dense: {units: 3, activation: softmax}
compile: {optimizer: {class_name: SGD, config: {learning_rate: 0.05, momentum: 0.9}}}
fit: {epochs: 1, batch_size: 4}
variants:
  adagrad: {compile: {optimizer: adagrad}, fit: {batch_size: 2}}
"""
BLOCKS = """Text.

```figure
kind: recipe
id: the-recipe
model: tiny:adagrad
```

```figure
kind: compare
id: optimizers
model: tiny
variants: [base, adagrad]
```
"""


def blog(root: Path, specs: dict[str, str]) -> Path:
    (root / "_models").mkdir()
    for name, text in specs.items():
        (root / "_models" / f"{name}.yml").write_text(text)
    return root


def run_stage(source: Path, body: str) -> FigureStage:
    post = source / "_posts" / "2026-01-01-post.md"
    post.parent.mkdir(exist_ok=True)
    post.write_text("---\ntitle: t\n---\n" + body)
    cache = source / ".layerpress-cache"
    stage = FigureStage(ModelStore(source, cache), source, cache)
    stage.add_documents([Doc(post, body, body_line=4, slug="post")])
    stage.compute()
    return stage


def test_the_recipe_is_highlighted_code_and_records_the_settings(tmp_path):
    stage = run_stage(blog(tmp_path, {"tiny": SPEC}), BLOCKS)
    recipe, compare = (stage.meta(figure) for figure in stage.figures)
    html = recipe["table_html"]
    assert html.startswith('<div class="highlight"><pre><span></span><code>')
    assert '<span class="n">Adagrad</span><span class="p">(</span><span class="n">learning_rate</span>' in html
    assert recipe["record"] == {"optimizer": "Adagrad", "learning_rate": 0.001, "batch_size": 2, "epochs": 1}
    settings = {key: value for key, value in compare["record"].items() if key != "layout"}  # layout: its facts
    assert settings == {"base": {"optimizer": "SGD", "learning_rate": 0.05, "batch_size": 4, "epochs": 1},
                        "adagrad": recipe["record"]}


def test_a_model_without_declared_layers_has_no_recipe(tmp_path):
    import keras

    source = blog(tmp_path, {"saved": "load: tiny.keras\n"})
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(source / "tiny.keras")
    with pytest.raises(LayerpressError, match=r"post.md:\d+: model 'saved' has no declared layers"):
        run_stage(source, "Text.\n\n```figure\nkind: recipe\nmodel: saved\n```\n")
