"""A reader's own image: the ONNX copy of a model, the site's runtime files, and the page in Chromium."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from generator.build import BuildOptions, build
from generator.errors import ConfigError

pytestmark = pytest.mark.slow
RUNTIME = Path(__file__).resolve().parents[2] / "templates" / "ort"
needs_runtime = pytest.mark.skipif(not (RUNTIME / "ort-wasm-simd-threaded.wasm").is_file(),
                                   reason="ONNX Runtime Web not in the theme: run `make ort`")
READER_CONFIG = 'layerpress:\n  explorer:\n    reader_images: true\n'


def with_config(built_blog, root: Path, extra: str) -> Path:
    """A copy of the built tiny blog (and its model cache) with `extra` added to _config.yml."""
    source = root / "content"
    shutil.copytree(built_blog[0], source)
    with (source / "_config.yml").open("a") as config:
        config.write(extra)
    return source


@pytest.fixture(scope="module")
def reader_blog(built_blog, tmp_path_factory):
    """(source, site) of the tiny blog built with reader_images: true, site under www/blog/."""
    root = tmp_path_factory.mktemp("reader")
    source = with_config(built_blog, root, READER_CONFIG)
    site = root / "www" / "blog"
    site.parent.mkdir()
    build(BuildOptions(source=source, dest=site, quiet=True))
    return source, site


def test_onnx_outputs_match_keras_for_every_layer(built_blog):
    import onnxruntime

    from generator.explore.onnx_export import INPUT_NAME, convert
    from generator.models.store import ModelStore

    source, _ = built_blog
    store = ModelStore(source, source / ".layerpress-cache", quiet=True)
    model = store.get("tiny")
    converted = convert(model.keras_model, model.layer_names())
    assert converted.onnx == convert(model.keras_model, model.layer_names()).onnx   # same bytes again
    images = np.stack([model.load_probe(source / "probes" / name) for name in ("triangle.png", "circle.png")])
    session = onnxruntime.InferenceSession(converted.onnx)
    outputs = session.run([name for name, _ in converted.outputs], {INPUT_NAME: images})
    expected = model.activations(model.layer_names(), images)
    assert [layer for _, layer in converted.outputs] == model.layer_names()
    for (_, layer), output in zip(converted.outputs, outputs):
        assert output.shape == expected[layer].shape
        np.testing.assert_allclose(output, expected[layer], rtol=1e-5, atol=1e-5 * np.abs(expected[layer]).max())


@needs_runtime
def test_the_site_gets_the_models_and_the_runtime(reader_blog):
    _, site = reader_blog
    index = json.loads((site / "explore/tiny/data/index.json").read_text())
    assert index["reader"]["files"] == {"trained": "trained.onnx", "untrained": "untrained.onnx"}
    assert [layer for _, layer in index["reader"]["outputs"]] == [layer["name"] for layer in index["layers"]]
    trained, untrained = (site / "explore/tiny/data/trained.onnx").read_bytes(), \
        (site / "explore/tiny/data/untrained.onnx").read_bytes()
    assert trained != untrained and len(trained) > 1000
    for name in ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm", "NOTICE"):
        assert (site / "assets/ort" / name).read_bytes() == (RUNTIME / name).read_bytes()
    entry = next(e for e in json.loads((site / "figures.json").read_text()) if e["id"] == "explore-tiny")
    assert "explore/tiny/data/trained.onnx" in entry["outputs"]
    assert 'name="reader-image"' in (site / "explore/tiny/index.html").read_text()


def test_default_sites_get_no_runtime(built_blog):
    _, site = built_blog
    assert not (site / "assets/ort").exists()
    assert not list((site / "explore/tiny/data").glob("*.onnx"))
    assert 'name="reader-image"' not in (site / "explore/tiny/index.html").read_text()


@pytest.mark.parametrize("extra, message", [
    ('layerpress:\n  explorer:\n    reader_images: "yes"\n', "'layerpress.explorer.reader_images' must be true or false"),
    ('layerpress:\n  explorer: [reader_images]\n', "'layerpress.explorer' must be a mapping"),
])
def test_a_wrong_setting_is_one_error_line(built_blog, tmp_path, extra, message):
    source = with_config(built_blog, tmp_path, extra)
    with pytest.raises(ConfigError) as raised:
        build(BuildOptions(source=source, dest=tmp_path / "site", quiet=True))
    assert message in str(raised.value) and "_config.yml" in str(raised.value)
    assert not (tmp_path / "site").exists()


@needs_runtime
def test_a_model_over_the_budget_is_skipped_with_a_note(built_blog, tmp_path, monkeypatch, capsys):
    from generator.explore import reader

    monkeypatch.setattr(reader, "BUDGET", 2000)     # the tiny model's ONNX file is larger than this
    source = with_config(built_blog, tmp_path, READER_CONFIG)
    build(BuildOptions(source=source, dest=tmp_path / "site", quiet=False))
    assert re.search(r"note: explorer of 'tiny': no reader's own image \(its ONNX file would be .* MB, over the "
                     r"0\.00 MB budget\)", capsys.readouterr().err)
    page = (tmp_path / "site/explore/tiny/index.html").read_text()
    assert "Your own image cannot be run on this model" in page and 'name="reader-image"' not in page
    assert not (tmp_path / "site/assets/ort").exists()
