"""A fixed intra-op thread count trains the same weights on one core as on every core;
TensorFlow's own default (one thread per core) does not."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from benchmarks.bench_determinism import EVERY_CORE, SMALL_MODEL, train_in_a_fresh_process

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("taskset") is None or len(os.sched_getaffinity(0)) < 2,
                                 reason="needs taskset and at least two cores")]


def weights_digest(environment: dict, one_core: bool) -> str:
    with tempfile.TemporaryDirectory() as folder:
        blog = Path(folder) / "blog"
        (blog / "_models").mkdir(parents=True)
        (blog / "_models" / "small.yml").write_text(SMALL_MODEL)
        return train_in_a_fresh_process(blog, Path(folder) / "cache", None, environment, one_core)["digest"]


def test_layerpress_thread_count_makes_weights_independent_of_the_cores():
    assert weights_digest({}, one_core=True) == weights_digest({}, one_core=False)


def test_tensorflow_default_thread_count_does_not():
    assert weights_digest(EVERY_CORE, one_core=True) != weights_digest(EVERY_CORE, one_core=False)
