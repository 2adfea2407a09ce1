"""The claim tag in post bodies, on a real tiny model: a true claim prints its sentence, a false one stops the build."""

from __future__ import annotations

import shutil

import pytest

from generator.models.store import ModelStore

pytestmark = pytest.mark.slow

# Trains in about a second; its sgd variant trains one epoch less than the base model.
TINY = """\
dataset: {name: shapes, image_size: [8, 8], per_class: 12, test_per_class: 4, validation_split: 0.25, seed: 3}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Conv2D: {filters: 3, kernel_size: 3, activation: relu}
  - Flatten
  - Dense: {units: 3, activation: softmax}
compile: {optimizer: adam, loss: sparse_categorical_crossentropy, metrics: [accuracy]}
fit: {epochs: 3, batch_size: 8}
checkpoint: {monitor: val_accuracy}
seed: 11
variants:
  sgd: {compile: {optimizer: sgd}, fit: {epochs: 2}}
"""

TRUE_CLAIMS = """\
---
title: Claims
---
Intro.

{% claim models["tiny:sgd"].epochs < models.tiny.epochs %}The SGD copy trained for fewer epochs.{% endclaim %}
{% claim models.tiny.variants.sgd.params == models.tiny.params
   and not (models.tiny.params < 1) %}Both have the same parameters.{% endclaim %}
{% claim models.tiny.best_epoch <= models.tiny.epochs
   %}Best epoch {{ models.tiny.best_epoch }} of {{ models.tiny.epochs }}.{% endclaim %}
Silent check:{% claim models.tiny.metrics.test_accuracy >= 0 %}{% endclaim %} done.
Accuracy {{ models.tiny.metrics.test_accuracy | percent: 2 }},
{{ models.tiny.params | times: 1000 | thousands }} weights.
"""


@pytest.fixture(scope="module")
def trained_cache(tmp_path_factory):
    """The tiny model and its sgd variant trained once; each test's blog starts with a copy of this cache."""
    source = tmp_path_factory.mktemp("claims")
    (source / "_models").mkdir()
    (source / "_models" / "tiny.yml").write_text(TINY)
    store = ModelStore(source, source / ".layerpress-cache", quiet=True)
    for ref in ("tiny", "tiny:sgd"):
        store.record(ref)
    return source / ".layerpress-cache"


@pytest.fixture
def write_blog(blog, trained_cache):
    def write(post: str) -> None:
        blog.config("title: claims\n")
        blog.write("_models/tiny.yml", TINY)
        blog.write("_posts/2026-01-01-claims.md", post)
        shutil.copytree(trained_cache, blog.source / ".layerpress-cache")
    return write


def test_true_claims_print_their_sentences(blog, write_blog):
    write_blog(TRUE_CLAIMS)

    assert blog.build() == 0

    record = ModelStore(blog.source, blog.source / ".layerpress-cache").record("tiny")
    html = blog.read("2026/01/01/claims.html")
    assert "The SGD copy trained for fewer epochs." in html
    assert "Both have the same parameters." in html
    assert f"Best epoch {record['best_epoch']} of {record['epochs']}." in html
    assert "Silent check: done." in html
    assert f"Accuracy {record['metrics']['test_accuracy'] * 100:.2f}%,\n{record['params'] * 1000:,} weights." in html


def test_a_false_claim_stops_the_build_at_its_line(blog, write_blog, capsys):
    post = TRUE_CLAIMS.replace("Intro.", "Intro.\n\nThe {% claim models.tiny.params > models['tiny:sgd'].params\n"
                                         "   %}base model is bigger{% endclaim %} one.")
    write_blog(post)

    assert blog.build() == 1

    claim_line = post.splitlines().index("Intro.") + 3
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"error: blog/_posts/2026-01-01-claims.md:{claim_line}: "
                            "claim is false: \"base model is bigger\" (the models changed")
    assert len(error.splitlines()) == 1
    assert not blog.dest.exists()


def test_a_false_claim_after_a_figure_block_names_its_own_line(blog, write_blog, capsys):
    post = TRUE_CLAIMS + "\n```figure\nkind: summary\nmodel: tiny\ncaption: >-\n  The layers.\n```\n\n" \
        "After the figure: {% claim models.tiny.epochs > 10 %}it trained long{% endclaim %}\n"
    write_blog(post)

    assert blog.build() == 1

    error = capsys.readouterr().err
    assert f"claims.md:{len(post.splitlines())}: claim is false: \"it trained long\"" in error, error


def test_a_false_call_block_claim_names_its_sentence(blog, write_blog, capsys):
    post = TRUE_CLAIMS + ("\n{% claim models.tiny.epochs < models['tiny:sgd'].epochs %}"
                          "Training *longer* ({{ models.tiny.epochs }} epochs) lost.{% endclaim %}\n")
    write_blog(post)

    assert blog.build() == 1

    line = len(post.splitlines())
    error = capsys.readouterr().err
    assert f"claims.md:{line}: claim is false: \"Training *longer* (3 epochs) lost.\"" in error


@pytest.mark.parametrize("expression, message", [
    ("{% claim models.tiny.params %}a number is no claim{% endclaim %}",
     "claim needs a comparison as its condition, not int"),
    ("{% claim models.tiny.metrics.test_acuracy > 0.5 %}typo{% endclaim %}",
     "models.tiny.metrics has no 'test_acuracy'"),
    ("{% claim models['tiny:adam'].params > 0 %}no such variant{% endclaim %}", "model 'tiny' has no variant 'adam'"),
    ("{{ models.tiny.metrics.test_acuracy | percent }}", "models.tiny.metrics has no 'test_acuracy'"),
])
def test_a_wrong_claim_is_a_one_line_error_at_its_line(blog, write_blog, capsys, expression, message):
    post = TRUE_CLAIMS + "\nLast: " + expression + "\n"
    write_blog(post)

    assert blog.build() == 1

    error = capsys.readouterr().err.strip()
    assert f"claims.md:{len(post.splitlines())}: " in error and message in error, error
    assert len(error.splitlines()) == 1
