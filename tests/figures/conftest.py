"""Fixtures for the figures tests: a tiny source folder with a really trained model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from figures_testkit import TINY_SPEC, write_probes


@pytest.fixture(scope="session")
def trained_source(tmp_path_factory) -> tuple[Path, Path]:
    """(source folder, cache folder) with model 'tiny' (and 'tiny:untrained') trained once per session."""
    from generator.models.store import ModelStore

    root = tmp_path_factory.mktemp("figures-source")
    source, cache = root / "content", root / "cache"
    (source / "_models").mkdir(parents=True)
    (source / "_models" / "tiny.yml").write_text(TINY_SPEC)
    write_probes(source / "probes")
    store = ModelStore(source, cache)
    for ref in ("tiny", "tiny:untrained", "tiny:sgd"):
        store.record(ref)
    return source, cache


@pytest.fixture
def site_source(trained_source, tmp_path) -> tuple[Path, Path]:
    """A private copy of the trained source and model cache (figure cache starts empty)."""
    source, cache = trained_source
    shutil.copytree(source, tmp_path / "content")
    shutil.copytree(cache, tmp_path / "cache", ignore=shutil.ignore_patterns("figures"))
    return tmp_path / "content", tmp_path / "cache"
