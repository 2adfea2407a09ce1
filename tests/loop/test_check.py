"""`layerpress check`: a real tiny model trained twice (the build, then from scratch) and one figure,
compared by meaning: accuracy and loss per model, arrays and pixels per figure, within tolerances."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from freeze.blogkit import TINY_SPEC
from generator.destination import MARKER
from .conftest import make_blog

from generator.build import BuildOptions, build
from generator.cache import Store
from generator.check import check
from generator.freeze import FrozenResults
from generator.models.store import MODEL_FILE, RECORD_FILE, ModelStore

pytestmark = pytest.mark.slow

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
    (blog / "_models" / "tiny.yml").write_text(TINY_SPEC)
    (blog / "_posts" / "2026-01-02-kernels.md").write_text(POST)
    build(BuildOptions(source=blog, dest=blog.parent / "site"))
    return blog


@pytest.fixture
def blog(built_blog, tmp_path) -> Path:
    shutil.copytree(built_blog.parent, tmp_path / "copy")
    return tmp_path / "copy" / "blog"


def figure_file(blog: Path, suffix: str) -> Path:
    return blog.parent / "site" / "figures" / "kernels" / f"kernels.{suffix}"


def test_clean_build_checks_clean_and_byte_identical(blog):
    report = check(blog, blog.parent / "site")
    # the explorer page of the published model counts as a figure, and it shows tiny:untrained too
    assert [(c.name, c.what, c.passed) for c in report.comparisons] == [
        ("tiny", "model", True), ("tiny:untrained", "model", True), ("explore-tiny", "figure", True),
        ("kernels", "figure", True)]
    assert (report.figures, report.models) == (2, 2)
    model, _, _, figure = report.comparisons
    assert "(+0.00 points)" in model.measured and "(+0.0000)" in model.measured
    assert figure.measured == "arrays: largest |difference| 0 (0.00% of range), pixels changed 0.00%"


def redraw_png(path: Path, share: float) -> None:
    """Invert the top `share` of the image's rows, as a differently trained model would draw other pixels."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("RGB")).copy()
    rows = round(pixels.shape[0] * share)
    pixels[:rows] = 255 - pixels[:rows]
    Image.fromarray(pixels).save(path)


def test_a_figure_with_other_pixels_is_outside_tolerance(blog):
    redraw_png(figure_file(blog, "png"), 0.5)
    report = check(blog, blog.parent / "site")
    (failure,) = report.failures
    assert (failure.name, failure.what) == ("kernels", "figure")
    assert failure.where.endswith("_posts/2026-01-02-kernels.md:6")
    (reason,) = failure.failures
    assert reason.endswith("of pixels changed > 10.00%") and float(reason.split("%")[0]) > 10


def test_changed_cached_weights_put_the_figure_outside_tolerance(blog, tmp_path):
    """The cache holds other weights under the same key (as a training elsewhere would):
    the figure drawn from them differs from a training from scratch by more than the tolerance."""
    import keras

    cache = blog / ".layerpress-cache"
    store = ModelStore(blog, cache)
    key, entry = store.cache_key("tiny"), store.publish_path("tiny").parent
    model = keras.saving.load_model(entry / MODEL_FILE, compile=False)
    conv = model.layers[0]
    conv.kernel.assign(-conv.kernel.numpy())
    model.save(tmp_path / "other.keras")
    record = (entry / RECORD_FILE).read_text()
    models = Store(cache / "models")
    models.remove(key)
    models.put(key, lambda folder: (shutil.copy(tmp_path / "other.keras", folder / MODEL_FILE),
                                    (folder / RECORD_FILE).write_text(record)))
    shutil.rmtree(cache / "figures")
    build(BuildOptions(source=blog, dest=blog.parent / "site"))

    report = check(blog, blog.parent / "site")
    assert [(c.name, c.what) for c in report.failures] == [("kernels", "figure")]
    assert report.failures[0].failures[0].startswith("arrays differ by ")


def tamper_accuracy(blog: Path, value: float) -> None:
    cache = blog / ".layerpress-cache"
    store = ModelStore(blog, cache)
    key, entry = store.cache_key("tiny"), store.publish_path("tiny").parent
    record = json.loads((entry / RECORD_FILE).read_text())
    record["metrics"]["test_accuracy"] = value
    model_bytes = (entry / MODEL_FILE).read_bytes()
    models = Store(cache / "models")
    models.remove(key)
    models.put(key, lambda folder: ((folder / MODEL_FILE).write_bytes(model_bytes),
                                    (folder / RECORD_FILE).write_text(json.dumps(record))))


def test_other_accuracy_in_the_cache_is_outside_tolerance(blog):
    tamper_accuracy(blog, 2.0)
    report = check(blog, blog.parent / "site")
    (failure,) = report.failures
    assert (failure.name, failure.what) == ("tiny", "model")
    assert failure.measured.startswith("test accuracy 200.00% -> ")
    assert failure.failures[0].startswith("accuracy changed -1") and failure.failures[0].endswith("> 1 point")
    assert failure.where.endswith("_models/tiny.yml")


def test_tolerances_come_from_the_config(blog):
    tamper_accuracy(blog, 2.0)
    config = blog / "_config.yml"
    config.write_text(config.read_text() + "layerpress:\n  check: {accuracy: 2.5}\n")
    report = check(blog, blog.parent / "site")
    assert report.reproduced and report.tolerances["accuracy"] == 2.5


def test_frozen_results_are_what_check_compares_with(blog):
    """With _freeze/, the published numbers are the frozen ones, whatever the local cache holds."""
    subprocess.run([sys.executable, "-m", "generator", "freeze", "--source", "blog", "--quiet"], cwd=blog.parent,
                   check=True)
    frozen = FrozenResults(blog)
    store = ModelStore(blog, blog / ".layerpress-cache", frozen=frozen)
    key, entry = store.input_key("tiny"), store.frozen_entry("tiny")
    record = json.loads((entry / RECORD_FILE).read_text())
    record["metrics"]["test_loss"] += 0.5
    model_bytes = (entry / MODEL_FILE).read_bytes()
    frozen.models.put(key, lambda folder: ((folder / MODEL_FILE).write_bytes(model_bytes),
                                           (folder / RECORD_FILE).write_text(json.dumps(record))))
    report = check(blog, blog.parent / "site")
    (failure,) = report.failures
    assert failure.name == "tiny" and failure.failures == ("loss changed -0.5000 > 0.05",)


def test_cli_prints_the_table_and_exits_1_naming_the_figure_and_the_numbers(blog):
    import numpy as np

    npz = figure_file(blog, "npz")
    with np.load(npz) as arrays:
        changed = {name: arrays[name] * 2 + 1 for name in arrays.files}
    np.savez(npz, **changed)
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--source", "blog", "--dest", "site"],
                            cwd=blog.parent, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["model", "/", "figure", "where", "measured", "verdict"]
    assert lines[1].split()[:2] == ["tiny", "blog/_models/tiny.yml"] and lines[1].endswith("  ok")
    assert lines[2].split()[:2] == ["tiny:untrained", "blog/_models/tiny.yml"] and lines[2].endswith("  ok")
    assert lines[3].split()[:2] == ["explore-tiny", "blog/_models/tiny.yml:1"] and lines[3].endswith("  ok")
    assert lines[4].split()[:2] == ["kernels", "blog/_posts/2026-01-02-kernels.md:6"]
    assert "OUTSIDE: arrays differ by " in lines[4]
    assert lines[5].startswith("1 outside tolerance, checking 2 figures and 2 models: kernels (arrays differ by ")


def test_cli_says_everything_reproduced_within_tolerance(blog):
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--source", "blog", "--dest", "site"],
                            cwd=blog.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ("2 figures and 2 models reproduced within tolerance (accuracy ±1 point, "
                                              "loss ±0.05, arrays 5.00% of range, pixels 10.00%)")


def test_missing_build_is_a_one_line_error(tmp_path):
    blog = make_blog(tmp_path / "blog")
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--source", "blog", "--dest", "site"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == "error: no build to check: 'site/figures.json' is missing (run `layerpress build` first)\n"
    assert blog.is_dir()


def test_a_wrong_tolerance_is_a_one_line_error(tmp_path):
    blog = make_blog(tmp_path / "blog")
    (blog / "_config.yml").write_text("title: t\nlayerpress:\n  check: {acuracy: 0.02}\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "figures.json").write_text("[]")
    (tmp_path / "site" / MARKER).write_text("")   # a site a build wrote
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--source", "blog", "--dest", "site"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == ("error: blog/_config.yml:3: unknown key 'layerpress.check.acuracy' "
                             "(did you mean 'accuracy'? keys: accuracy, array, loss, pixels)\n")
