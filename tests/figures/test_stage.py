"""The figures stage end to end on a really trained tiny model (see conftest.py)."""

import html as html_module
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2.sandbox
import numpy as np
import pytest
from figures_testkit import Doc
from PIL import Image

from generator.cache import file_digest
from generator.errors import FigureError
from generator.figures.common import display_image
from generator.figures.kinds.activations import MAP_LEVELS, channel_tiles, figure_palette, layer_block
from generator.figures.layout import Layout
from generator.figures.collect import model_refs_in_text
from generator.figures.stage import FigureStage
from generator.figures.tiling import colormap_levels, stack_vertically, with_margin
from generator.models.store import ModelStore

EVERY_KIND = """\
Accuracy {{ models.tiny.metrics.test_accuracy | percent }}, sgd {{ models.tiny.variants.sgd.params }} params.

```figure
kind: activations
id: grid
model: tiny
probes: [probes/triangle.png, probes/circle.png]
layers: [conv2d, max_pooling2d, conv2d_1]
per_row: 3
labels: false
caption: Every *channel*.
```

```figure
kind: activations
id: strip
model: tiny
probe: probes/triangle.png
layers: [conv2d, 3]
layout: strip
cmap: magma
width: 400
```

```figure
kind: dense-as-image
model: tiny
probe: probes/triangle.png
layer: dense
compare: [trained, untrained]
```

```figure
kind: reshape
probe: probes/triangle.png
size: [4, 4]
```

```figure
kind: rgb-matrices
probe: probes/tiny.png
```

```figure
kind: curves
model: tiny
```

```figure
kind: predictions
id: test-images
model: tiny
count: 4
```

```figure
kind: predictions
id: probe-predictions
model: tiny
probes: [probes/triangle.png, probes/circle.png]
labels: [triangle, circle]
```

```figure
kind: samples
model: tiny
per_class: 3
```

```figure
kind: summary
id: summary
model: tiny
```

```figure
kind: conv-animation
probe: probes/triangle.png
size: [5, 5]
kernel: [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
```

```figure
kind: conv-animation
id: learned-kernel
probe: probes/circle.png
size: [5, 5]
model: tiny
layer: conv2d
channel: 1
```

```figure
kind: conv-check
id: check
model: tiny
layer: conv2d_1
probe: probes/circle.png
channel: 2
```

```figure
kind: filters
model: tiny
```

```figure
kind: compare
id: optimizers
model: tiny
variants: [base, sgd]
```
"""


def run_stage(source: Path, cache: Path, body: str, *, force: bool = False, figure_width: int = 632):
    post = source / "_posts" / "2026-01-01-post.md"
    post.parent.mkdir(exist_ok=True)
    post.write_text("---\ntitle: t\n---\n" + body)
    document = Doc(post, body, body_line=4, slug="post")
    stage = FigureStage(ModelStore(source, cache), source, cache, baseurl="/blog",
                        force=force, figure_width=figure_width)
    stage.add_documents([document])
    stage.compute()
    return stage, stage.result(), document


def error_of(source, cache, body) -> str:
    with pytest.raises(FigureError) as caught:
        run_stage(source, cache, body)
    return str(caught.value)


@pytest.fixture
def every_kind(site_source):
    source, cache = site_source
    stage, result, document = run_stage(source, cache, EVERY_KIND)
    return source, cache, stage, result, document


def test_every_kind_draws_files_and_html(every_kind):
    source, cache, stage, result, document = every_kind
    outputs = dict(result.outputs)
    assert len(stage.figures) == 15
    for figure in stage.figures:
        html = result.replacements[document.source_path][figure.request.placeholder]
        assert figure.request.placeholder in document.body
        npz = outputs[f"figures/post/{figure.request.figure_id}.npz"]
        assert np.load(npz).files, figure.request.kind
        assert f'href="/blog/figures/post/{figure.request.figure_id}.npz">data (.npz)</a>' in html
        if figure.request.kind in ("summary", "compare"):
            assert "<table" in html and "<img" not in html
            continue
        extension = "gif" if figure.request.kind == "conv-animation" else "png"
        url = f"/blog/figures/post/{figure.request.figure_id}"
        image = Image.open(outputs[f"figures/post/{figure.request.figure_id}.{extension}"])
        width, height = (round(n / 2) for n in image.size)  # drawn at 2x: shown at half its pixel size
        assert width <= (figure.request.options["width"] or 632)
        assert (f'<img src="{url}.{extension}" srcset="{url}.{extension} 2x" width="{width}" '
                f'height="{height}" alt=') in html
        assert 'loading="lazy" decoding="async"' in html
        narrow = outputs.get(f"figures/post/{figure.request.figure_id}-narrow.{extension}")
        if width > 350:  # too wide for a phone's column: a narrow variant for small screens
            narrow_width = Image.open(narrow).size[0]
            assert narrow_width <= 2 * 350
            assert f'<source media="(max-width: 480px)" srcset="{url}-narrow.{extension} 2x" ' \
                   f'width="{round(narrow_width / 2)}"' in html
        else:
            assert narrow is None and "max-width" not in html
        dark = Image.open(outputs[f"figures/post/{figure.request.figure_id}-dark.{extension}"])
        assert dark.size == image.size  # the same drawing in the dark scheme
        assert f'<source media="(prefers-color-scheme: dark)" srcset="{url}-dark.{extension} 2x" ' in html
        assert f'<a class="figure-full-size figure-full-size-dark" href="{url}-dark.{extension}" hidden><picture>' \
            in html   # the full-size link under a dark colour scheme (tests/browser: the theme shows it)
    assert {"models/tiny.keras", "figures.json"} <= set(outputs)
    assert not [path for path in outputs if path.startswith("models/tiny-")]  # variants are not published


def test_caption_markdown_and_alt_text(every_kind):
    _, _, stage, result, document = every_kind
    html = result.replacements[document.source_path]["<!--layerpress-figure:grid-->"]
    assert "<figcaption>Every <em>channel</em>. " in html
    # the alt text says what the image shows, in plain text, not the caption again
    assert 'alt="Activations of model tiny for probes triangle.png, circle.png: triangle.png: conv2d, output ' in html
    assert "A grid of 3 maps per row, the input heading the first row." in html
    for figure in stage.figures:
        if figure.request.kind in ("summary", "compare"):
            continue  # HTML tables, not images
        alt = result.replacements[document.source_path][figure.request.placeholder].partition(' alt="')[2]
        alt = html_module.unescape(alt.partition('"')[0])
        caption = figure.request.options["caption"]
        assert alt and "&" not in alt and (not caption or caption not in alt), figure.request.figure_id


def test_an_alt_key_replaces_the_generated_text(site_source):
    source, cache = site_source
    _, result, document = run_stage(source, cache, "```figure\nkind: reshape\nprobe: probes/tiny.png\n"
                                                   "alt: A <cat> & a dog\n```\n")
    html = next(iter(result.replacements[document.source_path].values()))
    assert 'alt="A &lt;cat&gt; &amp; a dog"' in html


def test_activation_grid_png_is_drawn_from_the_npz_arrays(every_kind, trained_source):
    source, cache, _, result, _ = every_kind
    outputs = dict(result.outputs)
    data = np.load(outputs["figures/post/grid.npz"])
    model = ModelStore(source, cache).get("tiny")
    images = np.stack([model.load_probe(source / "probes" / p) for p in ("triangle.png", "circle.png")])
    live = model.activations(["conv2d", "max_pooling2d", "conv2d_1"], images)
    np.testing.assert_allclose(data["activations_conv2d_1"], live["conv2d_1"], rtol=1e-6)
    drawn = np.asarray(Image.open(outputs["figures/post/grid.png"]).convert("RGB"))
    # redrawn from the .npz arrays alone: the same pixels
    layout = Layout(632)
    palette, probes = figure_palette("viridis", [display_image(image) for image in data["probes"]])
    blocks = [layer_block(probes[index], data[f"activations_{name}"][index], "", layout, per_row=3,
                          width=layout.width_px, labels=False)
              for index in range(2) for name in ("conv2d", "max_pooling2d", "conv2d_1")]
    expected = palette[with_margin(stack_vertically(blocks, gap=layout.px(16)), layout)]
    np.testing.assert_array_equal(drawn, expected)
    assert layout.smallest_map >= 48  # every map at least 48 CSS px wide
    assert data["dead_channels"].shape == (2, 3)


def find_patch(figure: np.ndarray, patch: np.ndarray) -> list[tuple[int, int]]:
    """Every place (top, left) where `patch` is drawn in `figure`, pixel for pixel."""
    height, width = patch.shape[:2]
    rows, columns = figure.shape[0] - height + 1, figure.shape[1] - width + 1
    if rows <= 0 or columns <= 0:
        return []
    candidates = np.ones((rows, columns), dtype=bool)
    for y, x in {(0, 0), (height - 1, width - 1), (height // 2, width // 2), (0, width - 1), (height - 1, 0)}:
        candidates &= (figure[y:y + rows, x:x + columns] == patch[y, x]).all(axis=-1)  # corners, centre: few left
    return [(int(y), int(x)) for y, x in zip(*np.nonzero(candidates))
            if np.array_equal(figure[y:y + height, x:x + width], patch)]


def test_notes_report_measured_differences_and_dead_channels(every_kind):
    _, _, _, result, document = every_kind
    check = result.replacements[document.source_path]["<!--layerpress-figure:check-->"]
    assert "Max absolute differences: keras vs correlate2d " in check
    strip = result.replacements[document.source_path]["<!--layerpress-figure:strip-->"]
    assert "Constant channels: conv2d " in strip


def test_manifest_lists_posts_lines_inputs_and_output_hashes(every_kind):
    source, _, _, result, _ = every_kind
    outputs = dict(result.outputs)
    manifest = json.loads(outputs["figures.json"].read_text())
    assert manifest == result.manifest
    grid = next(entry for entry in manifest if entry["id"] == "grid")
    assert grid["post"] == "_posts/2026-01-01-post.md" and grid["line"] == 6
    assert grid["inputs"] == {p: file_digest(source / p) for p in ("probes/triangle.png", "probes/circle.png")}
    assert grid["outputs"]["figures/post/grid.png"] == file_digest(outputs["figures/post/grid.png"])
    assert set(grid["models"]) == {"tiny"} and grid["versions"]["numpy"] == np.__version__
    for entry in manifest:
        if entry["kind"] in ("summary", "compare"):
            continue
        legibility = entry["legibility"]
        assert legibility["desktop"]["column"] == 632 and legibility["phone"]["column"] == 350, entry["id"]
        assert (legibility["desktop"]["text"] or 12) >= 12 and (legibility["phone"]["text"] or 10) >= 10, entry["id"]
    assert grid["legibility"]["desktop"]["map"] >= 48 and grid["legibility"]["phone"]["map"] >= 24


def test_second_build_redraws_nothing_and_same_bytes_from_scratch(every_kind, tmp_path):
    source, cache, stage, result, _ = every_kind
    stamps = {figure.key: (figure.entry / "meta.json").stat().st_mtime_ns for figure in stage.figures}
    again, again_result, _ = run_stage(source, cache, EVERY_KIND)
    assert {f.key: (f.entry / "meta.json").stat().st_mtime_ns for f in again.figures} == stamps
    fresh_cache = tmp_path / "fresh"
    shutil.copytree(cache, fresh_cache, ignore=shutil.ignore_patterns("figures"))
    _, fresh_result, _ = run_stage(source, fresh_cache, EVERY_KIND)
    first, second = dict(result.outputs), dict(fresh_result.outputs)
    for path in first:
        if path.startswith("figures/"):
            assert first[path].read_bytes() == second[path].read_bytes(), path


def test_cache_misses_only_for_what_changed(every_kind):
    source, cache, stage, _, _ = every_kind
    keys = {figure.request.figure_id: figure.key for figure in stage.figures}
    (source / "probes" / "circle.png").write_bytes((source / "probes" / "triangle.png").read_bytes())
    edited = EVERY_KIND.replace("caption: Every *channel*.", "caption: Changed words.")
    again, _, _ = run_stage(source, cache, edited)
    new_keys = {figure.request.figure_id: figure.key for figure in again.figures}
    assert new_keys["grid"] != keys["grid"]  # reads circle.png
    assert new_keys["check"] != keys["check"]
    assert new_keys["strip"] == keys["strip"]  # caption-only edits and untouched probes keep the drawing
    assert new_keys["summary"] == keys["summary"]


def test_unchanged_build_imports_neither_tensorflow_nor_matplotlib(every_kind):
    source, cache, _, _, _ = every_kind
    script = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_stage import run_stage, EVERY_KIND
stage, result, _ = run_stage(Path({str(source)!r}), Path({str(cache)!r}), EVERY_KIND)
print(sorted(m for m in ("tensorflow", "keras", "matplotlib") if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=Path.cwd(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_models_context_and_percent_filter(every_kind):
    source, cache, _, result, _ = every_kind
    store = ModelStore(source, cache)
    env = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined)
    env.filters.update(result.filters)
    text = env.from_string("{{ models.tiny.metrics.test_accuracy | percent }} {{ models.tiny.params }} "
                           "{{ models['tiny'].epochs }} {{ models.tiny.variants.sgd.best_epoch }}").render(
        result.context)
    record, sgd = store.record("tiny"), store.record("tiny:sgd")
    assert text == f"{record['metrics']['test_accuracy'] * 100:.1f}% {record['params']} {record['epochs']} " \
                   f"{sgd['best_epoch']}"
    with pytest.raises(FigureError, match=r"^models.tiny.metrics has no 'test_acuracy' \(did you mean 'test_accuracy'"):
        env.from_string("{{ models.tiny.metrics.test_acuracy }}").render(result.context)


def test_model_refs_in_text_skip_code_and_plain_prose():
    body = "models.py is a file\n{{ models.a.params }} {% if models['b'].variants.sgd %}\n```\n{{ models.c }}\n```"
    assert model_refs_in_text(body) == [("a", 1), ("b:sgd", 1)]


def test_conv_check_on_a_model_with_a_hand_set_kernel(site_source):
    import keras

    source, cache = site_source
    kernel = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 0.0], [3.0, 0.0, -2.0]], np.float32)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 3, padding="same", name="edge")])
    model.get_layer("edge").set_weights([kernel[..., None, None], np.array([0.25], np.float32)])
    model.save(source / "hand.keras")
    (source / "_models" / "hand.yml").write_text("load: hand.keras\n")
    _, result, document = run_stage(source, cache, "```figure\nkind: conv-check\nid: hand\nmodel: hand\n"
                                                   "layer: edge\nprobe: probes/circle.png\n```\n")
    data = np.load(dict(result.outputs)["figures/post/hand.npz"])
    np.testing.assert_array_equal(data["kernel"][..., 0], kernel)
    assert float(data["bias"]) == 0.25
    assert np.abs(data["keras"] - data["correlate2d"]).max() < 1e-4
    assert np.abs(data["keras"] - data["convolve2d_flipped"]).max() < 1e-4
    assert np.abs(data["keras"] - data["correlate2d"][::-1, ::-1]).max() > 1e-4  # the check can tell
    assert "keras vs convolve2d unflipped " in document_html(result, document)  # the wrong answer, measured
    assert np.abs(data["keras"] - data["convolve2d_unflipped"]).max() > 1e-4
    image = np.asarray(Image.open(dict(result.outputs)["figures/post/hand.png"]).convert("L"))
    assert (image[8:40] < 100).sum() > 50  # the panel titles are drawn as dark text on the white band


def document_html(result, document) -> str:
    return "".join(result.replacements[document.source_path].values())


ACTIVATIONS = "```figure\nkind: activations\nmodel: {model}\nprobe: {probe}\nlayers: [{layer}]\n{extra}```\n"


def block(model="tiny", probe="probes/triangle.png", layer="conv2d", extra=""):
    return "intro\n\n" + ACTIVATIONS.format(model=model, probe=probe, layer=layer, extra=extra)


def test_error_unknown_model(site_source):
    assert error_of(*site_source, block(model="tinny")).endswith(
        "/_posts/2026-01-01-post.md:6: unknown model 'tinny' (did you mean 'tiny'? models: tiny)")


def test_error_unknown_variant(site_source):
    message = error_of(*site_source, "```figure\nkind: summary\nmodel: tiny:adamw\n```\n")
    assert message.split("2026-01-01-post.md:4: ")[1] == "model 'tiny' has no variant 'adamw' (variants: sgd, untrained)"


def test_error_unknown_layer_lists_the_real_names(site_source):
    assert error_of(*site_source, block(layer="conv2d_9")).endswith(
        "2026-01-01-post.md:6: model 'tiny' has no layer 'conv2d_9' (did you mean 'conv2d_1'? layers: rescaling, "
        "conv2d, max_pooling2d, conv2d_1, flatten, dense, dense_1)")


def test_error_dense_layer_in_activations_suggests_dense_as_image(site_source):
    assert error_of(*site_source, block(layer="dense")).endswith(
        "2026-01-01-post.md:6: kind activations cannot draw layer 'dense' (Dense, output shape (None, 8)): "
        "it has no feature maps (use kind 'dense-as-image' to draw a Dense layer's output)")


def test_error_missing_probe(site_source):
    assert error_of(*site_source, block(probe="probes/triangel.png")).endswith(
        "2026-01-01-post.md:6: probe 'probes/triangel.png' not found (did you mean 'triangle.png'?)")


def test_error_probe_not_an_image(site_source):
    assert error_of(*site_source, block(probe="probes/notes.png")).endswith(
        "2026-01-01-post.md:6: probe 'probes/notes.png' is not an image Pillow can read")


def test_error_unknown_colormap(site_source):
    assert error_of(*site_source, block(extra="cmap: virdis\n")).endswith(
        "2026-01-01-post.md:6: unknown colormap 'virdis' (did you mean 'viridis'?)")


def test_error_unknown_model_in_text(site_source):
    assert error_of(*site_source, "Hello\n\nwe got {{ models.tin.params }}\n").endswith(
        "2026-01-01-post.md:6: unknown model 'tin' (did you mean 'tiny'? models: tiny)")


def test_errors_are_raised_before_anything_is_drawn(site_source):
    source, cache = site_source
    body = "```figure\nkind: summary\nmodel: tiny\n```\n\n" + block(probe="probes/missing.png")
    with pytest.raises(FigureError):
        run_stage(source, cache, body)
    assert not (cache / "figures").exists()


def test_npz_files_hold_what_each_kind_drew(every_kind):
    source, cache, _, result, _ = every_kind
    outputs = dict(result.outputs)
    store = ModelStore(source, cache)
    record, model = store.record("tiny"), store.get("tiny")

    def data(figure_id):
        return np.load(outputs[f"figures/post/{figure_id}.npz"])

    curves_id = next(p for p in outputs if p.startswith("figures/post/curves-") and p.endswith(".npz"))
    curves = np.load(outputs[curves_id])
    np.testing.assert_array_equal(curves["val_accuracy"], record["history"]["val_accuracy"])
    np.testing.assert_array_equal(data("summary")["params"], [layer["params"] for layer in record["layers"]])
    np.testing.assert_array_equal(data("optimizers")["test_accuracy"],
                                  [record["metrics"]["test_accuracy"],
                                   store.record("tiny:sgd")["metrics"]["test_accuracy"]])
    predictions = data("test-images")
    np.testing.assert_allclose(predictions["probabilities"], model.predict(predictions["images"]), rtol=1e-5)
    np.testing.assert_array_equal(predictions["labels"], model.dataset().y_test[:4])
    kernel = model.keras_model.get_layer("conv2d").get_weights()[0]
    filters_id = next(p for p in outputs if p.startswith("figures/post/filters-") and p.endswith(".npz"))
    np.testing.assert_array_equal(np.load(outputs[filters_id])["kernel"], kernel)
    np.testing.assert_array_equal(data("learned-kernel")["kernel"], kernel[:, :, 0, 1])


def test_unknown_model_in_the_models_context_lists_the_models(every_kind):
    _, _, _, result, _ = every_kind
    env = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined)
    with pytest.raises(FigureError, match=r"^unknown model 'tiney' \(did you mean 'tiny'\?\)$"):
        env.from_string("{{ models.tiney.params }}").render(result.context)


def test_predictions_can_show_only_the_mistakes(site_source):
    source, cache = site_source
    _, result, _ = run_stage(source, cache, "```figure\nkind: predictions\nid: wrong\nmodel: tiny:untrained\n"
                                            "select: mistakes\ncount: 5\n```\n")
    data = np.load(dict(result.outputs)["figures/post/wrong.npz"])
    assert 0 < len(data["labels"]) <= 5
    assert (data["probabilities"].argmax(-1) != data["labels"]).all()


# Filled, upright circles and triangles at one size: a dense layer tells them apart without a mistake.
EASY_SPEC = """\
dataset: {name: shapes, classes: [circle, triangle], image_size: [8, 8], size: [0.9, 0.9], wobble: 0.0,
          filled: 1.0, rotate: false, per_class: 16, test_per_class: 3, seed: 1}
layers: [Rescaling: {scale: 0.00392156862745098}, Flatten, Dense: {units: 2, activation: softmax}]
compile: {optimizer: {class_name: Adam, config: {learning_rate: 0.05}}}
fit: {epochs: 10, batch_size: 8}
seed: 1
"""


def test_predictions_of_mistakes_when_there_are_none_is_a_clear_error(site_source):
    source, cache = site_source
    (source / "_models" / "easy.yml").write_text(EASY_SPEC)
    error = error_of(source, cache, "```figure\nkind: predictions\nid: wrong\nmodel: easy\nselect: mistakes\n```\n")
    assert error.endswith("2026-01-01-post.md:4: model 'easy' misclassifies none of its 6 test images: there is no "
                          "mistake to show (select: first shows the first test images)"), error


def test_figures_are_laid_out_for_the_configured_width(site_source):
    source, cache = site_source
    body = ("```figure\nkind: activations\nid: maps\nmodel: tiny\nprobe: probes/triangle.png\n"
            "layers: [conv2d, conv2d_1]\n```\n")
    narrow_stage, narrow, _ = run_stage(source, cache, body, figure_width=400)
    wide_stage, wide, _ = run_stage(source, cache, body, figure_width=900)
    assert narrow_stage.figures[0].key != wide_stage.figures[0].key
    narrow_png = Image.open(dict(narrow.outputs)["figures/post/maps.png"])
    wide_png = Image.open(dict(wide.outputs)["figures/post/maps.png"])
    assert narrow_png.width <= 800 < wide_png.width <= 1800
    assert narrow_png.height < wide_png.height  # the grid's maps grow with the column


def test_figure_width_comes_from_the_config_and_is_checked(tmp_path):
    from generator.config import load_config
    from generator.errors import ConfigError
    from generator.figures.stage import figure_width

    (tmp_path / "_config.yml").write_text("title: t\n")
    assert figure_width(load_config(tmp_path)) == 632
    (tmp_path / "_config.yml").write_text("layerpress:\n  figure_width: 700\n")
    assert figure_width(load_config(tmp_path)) == 700
    (tmp_path / "_config.yml").write_text("layerpress:\n  figure_width: wide\n")
    with pytest.raises(ConfigError, match=r"_config.yml:2: 'layerpress.figure_width' must be a number of CSS pixels"):
        load_config(tmp_path)  # checked with the rest of _config.yml


def test_activations_both_layouts_and_one_enlarged_channel(site_source):
    source, cache = site_source
    body = ("```figure\nkind: activations\nid: both\nmodel: tiny\nprobe: probes/triangle.png\nlayers: [conv2d]\n"
            "layout: both\nper_row: 2\n```\n\n```figure\nkind: activations\nid: one\nmodel: tiny\n"
            "probe: probes/triangle.png\nlayers: [conv2d_1]\nchannel: 2\n```\n")
    _, result, document = run_stage(source, cache, body)
    outputs = dict(result.outputs)
    html = document_html(result, document)
    assert "Strips (as many maps per row as fit) " in html and "a grid of 2 maps per row" in html
    assert "channel 2 of each layer; conv2d_1, output " in html
    both = np.asarray(Image.open(outputs["figures/post/both.png"]).convert("RGB"))
    maps = np.load(outputs["figures/post/both.npz"])["activations_conv2d"][0]
    levels = colormap_levels("viridis", MAP_LEVELS)
    assert find_patch(both, levels[channel_tiles(maps, 6)[3]])  # strips: 16 px maps at 96 px, 48 CSS px
    assert any(find_patch(both, levels[channel_tiles(maps, s)[3]]) for s in range(7, 40))  # grid: larger
    one = np.asarray(Image.open(outputs["figures/post/one.png"]).convert("RGB"))
    assert one.shape[1] > 600  # one channel, enlarged
    with pytest.raises(FigureError, match=r"layer 'conv2d_1' has 3 channels, no channel 7"):
        run_stage(source, cache, body.replace("channel: 2", "channel: 7"))


def test_build_warns_about_a_figure_too_small_to_read(site_source, capsys):
    source, cache = site_source
    # a probe name too long to wrap makes the title wider than a phone: the phone shrinks the figure
    long_name = "a-hand-drawn-triangle-photographed-on-a-table-under-a-lamp-scanned-and-cropped" + ".png"
    shutil.copy(source / "probes" / "triangle.png", source / "probes" / long_name)
    body = (f"```figure\nkind: activations\nid: long\nmodel: tiny\nprobes: [probes/{long_name}, probes/circle.png]\n"
            "layers: [conv2d]\n```\n")
    stage, result, _ = run_stage(source, cache, body)
    legibility = result.manifest[0]["legibility"]
    assert legibility["phone"]["text"] < 10 <= legibility["desktop"]["text"]
    capsys.readouterr()  # the build's own progress and warnings
    stage.warn_illegible()
    assert capsys.readouterr().err == (
        f"warning: {source}/_posts/2026-01-01-post.md:4: figure 'long' is hard to read: text "
        f"{legibility['phone']['text']:g} px at phone width (at least 10 px) (raise 'width' or lower 'per_row')\n")
    shutil.copy(source / "probes" / "circle.png", source / "probes" / "short.png")
    stage, _, _ = run_stage(source, cache, body.replace(long_name, "short.png"))
    capsys.readouterr()
    stage.warn_illegible()
    assert capsys.readouterr().err == ""


def test_a_probe_is_decoded_once_until_it_changes(site_source, monkeypatch):
    from generator.datasets import images

    source, cache = site_source
    decoded = []
    original = images.open_image
    monkeypatch.setattr(images, "open_image", lambda path: decoded.append(path.name) or original(path))
    body = ("```figure\nkind: activations\nid: a\nmodel: tiny\nprobe: probes/circle.png\nlayers: [conv2d]\n```\n\n"
            "```figure\nkind: activations\nid: b\nmodel: tiny\nprobe: probes/circle.png\nlayers: [conv2d_1]\n```\n")
    post = source / "_posts" / "2026-01-01-post.md"

    def collect() -> None:
        stage = FigureStage(ModelStore(source, cache), source, cache)
        stage.add_documents([Doc(post, body, body_line=4, slug="post")])

    collect()
    assert decoded == ["circle.png"]  # two figures, one decode
    collect()
    assert decoded == ["circle.png"]  # unchanged since the last build: not decoded again
    (source / "probes" / "circle.png").write_bytes(b"not a png any more")
    with pytest.raises(FigureError, match=r"probe 'probes/circle.png' is not an image Pillow can read"):
        collect()


def test_a_theme_s_figure_html_changes_the_markup(every_kind, tmp_path):
    from generator.figures.html import FigureHtml
    from generator.site import THEME_DIR

    _, _, stage, result, document = every_kind
    figure = next(f for f in stage.figures if f.request.figure_id == "grid")
    default = result.replacements[document.source_path][figure.request.placeholder]
    assert FigureHtml("/blog").render(figure, stage.meta(figure)) == default  # the default theme's template
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "figure.html").write_text('<div class="my-figure" id="{{ id }}"><img src="{{ image.src }}" '
                                       'alt="{{ image.alt }}">{{ caption }}</div>')
    html = FigureHtml("/blog", [theme, THEME_DIR]).render(figure, stage.meta(figure))
    assert html.startswith('<div class="my-figure" id="grid"><img src="/blog/figures/post/grid.png" alt="Activations')
    assert "Every <em>channel</em>." in html and html.endswith("</div>") and "<figure" not in html
