"""The default blog as a fresh clone has it (sources and _freeze/, no cache): `layerpress build` then
`layerpress check` exits 0 when everything reproduces, and `build --frozen` checks that every result is
frozen on every build, a no-change build included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .blogkit import layerpress, tree_hash
from .test_default_blog_frozen import fresh_copy

pytestmark = pytest.mark.slow

# `check` trains every model again: the copy it checks keeps the posts of the quickest one (shapes_cnn,
# about 15 s here) and of no model, with the blog's own _freeze/ and everything else.
KEPT_MODEL = "shapes_cnn"
KEPT_POSTS = ("2026-11-02-flatten-and-reshape.md", "2026-11-14-what-a-shapes-cnn-sees.md")
POST_URL = re.compile(r"\{%\s*post_url\s+(\S+)\s*%\}")


def fresh_small_copy(target: Path) -> Path:
    """A fresh copy of the default blog with only KEPT_POSTS and KEPT_MODEL; links to a removed post go home."""
    blog = fresh_copy(target)
    for spec in (blog / "_models").glob("*.yml"):
        if spec.stem != KEPT_MODEL:
            spec.unlink()
    for post in (blog / "_posts").iterdir():
        if post.name not in KEPT_POSTS:
            post.unlink()
    kept = {Path(name).stem for name in KEPT_POSTS}
    for name in KEPT_POSTS:
        post = blog / "_posts" / name
        post.write_text(POST_URL.sub(lambda link: link[0] if link[1] in kept else "/", post.read_text()))
    return blog


def test_build_then_check_on_a_fresh_clone_exits_0(tmp_path):
    """The build takes the explorer from _freeze/ and loads no model: the untrained variant it shows is
    neither frozen nor cached, and check compares it with the metrics the explorer page published."""
    blog = fresh_small_copy(tmp_path / "content")
    layerpress("build", "--source", "content", "--dest", "site", "--quiet", cwd=tmp_path)
    assert not (blog / ".layerpress-cache" / "models").exists()   # nothing trained: all of it was frozen
    result = layerpress("check", "--source", "content", "--dest", "site", cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:-1]}
    untrained = rows[f"{KEPT_MODEL}:untrained"]
    assert f"as explore-{KEPT_MODEL} shows them" in untrained
    assert all(row.endswith("  ok") for row in rows.values())
    assert result.stdout.splitlines()[-1].endswith("reproduced within tolerance (accuracy ±1 point, loss ±0.05, "
                                                   "arrays 5.00% of range, pixels 10.00%)")


def test_build_frozen_checks_completeness_on_a_no_change_build_of_a_fresh_clone(tmp_path):
    """A build draws a figure that is not frozen (a model-free one, no training); `build --frozen` with no
    file changed since (the no-change state and the stage memo would stand) fails, naming it, and leaves
    the site alone. Before the change, the same `build --frozen` passes."""
    blog = fresh_copy(tmp_path / "content")
    layerpress("build", "--source", "content", "--dest", "site", "--quiet", cwd=tmp_path)
    layerpress("build", "--frozen", "--source", "content", "--dest", "site", "--quiet", cwd=tmp_path)
    post = blog / "_posts" / "2026-11-02-flatten-and-reshape.md"
    text = post.read_text()
    assert "[[0, 0, 255], [255, 255, 0]]" in text
    post.write_text(text.replace("[[0, 0, 255], [255, 255, 0]]", "[[0, 0, 255], [255, 0, 255]]", 1))
    for _ in range(2):   # the first build rewrites figures.lock: the second is the one a no-change build repeats
        layerpress("build", "--source", "content", "--dest", "site", "--quiet", cwd=tmp_path)
    site = tree_hash(tmp_path / "site")
    result = layerpress("build", "--frozen", "--source", "content", "--dest", "site", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr == ("error: content/_freeze: 1 result not frozen: figure 'two-by-two' in "
                             "_posts/2026-11-02-flatten-and-reshape.md (run `layerpress freeze` and commit the folder)\n")
    assert tree_hash(tmp_path / "site") == site
