"""A build that renders keeps most of what it allocates: the youngest generation is collected
rarely (build.RENDERING_GC_THRESHOLD), not every 700 allocations; a no-change build leaves the
collector's thresholds alone."""

import gc
import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build

FIXTURE = Path(__file__).resolve().parents[1] / "compat" / "fixture_blog"


@pytest.fixture
def default_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def collections_during(action) -> int:
    count = [0]

    def counted(phase, info):
        if phase == "start" and info["generation"] == 0:
            count[0] += 1
    gc.callbacks.append(counted)
    try:
        action()
    finally:
        gc.callbacks.remove(counted)
    return count[0]


def test_a_rendering_build_collects_rarely_and_a_no_change_build_leaves_the_thresholds(tmp_path, default_thresholds):
    work, site = tmp_path / "blog", tmp_path / "site"
    shutil.copytree(FIXTURE, work)
    assert collections_during(lambda: build(BuildOptions(source=work, dest=site))) <= 2
    gc.set_threshold(700, 10, 10)
    build(BuildOptions(source=work, dest=site))   # nothing changed
    assert gc.get_threshold() == (700, 10, 10)
