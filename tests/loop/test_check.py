"""`layerpress check`: a real tiny model trained twice (the build, then from scratch) and one figure."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_blog

from generator.build import BuildOptions, build
from generator.cache import Store
from generator.check import check
from generator.lockfile import OUTPUT_DRIFTED, lock_path, record_build
from generator.models.store import MODEL_FILE, RECORD_FILE, ModelStore

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

TINY_MODEL = """\
dataset: {name: shapes, image_size: [12, 12], per_class: 12, validation_split: 0.25, seed: 3}
layers:
  - Conv2D: {filters: 4, kernel_size: 3, activation: relu}
  - Flatten
  - Dense: {units: 3, activation: softmax}
compile: {optimizer: adam, loss: categorical_crossentropy, metrics: [accuracy]}
fit: {epochs: 1, batch_size: 8}
seed: 5
"""

POST = """\
---
title: Kernels
---
The kernels of a tiny model.

```figure
id: kernels
kind: filters
model: tiny
caption: The four kernels.
```
"""


@pytest.fixture(scope="module")
def built_blog(tmp_path_factory) -> Path:
    """A blog with one tiny model and one figure, built once; tests copy it."""
    blog = make_blog(tmp_path_factory.mktemp("check") / "blog")
    (blog / "_models").mkdir()
    (blog / "_models" / "tiny.yml").write_text(TINY_MODEL)
    (blog / "_posts" / "2026-01-02-kernels.md").write_text(POST)
    build(BuildOptions(source=blog, dest=blog.parent / "site", quiet=True))
    return blog


@pytest.fixture
def blog(built_blog, tmp_path) -> Path:
    shutil.copytree(built_blog.parent, tmp_path / "copy")
    return tmp_path / "copy" / "blog"


def figure_file(blog: Path, suffix: str) -> Path:
    return blog.parent / "site" / "figures" / "kernels" / f"kernels.{suffix}"


def test_clean_build_checks_clean(blog):
    report = check(blog, blog.parent / "site")
    assert report.drifts == [] and report.notes == []
    assert (report.figures, report.models) == (2, 2)   # the figure and the model's explorer; tiny, tiny:untrained


def test_tampered_figure_is_an_output_drift(blog):
    png = figure_file(blog, "png")
    png.write_bytes(png.read_bytes()[:-1] + b"\x00")
    report = check(blog, blog.parent / "site")
    assert [(d.name, d.what, d.detail) for d in report.drifts] == [
        ("kernels", OUTPUT_DRIFTED, "figures/kernels/kernels.png")]
    assert report.drifts[0].where.endswith("_posts/2026-01-02-kernels.md:6")


def test_changed_cached_weights_are_an_output_drift(blog, tmp_path):
    """The cache holds other weights under the same key (as a non-deterministic training would):
    the figures drawn from them differ from a training from scratch."""
    import keras

    cache = blog / ".layerpress-cache"
    store = ModelStore(blog, cache, quiet=True)
    key, entry = store.cache_key("tiny"), store.publish_path("tiny").parent
    model = keras.saving.load_model(entry / MODEL_FILE)
    conv = model.layers[0]
    conv.kernel.assign(-conv.kernel.numpy())
    model.save(tmp_path / "other.keras")
    record = (entry / RECORD_FILE).read_text()
    models = Store(cache / "models")
    models.remove(key)
    models.put(key, lambda folder: (shutil.copy(tmp_path / "other.keras", folder / MODEL_FILE),
                                    (folder / RECORD_FILE).write_text(record)))
    shutil.rmtree(cache / "figures")
    build(BuildOptions(source=blog, dest=blog.parent / "site", quiet=True))

    report = check(blog, blog.parent / "site")
    assert {(d.name, d.what) for d in report.drifts} == {("kernels", OUTPUT_DRIFTED)}
    assert "figures/kernels/kernels.npz" in report.drifts[0].detail


def test_other_metrics_in_the_cache_are_a_drift(blog):
    cache = blog / ".layerpress-cache"
    store = ModelStore(blog, cache, quiet=True)
    key, entry = store.cache_key("tiny"), store.publish_path("tiny").parent
    record = json.loads((entry / RECORD_FILE).read_text())
    record["metrics"]["test_accuracy"] = 2.0
    model_bytes = (entry / MODEL_FILE).read_bytes()
    models = Store(cache / "models")
    models.remove(key)
    models.put(key, lambda folder: ((folder / MODEL_FILE).write_bytes(model_bytes),
                                    (folder / RECORD_FILE).write_text(json.dumps(record))))
    report = check(blog, blog.parent / "site")
    (drift,) = report.drifts
    assert (drift.name, drift.what) == ("tiny", "metrics drifted")
    assert drift.detail.startswith("test_accuracy 2.0 -> ")
    assert drift.where.endswith("_models/tiny.yml")


def test_lock_tells_output_drift_from_changed_inputs(blog):
    record_build(blog, build(BuildOptions(source=blog, dest=blog.parent / "site", quiet=True)).figures)
    lock = json.loads(lock_path(blog).read_text())
    (entry,) = [entry for entry in lock["figures"] if entry["id"] == "kernels"]
    entry["outputs"]["figures/kernels/kernels.png"] = "0" * 64   # as if another machine drew other bytes
    lock_path(blog).write_text(json.dumps(lock))
    report = check(blog, blog.parent / "site")
    assert [(d.name, d.what, d.detail) for d in report.drifts] == [
        ("kernels", OUTPUT_DRIFTED, "differs from figures.lock: figures/kernels/kernels.png")]

    entry["input_key"] = "an older spec"
    lock_path(blog).write_text(json.dumps(lock))
    report = check(blog, blog.parent / "site")
    assert report.drifts == []
    assert [str(note) for note in report.notes] == [
        "figure 'kernels' in _posts/2026-01-02-kernels.md: inputs changed"]


def test_cli_prints_the_table_and_exits_1_naming_the_figure(blog):
    npz = figure_file(blog, "npz")
    npz.write_bytes(npz.read_bytes() + b"\x00")
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--source", "blog", "--dest", "site"],
                            cwd=blog.parent, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["figure", "/", "model", "where", "what"]
    assert lines[1].split() == ["kernels", "blog/_posts/2026-01-02-kernels.md:6", "output", "drifted",
                                "(figures/kernels/kernels.npz)"]
    assert lines[2] == "1 drifted, checking 2 figures and 2 models"


def test_cli_says_everything_reproduced(blog):
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--source", "blog", "--dest", "site"],
                            cwd=blog.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2 figures and 2 models reproduced exactly\n"


def test_missing_build_is_a_one_line_error(tmp_path):
    blog = make_blog(tmp_path / "blog")
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--source", "blog", "--dest", "site"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == "error: no build to check: 'site/figures.json' is missing (run `layerpress build` first)\n"
    assert blog.is_dir()
