"""Formulas typeset by the KaTeX files the theme ships, in headless Chromium, with no network."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from generator.build import BuildOptions, build

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
pytestmark = pytest.mark.slow

POST = r"""---
title: Softmax and cross-entropy
---
The loss is $$\mathcal{L}(\theta) = -\sum_{i} y_i \log \hat{y}_i$$ for a one-hot $$y$$.

$$
\begin{aligned}
\text{softmax}(z)_i &= \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}} \\
\| w \|_2^2 &= \sum_j w_j^2
\end{aligned}
$$

A sum in code stays code: `$$x_1$$`.
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    source = tmp_path / "blog"
    (source / "_posts").mkdir(parents=True)
    (source / "_config.yml").write_text("title: Math\n")
    (source / "_posts" / "2020-01-01-softmax.md").write_text(POST)
    (source / "_posts" / "2020-01-02-plain.md").write_text("---\ntitle: Plain\n---\nNo math.\n")
    build(BuildOptions(source=source, dest=tmp_path / "site"))
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_katex_typesets_inline_and_display_math_offline(served, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(served + "2020/01/01/softmax.html")
    page.wait_for_selector(".katex-display", timeout=10_000)
    assert page.locator(".post-content .katex").count() == 3          # 2 inline + 1 display
    assert page.locator(".katex-display").count() == 1
    assert page.locator(".katex-error").count() == 0
    assert page.locator("code", has_text="$$x_1$$").count() == 1
    assert all(url.startswith(served) for url in requests), requests  # no CDN
    fonts = page.evaluate("document.fonts.check('20px KaTeX_Main')")
    assert fonts
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "math-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "math-390.png"), full_page=True)
    page.goto(served + "2020/01/02/plain.html")
    assert page.evaluate("typeof katex") == "undefined"
    page.close()
