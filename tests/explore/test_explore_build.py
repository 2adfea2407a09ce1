"""The explorer stage in a real build: pages, data files, figures.json, links, cache."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from generator.cache import file_digest
from generator.explore.data import read_codes

DATA = "explore/tiny/data"
pytestmark = pytest.mark.slow   # trains the tiny model once per session


def index_of(site) -> dict:
    return json.loads((site / DATA / "index.json").read_text())


def stored_values(site, index: dict, variant: str, layer_name: str) -> tuple[np.ndarray, np.ndarray]:
    """A layer's values as the page decodes them, (P, C, H, W), and the steps (P, C)."""
    layer = next(layer for layer in index["layers"] if layer["name"] == layer_name)
    codes = read_codes(site / DATA, variant, layer, len(index["probes"]))
    offsets, steps = np.array(layer["offsets"][variant]), np.array(layer["steps"][variant])
    return offsets[..., None, None] + steps[..., None, None] * codes, steps


def test_every_layer_is_listed_with_its_output_shape(built_blog):
    source, site = built_blog
    index = index_of(site)
    record = json.loads(next((source / ".layerpress-cache" / "models").rglob("record.json")).read_text())
    assert [(layer["name"], layer["output_shape"]) for layer in index["layers"]] == [
        (layer["name"], layer["output_shape"]) for layer in record["layers"]]
    assert index["variants"] == ["trained", "untrained"]
    assert [probe["path"] for probe in index["probes"]] == ["probes/triangle.png", "probes/circle.png"]
    page = (site / "explore/tiny/index.html").read_text()
    for layer in record["layers"]:
        assert f"<code>{layer['name']}</code>" in page
    assert 'data-index="/blog/explore/tiny/data/index.json"' in page
    assert 'src="/blog/assets/js/explore.js"' in page
    assert (site / "assets/js/explore.js").is_file() and (site / "assets/css/explore.css").is_file()


def test_stored_maps_match_the_figure_npz_within_half_a_step(built_blog):
    _, site = built_blog
    index = index_of(site)
    with np.load(site / "figures/tiny-maps/maps.npz") as figure:
        for name in ("conv2d", "max_pooling2d"):
            expected = figure[f"activations_{name}"].transpose(0, 3, 1, 2)   # (P, H, W, C) -> (P, C, H, W)
            values, steps = stored_values(site, index, "trained", name)
            assert values.shape == expected.shape
            assert (np.abs(values - expected) <= steps[..., None, None] / 2 + 1e-6).all()
            assert steps.max() > 0


def test_untrained_maps_differ_from_trained_ones(built_blog):
    _, site = built_blog
    index = index_of(site)
    trained, _ = stored_values(site, index, "trained", "conv2d")
    untrained, _ = stored_values(site, index, "untrained", "conv2d")
    assert trained.shape == untrained.shape
    assert not np.allclose(trained, untrained, atol=1e-3)


def test_dense_layers_are_one_row_map(built_blog):
    _, site = built_blog
    layer = next(layer for layer in index_of(site)["layers"] if layer["name"] == "dense_1")
    assert layer["maps"] == [1, 1, 3]
    values, _ = stored_values(site, index_of(site), "trained", "dense_1")
    assert np.allclose(values.sum(axis=-1), 1.0, atol=0.02)   # softmax probabilities


def test_figures_json_records_the_data_files_with_their_hashes(built_blog):
    _, site = built_blog
    entries = json.loads((site / "figures.json").read_text())
    (explorer,) = [entry for entry in entries if entry["kind"] == "explorer"]
    assert explorer["id"] == "explore-tiny" and explorer["post"] == "_models/tiny.yml"
    assert set(explorer["models"]) == {"tiny", "tiny:untrained"}
    on_disk = {p.relative_to(site).as_posix() for p in (site / DATA).rglob("*") if p.is_file()}
    assert set(explorer["outputs"]) == on_disk
    for path, sha in explorer["outputs"].items():
        assert file_digest(site / path) == sha
    assert any(entry["kind"] == "activations" for entry in entries)


def test_figure_and_download_links_lead_to_the_explorer(built_blog):
    _, site = built_blog
    post = (site / "2026/01/05/tiny-maps.html").read_text()
    assert ('<a class="figure-explore" href="/blog/explore/tiny/#layer=conv2d&amp;probe=0">explore these layers</a>'
            '</figcaption>') in post
    assert ('<a href="/blog/models/tiny.keras"><code>tiny.keras</code></a> '
            '<a class="explore-link" href="/blog/explore/tiny/">(explore its layers)</a>') in post
    assert "/blog/explore/tiny/" in (site / "sitemap.xml").read_text()


def test_no_change_rebuild_imports_no_tensorflow_and_writes_the_same_bytes(blog_copy):
    source, site = blog_copy
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", "build", "--quiet",
                             "--source", str(source), "--dest", str(site)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert not imported & {"tensorflow", "keras", "matplotlib"}
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_data_recomputed_from_the_models_is_byte_identical(blog_copy):
    from generator.build import BuildOptions, build

    source, site = blog_copy
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / DATA).rglob("*") if p.is_file()}
    shutil.rmtree(source / ".layerpress-cache" / "explore")
    build(BuildOptions(source=source, dest=site))
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / DATA).rglob("*") if p.is_file()}
    assert after == before


def test_grad_cam_of_every_probe_and_class_is_the_grad_cam_figures_computation(built_blog):
    from PIL import Image

    from generator.figures.attribution import Scorer, grad_cam, upsample
    from generator.models.store import ModelStore

    source, site = built_blog
    index = index_of(site)
    cams = index["gradcam"]
    assert cams["layer"] == "conv2d_1" and cams["classes"] == ["circle", "square", "triangle"]
    probes, (classes, height, width) = len(index["probes"]), cams["maps"]
    assert (classes, height, width) == (3, 16, 16) and set(cams["files"]) == {"trained", "untrained"}
    images = np.stack([np.asarray(Image.open(site / DATA / probe["image"])) for probe in index["probes"]])
    images = images.astype(np.float32)
    model = ModelStore(source, source / ".layerpress-cache").get("tiny").keras_model
    raw = grad_cam(Scorer(model), "conv2d_1", np.repeat(images, classes, axis=0), np.tile(np.arange(classes), probes))
    expected = upsample(raw, (height, width)).reshape(probes, classes, height, width)
    codes = np.frombuffer((site / DATA / cams["files"]["trained"]).read_bytes(), np.uint8)
    offsets, steps = np.array(cams["offsets"]["trained"]), np.array(cams["steps"]["trained"])
    values = offsets[..., None, None] + steps[..., None, None] * codes.reshape(probes, classes, height, width)
    assert (np.abs(values - np.maximum(expected, 0)) <= steps[..., None, None] / 2 + 1e-6).all()
    assert f"<code>{cams['layer']}</code>, the last convolution" in (site / "explore/tiny/index.html").read_text()


def test_grad_cam_codes_are_the_grad_cam_figure_s_colour_levels_in_its_colours(built_blog):
    """The explorer colours its Grad-CAM maps as the post's grad-cam figure colours the same maps: the same scale
    (zero to each map's largest value), the same levels and the figure's colour map (magma here, where the
    activations figure's is viridis), pixel for pixel."""
    from generator.figures import colour_rule

    _, site = built_blog
    index = index_of(site)
    cams = index["gradcam"]
    with np.load(site / "figures/tiny-maps/where.npz") as figure:
        maps, classes = figure["maps"], figure["classes"]      # (probe, class, H, W), the classes drawn
    assert classes.tolist() == [[0, 1, 2]] * 2 and cams["classes"] == ["circle", "square", "triangle"]
    figure_colours = colour_rule.ramp("magma")[colour_rule.levels(colour_rule.share_places(maps))]
    codes = np.frombuffer((site / DATA / cams["files"]["trained"]).read_bytes(), np.uint8).reshape(maps.shape)
    palette = np.array([[int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)] for hex_colour in cams["colors"]])
    assert len(palette) == colour_rule.RAMP_LEVELS and (cams["cmap"], index["cmap"]) == ("magma", "viridis")
    assert "(magma, as the grad-cam figures colour them)" in " ".join((site / "explore/tiny/index.html").read_text().split())
    explorer_colours = palette[codes]
    assert explorer_colours.shape == figure_colours.shape and len(np.unique(codes)) > 20
    assert (explorer_colours == figure_colours).all()
