"""Damaged cache entries are caught on the no-change path, dropped and recomputed; the site ends as a
clean build's."""

from __future__ import annotations

import json
import shutil

import pytest

from .conftest import png_bytes
from .test_training import TINY

CACHE = ".layerpress-cache"
NET = TINY.replace("{class_name: SGD, config: {learning_rate: 1.0e+30}}", "adam").replace("epochs: 3", "epochs: 1")
assert "adam" in NET


def site_files(blog):
    return {p.relative_to(blog.dest).as_posix(): p.read_bytes() for p in blog.dest.rglob("*") if p.is_file()}


def is_untrained(path):
    """A model entry of the `untrained` variant (the explorer builds one beside each published model)."""
    record = path.parent / "record.json"
    return record.exists() and json.loads(record.read_text()).get("variant") == "untrained"


def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def figure_blog(blog):
    blog.write("probes/x.png", png_bytes(size=(6, 4)))
    blog.post("```figure\nkind: reshape\nprobe: probes/x.png\nid: probe\n```\n")
    return "figures", "figure.png"


def model_blog(blog):
    blog.write("_models/net.yml", NET)
    blog.post("Parameters: {{ models.net.params }}.\n")
    return "models", "model.keras"


def figure_data_blog(blog):
    figure_blog(blog)
    return "figures", "data.npz"


@pytest.mark.parametrize("setup", [figure_blog, figure_data_blog, model_blog],
                         ids=["flipped byte in a figure", "flipped byte in figure data", "flipped byte in a model"])
def test_damaged_entry_is_dropped_and_recomputed(blog, setup):
    folder, name = setup(blog)
    assert blog.build().status == 0
    clean = site_files(blog)
    sources = blog.everything()
    [stored] = [path for path in (blog.source / CACHE / folder).rglob(name) if not is_untrained(path)]
    flip_a_byte(stored)
    run = blog.run("build", "--source", str(blog.source), "--dest", str(blog.dest))
    assert run.status == 0, run
    warnings = [line for line in run.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and f"is damaged ({name} differs from its manifest)" in warnings[0], run.err
    assert site_files(blog) == clean
    assert {k: v for k, v in blog.everything().items() if not k.startswith("out/")} == \
        {k: v for k, v in sources.items() if not k.startswith("out/")}
    run = blog.run("build", "--source", str(blog.source), "--dest", str(blog.dest))
    assert "warning" not in run.err  # repaired


def test_damaged_manifest_is_dropped_too(blog):
    figure_blog(blog)
    assert blog.build().status == 0
    clean = site_files(blog)
    [manifest] = (blog.source / CACHE / "figures").rglob("MANIFEST.json")
    manifest.write_text("{not json")
    run = blog.run("build", "--source", str(blog.source), "--dest", str(blog.dest))
    assert run.status == 0 and "MANIFEST.json differs from its manifest" in run.err, run
    assert site_files(blog) == clean


def test_site_equals_a_clean_build_after_repair(blog, tmp_path):
    figure_blog(blog)
    assert blog.build().status == 0
    [stored] = (blog.source / CACHE / "figures").rglob("figure.png")
    flip_a_byte(stored)
    assert blog.build().status == 0
    repaired = site_files(blog)
    shutil.rmtree(blog.source / CACHE)
    assert blog.build().status == 0
    assert site_files(blog) == repaired
