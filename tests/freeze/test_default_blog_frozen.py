"""The default blog as committed (sources and _freeze/, no cache) builds where TensorFlow cannot be
imported, into the same site as a build with every library there."""

from __future__ import annotations

import shutil
from pathlib import Path

from .blogkit import REPO, layerpress, tree_hash, without_tensorflow


def fresh_copy(target: Path) -> Path:
    shutil.copytree(REPO / "content", target, ignore=shutil.ignore_patterns(".layerpress-cache"))
    return target


def test_the_default_blog_builds_without_tensorflow_into_the_same_site(tmp_path):
    normal, blocked = fresh_copy(tmp_path / "normal" / "content"), fresh_copy(tmp_path / "blocked" / "content")
    layerpress("build", "--source", "content", "--dest", "site", "--quiet", cwd=normal.parent)
    result = layerpress("build", "--frozen", "--source", "content", "--dest", "site", cwd=blocked.parent,
                        env=without_tensorflow(tmp_path))
    assert result.stderr == ""   # nothing to compute, no drift, nothing stale
    assert tree_hash(blocked.parent / "site") == tree_hash(normal.parent / "site")
    assert not (blocked / ".layerpress-cache" / "models").exists()   # nothing trained
