"""Frozen results: a clone builds the author's bytes without TensorFlow; edits invalidate only their own entries."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest

from generator.freeze import FREEZE_DIR, FrozenResults
from generator.models.store import MODEL_FILE, RECORD_FILE, ModelStore

from .blogkit import POST_PATH, clone, layerpress, make_blog, tree_hash, without_tensorflow

pytestmark = pytest.mark.slow


def frozen_keys(blog) -> tuple[list[str], list[str]]:
    frozen = FrozenResults(blog)
    return frozen.models.keys(), frozen.figures.keys()


def test_a_clone_builds_the_same_site_without_tensorflow_and_says_nothing(blog, tmp_path):
    fresh = clone(blog, tmp_path / "clone" / "blog")
    result = layerpress("build", "--frozen", "--source", "blog", "--dest", "site", cwd=fresh.parent,
                        env=without_tensorflow(tmp_path))
    assert result.stderr == ""  # no drift warning, nothing computed, nothing stale
    assert result.stdout.startswith("4 pages written to site")  # 3 documents and the explorer page
    assert tree_hash(fresh.parent / "site") == tree_hash(blog.parent / "site")
    assert not (fresh / ".layerpress-cache" / "models").exists()  # nothing trained, nothing cached


def test_without_tensorflow_a_missing_result_fails_the_build(blog, tmp_path):
    """The shim really blocks TensorFlow: without frozen results the same build cannot train."""
    fresh = clone(blog, tmp_path / "clone" / "blog")
    shutil.rmtree(fresh / FREEZE_DIR)
    result = layerpress("build", "--source", "blog", "--dest", "site", cwd=fresh.parent,
                        env=without_tensorflow(tmp_path), check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: a model must be trained or run here, but TensorFlow cannot be imported (")
    assert len(result.stderr.splitlines()) == 1


def test_build_frozen_names_what_is_not_frozen_before_computing_anything(blog, tmp_path):
    fresh = clone(blog, tmp_path / "clone" / "blog")
    post = fresh / POST_PATH
    post.write_text(post.read_text().replace("metrics: [accuracy, loss]", "metrics: [loss]"))
    result = layerpress("build", "--frozen", "--source", "blog", "--dest", "site", cwd=fresh.parent, check=False)
    assert result.returncode == 1
    assert result.stderr == (f"error: blog/_freeze: 1 result not frozen: figure 'curves' in {POST_PATH} "
                             "(run `layerpress freeze` and commit the folder)\n")
    assert not (fresh.parent / "site").exists() and not (fresh / ".layerpress-cache" / "figures").exists()


def test_build_frozen_checks_completeness_when_nothing_changed_either(blog):
    """A build draws a figure that is not frozen; `build --frozen` right after, with no file changed (the
    no-change state and the stage memo would stand), still fails, and leaves the site alone."""
    post = blog / POST_PATH
    post.write_text(post.read_text().replace("metrics: [accuracy, loss]", "metrics: [loss]"))
    for _ in range(2):   # the first build rewrites figures.lock: the second is the one a no-change build repeats
        layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=blog.parent)
    site = tree_hash(blog.parent / "site")
    result = layerpress("build", "--frozen", "--source", "blog", "--dest", "site", cwd=blog.parent, check=False)
    assert result.returncode == 1
    assert result.stderr == (f"error: blog/_freeze: 1 result not frozen: figure 'curves' in {POST_PATH} "
                             "(run `layerpress freeze` and commit the folder)\n")
    assert tree_hash(blog.parent / "site") == site


def test_train_and_freeze_in_one_folder_then_build_in_another(tmp_path):
    """The path "train on a fast machine, freeze, commit, let Pages build"."""
    author = make_blog(tmp_path / "author" / "blog")
    for ref in ["tiny", "tiny:sgd"]:
        layerpress("train", ref, "--source", "blog", "--quiet", cwd=author.parent)
    froze = layerpress("freeze", "--source", "blog", cwd=author.parent)
    assert "training" not in froze.stderr  # the trained models came from the cache
    assert froze.stdout.startswith("blog/_freeze: 2 models and 2 figures, ")
    pages = clone(author, tmp_path / "pages" / "blog")
    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=pages.parent,
               env=without_tensorflow(tmp_path))
    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=author.parent)
    assert tree_hash(pages.parent / "site") == tree_hash(author.parent / "site")
    accuracy = ModelStore(author, author / ".layerpress-cache").record("tiny")["metrics"]["test_accuracy"]
    assert f"{accuracy * 100:.3f}%" in (pages.parent / "site" / "2026" / "01" / "02" / "kernels.html").read_text()


def test_frozen_folder_holds_records_the_published_model_and_figures(blog):
    store = ModelStore(blog, blog / ".layerpress-cache", frozen=FrozenResults(blog))
    tiny, sgd = store.frozen_entry("tiny"), store.frozen_entry("tiny:sgd")
    assert {p.name for p in tiny.iterdir()} == {RECORD_FILE, MODEL_FILE, "MANIFEST.json"}
    assert {p.name for p in sgd.iterdir()} == {RECORD_FILE, "MANIFEST.json"}  # variants are not published
    assert (blog / FREEZE_DIR / ".gitattributes").read_text() == "* -text\n"
    published = (blog.parent / "site" / "models" / "tiny.keras").read_bytes()
    assert (tiny / MODEL_FILE).read_bytes() == published


def test_published_model_has_no_optimizer_state_and_still_predicts(blog):
    import h5py
    import keras
    import numpy as np

    path = blog.parent / "site" / "models" / "tiny.keras"
    with zipfile.ZipFile(path) as archive:
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
        names = []
        weights.visit(names.append)
        assert not [name for name in names if "optimizer" in name]
        assert [name for name in names if name.startswith("layers/conv2d")]
    model = keras.saving.load_model(path, compile=False)
    probabilities = model.predict(np.zeros((2, 12, 12, 1), "float32"), verbose=0)
    assert probabilities.shape == (2, 3) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)


def test_a_changed_figure_invalidates_only_its_entry_and_freezing_replaces_it(blog, capsys):
    from generator.build import BuildOptions, build

    models_before, figures_before = frozen_keys(blog)
    post = blog / POST_PATH
    post.write_text(post.read_text().replace("metrics: [accuracy, loss]", "metrics: [loss]"))
    build(BuildOptions(source=blog, dest=blog.parent / "site"))
    lines = capsys.readouterr().err.splitlines()
    assert f"note: 1 result computed here, not frozen (figure 'curves' in {POST_PATH}); " \
           "`layerpress freeze` keeps them" in lines
    assert f"note: 1 frozen result no longer used (figure 'curves' in {POST_PATH}); " \
           "`layerpress freeze --prune` removes them" in lines
    assert frozen_keys(blog) == (models_before, figures_before)  # a build reads _freeze/, never writes it

    layerpress("freeze", "--source", "blog", "--quiet", cwd=blog.parent)
    models_after, figures_after = frozen_keys(blog)
    assert models_after == models_before
    assert len(figures_after) == 2 and len(set(figures_after) & set(figures_before)) == 1


def test_a_changed_variant_spec_invalidates_only_its_record(blog, capsys):
    from generator.build import BuildOptions, build

    spec = blog / "_models" / "tiny.yml"
    spec.write_text(spec.read_text().replace("sgd: {compile: {optimizer: sgd}}",
                                             "sgd: {compile: {optimizer: sgd}, fit: {epochs: 2}}"))
    build(BuildOptions(source=blog, dest=blog.parent / "site"))
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: 1 result computed here, not frozen (model tiny:sgd); `layerpress freeze` keeps them",
        "note: 1 frozen result no longer used (model tiny:sgd); `layerpress freeze --prune` removes them"]


def test_prune_drops_what_no_post_uses(blog):
    post = blog / POST_PATH
    text = post.read_text()
    post.write_text(text[:text.index("```figure\nid: curves")])
    froze = layerpress("freeze", "--source", "blog", "--prune", cwd=blog.parent)
    assert f"pruned 1 frozen result: figure 'curves' in {POST_PATH}" in froze.stderr
    assert len(frozen_keys(blog)[1]) == 1


def test_a_damaged_frozen_entry_is_a_miss_left_for_the_author(blog, capsys):
    from generator.build import BuildOptions, build

    png = next(path for path in (blog / FREEZE_DIR / "figures").rglob("figure.png")
               if json.loads((path.parent / "frozen.json").read_text())["id"] == "kernels")
    png.write_bytes(png.read_bytes()[:-4])
    build(BuildOptions(source=blog, dest=blog.parent / "site"))
    assert "computed here, not frozen (figure 'kernels'" in capsys.readouterr().err
    assert png.is_file()  # still there: the author decides (freeze writes it again)
    layerpress("freeze", "--source", "blog", "--quiet", cwd=blog.parent)
    assert FrozenResults(blog).figure_entry(png.parent.name) is not None


def tamper_frozen_accuracy(blog, value: float) -> None:
    frozen = FrozenResults(blog)
    store = ModelStore(blog, blog / ".layerpress-cache", frozen=frozen)
    key, entry = store.input_key("tiny"), store.frozen_entry("tiny")
    record = json.loads((entry / RECORD_FILE).read_text())
    record["metrics"]["test_accuracy"] = value
    model = (entry / MODEL_FILE).read_bytes()
    frozen.models.put(key, lambda folder: ((folder / RECORD_FILE).write_text(json.dumps(record)),
                                           (folder / MODEL_FILE).write_bytes(model)))


def test_the_build_takes_frozen_numbers_and_refresh_recomputes_on_purpose(blog):
    """The frozen record says 12.345% (as another machine might have measured): builds quote it;
    `build --refresh tiny` shows this machine's number once; `freeze --refresh tiny` keeps it."""
    page = blog.parent / "site" / "2026" / "01" / "02" / "kernels.html"
    measured = ModelStore(blog, blog / ".layerpress-cache").record("tiny")["metrics"]["test_accuracy"]
    tamper_frozen_accuracy(blog, 0.12345)
    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=blog.parent)
    assert "12.345%" in page.read_text()

    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", "--refresh", "tiny", cwd=blog.parent)
    assert f"{measured * 100:.3f}%" in page.read_text()
    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=blog.parent)
    assert "12.345%" in page.read_text()

    layerpress("freeze", "--source", "blog", "--quiet", "--refresh", "tiny", cwd=blog.parent)
    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=blog.parent)
    assert f"{measured * 100:.3f}%" in page.read_text()


def test_unknown_refresh_name_is_a_one_line_error(blog):
    result = layerpress("build", "--source", "blog", "--dest", "site", "--refresh", "tinny", cwd=blog.parent,
                        check=False)
    assert result.returncode == 1
    assert result.stderr == "error: --refresh tinny: no model or figure of that name (did you mean 'tiny'?)\n"


def test_freeze_auto_keeps_the_folder_current_on_every_build(blog):
    shutil.rmtree(blog / FREEZE_DIR)
    config = blog / "_config.yml"
    config.write_text(config.read_text() + "freeze: auto\n")
    result = layerpress("build", "--source", "blog", "--dest", "site", cwd=blog.parent)
    assert "froze 4 results into blog/_freeze: model tiny, model tiny:sgd, figure 'kernels'" in result.stderr
    assert [len(keys) for keys in frozen_keys(blog)] == [2, 2]
    again = layerpress("build", "--source", "blog", "--dest", "site", cwd=blog.parent)
    assert again.stderr == ""


def test_a_wrong_freeze_setting_is_a_one_line_error(blog):
    config = blog / "_config.yml"
    config.write_text(config.read_text() + "freeze: always\n")
    result = layerpress("build", "--source", "blog", "--dest", "site", cwd=blog.parent, check=False)
    assert result.returncode == 1
    assert result.stderr == ("error: blog/_config.yml:4: 'freeze' must be 'auto' or false, not 'always' "
                             "(freeze: auto writes every computed result into _freeze/ on each build)\n")


def test_figures_cached_by_an_older_layerpress_are_frozen_with_their_versions(blog, tmp_path):
    """Cache entries drawn before meta.json recorded library versions: freezing adds this machine's
    (the ones in their cache key), so a machine without TensorFlow writes the same figures.json."""
    from generator.cache import Store
    from generator.figures.keys import library_versions

    shutil.rmtree(blog / FREEZE_DIR)
    figures = Store(blog / ".layerpress-cache" / "figures")
    for meta in (blog / ".layerpress-cache" / "figures").glob("*/*/meta.json"):
        entry, old = meta.parent, json.loads(meta.read_text())
        files = {p.name: p.read_bytes() for p in entry.iterdir() if p.name not in ("MANIFEST.json", "meta.json")}
        old.pop("versions")
        figures.put(entry.name, lambda folder, files=files, old=old: (
            [(folder / name).write_bytes(data) for name, data in files.items()],
            (folder / "meta.json").write_text(json.dumps(old))))
    layerpress("freeze", "--source", "blog", "--quiet", cwd=blog.parent)
    frozen_metas = [json.loads(p.read_text()) for p in (blog / FREEZE_DIR / "figures").glob("*/*/meta.json")]
    assert len(frozen_metas) == 2 and all(meta["versions"] == library_versions() for meta in frozen_metas)

    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=blog.parent)
    fresh = clone(blog, tmp_path / "clone" / "blog")
    layerpress("build", "--frozen", "--source", "blog", "--dest", "site", "--quiet", cwd=fresh.parent,
               env=without_tensorflow(tmp_path))
    assert tree_hash(fresh.parent / "site") == tree_hash(blog.parent / "site")


def test_a_model_no_longer_published_leaves_its_keras_file_out_of_the_freeze(blog):
    """Its record stays frozen (the site quotes it); the .keras file nothing publishes any more goes."""
    spec = blog / "_models" / "tiny.yml"
    spec.write_text(spec.read_text() + "publish: false\n")
    froze = layerpress("freeze", "--source", "blog", cwd=blog.parent)
    assert "froze 1 result into blog/_freeze: model tiny" in froze.stderr + froze.stdout
    tiny = ModelStore(blog, blog / ".layerpress-cache", frozen=FrozenResults(blog)).frozen_entry("tiny")
    assert tiny is not None and {p.name for p in tiny.iterdir()} == {RECORD_FILE, "MANIFEST.json"}
