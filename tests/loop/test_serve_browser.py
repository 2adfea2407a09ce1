"""Live reload in a real headless Chromium: the page reloads itself and shows build errors as text."""

from __future__ import annotations


import pytest
from .conftest import write_post

from generator.serve import PreviewServer, ServeOptions

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def test_page_reloads_shows_the_error_escaped_and_clears_it(tiny_blog, page):
    with (tiny_blog / "_config.yml").open("a") as config:
        config.write("strict: true\n")     # an unknown layout is an error, not a warning
    with PreviewServer(ServeOptions(source=tiny_blog, port=0)) as server:
        page.goto(server.url + "2026/01/01/hello.html")
        assert "First words" in page.inner_text("body")

        write_post(tiny_blog, "Second words.")
        page.wait_for_function("document.body.innerText.includes('Second words.')", timeout=20_000)

        post = tiny_blog / "_posts" / "2026-01-01-hello.md"
        post.write_text("---\ntitle: Hello\nlayout: <b>bold</b>\n---\nBroken.\n")
        overlay = page.wait_for_selector("#layerpress-error", timeout=20_000)
        assert overlay.inner_text() == "layerpress build error\n" + server.events.state.error
        assert "unknown layout '<b>bold</b>'" in overlay.inner_text()
        assert page.query_selector("#layerpress-error b") is None
        assert "Second words." in page.inner_text("body")

        write_post(tiny_blog, "Fixed words.")
        page.wait_for_function("document.body.innerText.includes('Fixed words.')", timeout=20_000)
        assert page.query_selector("#layerpress-error") is None
