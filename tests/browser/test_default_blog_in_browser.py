"""The default blog, built for real and opened page by page in headless Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from browser_site import html_pages

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
pytestmark = pytest.mark.slow


def visit(browser, url: str) -> dict:
    """Open a page, make every image load, and collect what a reader would notice."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto(url, wait_until="load")
    page.evaluate("document.querySelectorAll('img').forEach(img => { img.loading = 'eager'; })")
    # the explorer adds its probe images from its data after load: wait until nothing is in flight
    page.wait_for_load_state("networkidle")
    page.wait_for_function("Array.from(document.images).every(img => img.complete)", timeout=15_000)
    images = page.evaluate(
        "Array.from(document.images).map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth}))"
    )
    links = page.evaluate(
        "Array.from(document.querySelectorAll('a[href], link[href], script[src]'))"
        ".map(el => el.href || el.src)"
    )
    return {"page": page, "status": response.status, "problems": problems, "images": images, "links": links}


def test_every_page_loads_its_images_without_console_errors(served_site, browser):
    base, dest = served_site
    pages = html_pages(dest)
    assert len(pages) >= 7, pages  # index, five posts, about, ...
    failures = []
    for path in pages:
        result = visit(browser, urljoin(base, path))
        result["page"].close()
        if path != "404.html" and result["status"] != 200:
            failures.append(f"{path}: HTTP {result['status']}")
        failures += [f"{path}: console: {text}" for text in result["problems"]]
        failures += [f"{path}: image did not load: {img['src']}" for img in result["images"] if img["width"] == 0]
    assert failures == []


def test_no_internal_link_is_broken(served_site, browser):
    base, dest = served_site
    host = urlparse(base).netloc
    targets = set()
    for path in html_pages(dest):
        result = visit(browser, urljoin(base, path))
        result["page"].close()
        targets.update(link.split("#")[0] for link in result["links"] if urlparse(link).netloc == host)
    assert targets, "no internal links found"
    context = browser.new_context()
    broken = [link for link in sorted(targets) if context.request.get(link).status != 200]
    context.close()
    assert broken == []


def test_every_post_page_shows_its_figures(served_site, browser):
    base, dest = served_site
    posts = [p for p in html_pages(dest) if p.count("/") >= 4]  # pretty permalinks: cat/yyyy/mm/dd/slug/
    assert len(posts) == 6, posts
    for path in posts:
        result = visit(browser, urljoin(base, path))
        figures = result["page"].locator("figure img").count()
        result["page"].close()
        assert figures >= 1, f"{path} shows no figure image"


def test_full_page_screenshots_of_index_and_a_post(served_site, browser):
    base, dest = served_site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    post = next(p for p in html_pages(dest) if "shapes" in p)
    for name, path in [("index", ""), ("post", post)]:
        result = visit(browser, urljoin(base, path))
        target = ARTIFACTS / f"{name}.png"
        result["page"].screenshot(path=str(target), full_page=True)
        result["page"].close()
        assert target.stat().st_size > 10_000


FIGURE_IMAGES = """async () => {
  const images = Array.from(document.querySelectorAll('figure.layerpress-figure img'));
  return Promise.all(images.map(async img => {
    const file = new Image();  // no srcset: its natural width is the file's own pixel width
    file.src = img.currentSrc;
    await file.decode();
    const box = img.getBoundingClientRect();
    return {src: img.currentSrc, pixels: file.naturalWidth, rendered: box.width, left: box.left, right: box.right,
            alt: img.getAttribute('alt')};
  }));
}"""


# A table wider than its box scrolls sideways, but nothing tells a reader its last columns are there.
WIDE_TABLES = """Array.from(document.querySelectorAll('table'))
  .filter(table => table.scrollWidth > table.clientWidth + 1)
  .map(table => ({class: table.className, hidden: table.scrollWidth - table.clientWidth}))"""


@pytest.mark.parametrize("viewport_width", [1280, 390])
def test_every_figure_is_sharp_and_unclipped(served_site, browser, viewport_width):
    """At a desktop and a phone width, every figure image has 2 file pixels per CSS pixel and fits the screen."""
    base, dest = served_site
    posts = [p for p in html_pages(dest) if p.count("/") >= 4]
    failures, checked, tables = [], 0, 0
    for path in posts:
        page = browser.new_page(viewport={"width": viewport_width, "height": 900})
        page.goto(urljoin(base, path), wait_until="load")
        page.evaluate("document.querySelectorAll('img').forEach(img => { img.loading = 'eager'; })")
        page.wait_for_function("Array.from(document.images).every(img => img.complete)", timeout=15_000)
        for image in page.evaluate(FIGURE_IMAGES):
            checked += 1
            name = f"{path} {image['src'].rsplit('/', 1)[-1]} at {viewport_width}px"
            if image["pixels"] < 2 * image["rendered"] - 0.5:
                failures.append(f"{name}: {image['pixels']} file pixels for {image['rendered']:.0f} CSS px")
            if image["left"] < 0 or image["right"] > viewport_width + 0.5:
                failures.append(f"{name}: clipped ({image['left']:.0f}..{image['right']:.0f})")
            if "&" in image["alt"] or not image["alt"]:
                failures.append(f"{name}: alt text {image['alt']!r}")
            if viewport_width <= 480 and "-narrow." not in image["src"] and image["rendered"] > 340:
                failures.append(f"{name}: a phone shows the desktop layout")
        for table in page.evaluate(WIDE_TABLES):
            failures.append(f"{path} table.{table['class']} at {viewport_width}px: {table['hidden']} CSS px off screen")
        tables += page.evaluate("document.querySelectorAll('table').length")
        page.close()
    assert checked >= 15 and tables >= 5
    assert failures == []


def test_no_default_figure_falls_below_the_legibility_thresholds(served_site):
    import json

    from generator.figures.layout import THRESHOLDS, below_thresholds

    _, dest = served_site
    manifest = json.loads((dest / "figures.json").read_text())
    drawn = [entry for entry in manifest if entry["legibility"]]
    assert len(drawn) >= 15
    for entry in drawn:
        assert set(entry["legibility"]) == set(THRESHOLDS), entry["id"]
    assert [(entry["id"], below_thresholds(entry["legibility"])) for entry in drawn
            if below_thresholds(entry["legibility"])] == []
