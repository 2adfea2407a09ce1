"""Fixtures: the tiny blog built and frozen once per session, and a fresh copy of it per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .blogkit import layerpress, make_blog


@pytest.fixture(scope="session")
def frozen_blog(tmp_path_factory) -> Path:
    """The tiny blog built into ../site (training its models once) and then frozen; tests copy it."""
    root = tmp_path_factory.mktemp("frozen")
    blog = make_blog(root / "blog")
    layerpress("build", "--source", "blog", "--dest", "site", "--quiet", cwd=root)
    layerpress("freeze", "--source", "blog", "--quiet", cwd=root)
    return blog


@pytest.fixture
def blog(frozen_blog, tmp_path) -> Path:
    """A copy of the frozen blog with its cache and site, to change."""
    shutil.copytree(frozen_blog.parent, tmp_path / "copy")
    return tmp_path / "copy" / "blog"
