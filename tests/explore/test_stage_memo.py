"""A build that changes no figure input reuses what the figures stage and the explorer handed the last
build (generator/stage_memo.py), and writes what a build running them writes."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

import generator.compute
from generator.build import BuildOptions, build

pytestmark = pytest.mark.slow   # the blog's tiny model is trained once per session
POST = "_posts/2026-01-05-tiny-maps.md"


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


@pytest.fixture
def stage_runs(monkeypatch) -> list:
    """One item per run of the compute step (the figures stage, then the explorers)."""
    runs: list = []
    compute = generator.compute.compute

    def counted(*args, **kwargs):
        runs.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(generator.compute, "compute", counted)
    return runs


def edit_prose(source: Path, lines: str = "A new first paragraph.\n\nAnd a second one.\n\n") -> None:
    post = source / POST
    text = post.read_text()
    body = text.index("\n---\n", 4) + len("\n---\n")
    post.write_text(text[:body] + lines + text[body:])


def test_a_prose_edit_reuses_the_stages_and_writes_what_a_clean_build_writes(blog_copy, stage_runs, tmp_path):
    source, site = blog_copy
    build(BuildOptions(source=source, dest=site))    # keeps the stages' snapshot
    assert len(stage_runs) == 1
    edit_prose(source)
    build(BuildOptions(source=source, dest=site))
    assert len(stage_runs) == 1                       # not run again

    clean, clean_site = tmp_path / "clean", tmp_path / "clean-site"
    shutil.copytree(source, clean, ignore=shutil.ignore_patterns("builds"))   # models and figures cached
    build(BuildOptions(source=clean, dest=clean_site))
    assert len(stage_runs) == 2
    assert tree(site) == tree(clean_site)
    entry = next(e for e in json.loads((site / "figures.json").read_text()) if e["id"] == "maps")
    fence = (source / POST).read_text().splitlines().index("```figure") + 1
    assert entry["line"] == fence                     # the block moved down: its line is the current one


def test_what_the_stages_logged_is_logged_again(blog_copy, stage_runs, caplog):
    source, site = blog_copy
    (source / "_config.yml").write_text((source / "_config.yml").read_text() + "freeze: false\n")
    (source / "_freeze").mkdir()   # frozen results exist, and these were computed here: a note says so

    def logged() -> list[tuple[str, int, str]]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="generator"):
            build(BuildOptions(source=source, dest=site))
        return [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name != "generator.build"]

    computed = logged()
    assert len(stage_runs) == 1 and any("computed here" in message for _, _, message in computed)
    edit_prose(source, "A sentence.\n\n")
    assert logged() == computed and len(stage_runs) == 1


def test_legibility_warnings_name_the_current_line(blog_copy, stage_runs, caplog):
    source, site = blog_copy
    post = source / POST
    post.write_text(post.read_text().replace("layers: [conv2d, max_pooling2d]", "layers: [conv2d, max_pooling2d]\nwidth: 60"))

    def warned() -> list[str]:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="generator"):
            build(BuildOptions(source=source, dest=site))
        return [r.getMessage() for r in caplog.records if "is hard to read" in r.getMessage()]

    first = warned()
    assert len(first) == 1 and len(stage_runs) == 1
    edit_prose(source, "One.\n\nTwo.\n\nThree.\n\n")
    fence = post.read_text().splitlines().index("```figure") + 1
    again = warned()
    assert len(stage_runs) == 1
    assert again == [first[0].replace(f"{POST}:{fence - 6}:", f"{POST}:{fence}:")] and f":{fence}:" in again[0]


@pytest.mark.parametrize("change", ["figure block", "model spec", "probe", "config", "cache entry", "--force"])
def test_any_other_change_runs_the_stages(blog_copy, stage_runs, change):
    source, site = blog_copy
    build(BuildOptions(source=source, dest=site))
    options = BuildOptions(source=source, dest=site)
    if change == "figure block":
        post = source / POST
        post.write_text(post.read_text().replace("caption: Every channel", "caption: All channels"))
    elif change == "model spec":
        spec = source / "_models" / "tiny.yml"
        spec.write_text(spec.read_text() + "\n# a comment\n")
    elif change == "probe":
        shutil.copy(source / "probes" / "circle.png", source / "probes" / "triangle.png")
    elif change == "config":
        (source / "_config.yml").write_text((source / "_config.yml").read_text() + "description: Maps\n")
    elif change == "cache entry":
        entry = next((source / ".layerpress-cache" / "figures").rglob("meta.json")).parent
        shutil.rmtree(entry)
    else:
        options.force = True
    build(options)
    assert len(stage_runs) == 2
    if change == "figure block":
        assert "All channels" in (site / "2026/01/05/tiny-maps.html").read_text()
