"""A reader's own image: the ONNX copy of a model, the site's runtime files, and the page in Chromium."""

from __future__ import annotations

import base64
import functools
import io
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from generator.build import BuildOptions, build
from generator.datasets.images import load_image
from generator.errors import ConfigError

pytestmark = pytest.mark.slow
RUNTIME = Path(__file__).resolve().parents[2] / "templates" / "ort"
# Outside CI a checkout without `make ort` skips these; in CI they run and fail with the build's error.
needs_runtime = pytest.mark.skipif(not (RUNTIME / "ort-wasm-simd-threaded.wasm").is_file() and not os.environ.get("CI"),
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
    build(BuildOptions(source=source, dest=site))
    return source, site


def test_onnx_outputs_match_keras_for_every_layer(built_blog):
    import onnxruntime

    from generator.explore.onnx_export import INPUT_NAME, convert
    from generator.models.store import ModelStore

    source, _ = built_blog
    store = ModelStore(source, source / ".layerpress-cache")
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
        build(BuildOptions(source=source, dest=tmp_path / "site"))
    assert message in str(raised.value) and "_config.yml" in str(raised.value)
    assert not (tmp_path / "site").exists()


@needs_runtime
def test_a_model_over_the_budget_is_skipped_with_a_note(built_blog, tmp_path, monkeypatch, capsys):
    from generator.explore import reader

    monkeypatch.setattr(reader, "BUDGET", 2000)     # the tiny model's ONNX file is larger than this
    source = with_config(built_blog, tmp_path, READER_CONFIG)
    build(BuildOptions(source=source, dest=tmp_path / "site"))
    assert re.search(r"note: explorer of 'tiny': no reader's own image \(its ONNX file would be .* MB, over the "
                     r"0\.00 MB budget\)", capsys.readouterr().err)
    page = (tmp_path / "site/explore/tiny/index.html").read_text()
    assert "Your own image cannot be run on this model" in page and 'name="reader-image"' not in page
    assert not (tmp_path / "site/assets/ort").exists()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def reader_page(reader_blog, browser):
    """The tiny model's explorer page of the reader_images blog in Chromium, with its console errors."""
    source, site = reader_blog
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site.parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"http://127.0.0.1:{server.server_port}/blog/explore/tiny/")
    page.wait_for_selector(".explorer-panel .explorer-detail-map")
    yield page, source, site, errors
    page.close()
    server.shutdown()
    server.server_close()


def shown_value(page, x: int, y: int, columns: int, rows: int) -> tuple[int, int, float]:
    canvas = page.locator(".explorer-panel .explorer-detail-map").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + (x + 0.5) * box["width"] / columns, box["y"] + (y + 0.5) * box["height"] / rows)
    row, column, value = re.match(r"^row (\d+), column (\d+): (\S+)$",
                                  page.locator(".explorer-panel .explorer-value").first.inner_text()).groups()
    return int(row), int(column), float(value)


@needs_runtime
def test_a_dropped_probe_shows_the_builds_activations(reader_page):
    """The circle probe (40x40, resized in the page to 16x16) run in the browser gives the figure's values."""
    page, source, site, errors = reader_page
    page.set_input_files("input[name=reader-image]", str(source / "probes" / "circle.png"))
    page.wait_for_function("document.querySelector('.explorer-panel-title').textContent.includes('your image')",
                           timeout=60_000)
    assert errors == [], errors
    assert page.locator("select[name=probe]").input_value() == "2"      # after the site's two probes
    prepared = page.locator(".explorer-panel .explorer-probe").first.get_attribute("src")
    with Image.open(io.BytesIO(base64.b64decode(prepared.split(",", 1)[1]))) as thumbnail:
        pixels = np.asarray(thumbnail.convert("RGB"))
    expected_pixels = load_image(source / "probes" / "circle.png", [16, 16], "rgb")   # the build's probe rule
    assert pixels.shape == expected_pixels.shape and np.array_equal(pixels, expected_pixels)
    page.select_option("select[name=layer]", "conv2d")
    page.fill("input[name=channel]", "2")
    page.wait_for_function("document.querySelector('.explorer-detail-title').textContent.startsWith('channel 2 ')")
    assert "your image" in page.locator(".explorer-panel-title").first.inner_text()

    index = json.loads((site / "explore/tiny/data/index.json").read_text())
    step = next(layer for layer in index["layers"] if layer["name"] == "conv2d")["steps"]["trained"][1][2]
    with np.load(site / "figures/tiny-maps/maps.npz") as figure:
        maps = figure["activations_conv2d"][1, :, :, 2]                    # probe circle, channel 2
    assert step > 0 and np.ptp(maps) > 0
    for x, y in [(0, 0), (7, 3), (15, 15), (4, 11), (10, 8), (12, 2), (8, 1)]:
        row, column, shown = shown_value(page, x, y, 16, 16)
        assert (row, column) == (y, x)
        expected = float(maps[y, x])
        assert abs(shown - expected) <= step / 2 + 1e-4 * abs(expected) + 1e-6, (x, y, shown, expected)

    page.check("input[name=variant][value=untrained]")                   # the untrained network runs too
    page.wait_for_function("document.title.includes('(untrained)')")
    assert "your image" in page.locator(".explorer-panel-title").first.inner_text()
    assert errors == [], errors


@needs_runtime
def test_a_file_that_is_not_an_image_is_an_error_on_the_page(reader_page, tmp_path):
    page, _, _, errors = reader_page
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    page.set_input_files("input[name=reader-image]", str(text))
    status = page.locator(".explorer-reader-status")
    page.wait_for_function("document.querySelector('.explorer-reader-status').classList.contains('explorer-error')")
    assert "notes.png" in status.inner_text() and "not an image" in status.inner_text()
    errors.clear()


def test_without_the_runtime_the_build_says_to_run_make_ort(monkeypatch, tmp_path):
    from generator.explore import reader

    monkeypatch.setattr(reader, "THEME_DIR", tmp_path)      # a theme with no ort/ folder
    with pytest.raises(ConfigError) as raised:
        reader.runtime_files(Path("content/_config.yml"))
    assert "needs ONNX Runtime Web" in str(raised.value) and "make ort" in str(raised.value)


@needs_runtime
def test_an_image_dropped_on_the_zone_replaces_the_readers_image(reader_page):
    page, source, _, errors = reader_page
    page.evaluate("""(bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "triangle.png", { type: "image/png" }));
        document.querySelector(".explorer-drop").dispatchEvent(
            new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }""", list((source / "probes" / "triangle.png").read_bytes()))
    page.wait_for_function("document.querySelector('.explorer-panel-title').textContent.includes('triangle.png (your image)')",
                           timeout=60_000)
    options = page.locator("select[name=probe] option").all_inner_texts()
    assert options == ["triangle.png", "circle.png", "triangle.png (your image)"]      # one reader's image at a time
    assert "triangle.png is shown below" in page.locator(".explorer-reader-status").inner_text()
    assert errors == [], errors


@needs_runtime
def test_the_file_button_is_reached_from_the_keyboard(reader_page):
    page, _, _, _ = reader_page
    page.focus("select[name=scale]")          # the last control
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "reader-image"
    assert page.evaluate("getComputedStyle(document.querySelector('.explorer-drop')).outlineStyle") == "solid"
