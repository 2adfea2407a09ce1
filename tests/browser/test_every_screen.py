"""Every screen (issue #26): the default blog at 360, 390 and 1280 px in headless Chromium, at device scale
factors 1, 2 and 3, light and dark, with and without reduced motion, measured as a reader's browser shows it."""

from __future__ import annotations

import io
from urllib.parse import urljoin

import numpy as np
import pytest
from PIL import Image

from browser_site import html_pages, post_pages

pytestmark = pytest.mark.slow
WIDTHS = [360, 390, 1280]
PHONE = 480  # the theme's narrow variants are for screens up to this width

# Each figure image: the file the browser chose, its own pixel width (a srcset's density does not divide it here),
# its CSS width, and the colour of its top-left pixel (the figure's paper).
FIGURE_IMAGES = """async () => {
  const images = Array.from(document.querySelectorAll('figure.layerpress-figure img'));
  return Promise.all(images.map(async img => {
    const file = new Image();
    file.src = img.currentSrc;
    await file.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 2;
    const context = canvas.getContext('2d');
    context.drawImage(file, 0, 0);
    return {src: img.currentSrc, pixels: file.naturalWidth, rendered: img.getBoundingClientRect().width,
            paper: Array.from(context.getImageData(1, 1, 1, 1).data.slice(0, 3)),
            kind: img.closest('figure').className};
  }));
}"""


def open_page(context, url: str):
    """A page of `context` with every image loaded (lazy ones too)."""
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.querySelectorAll('img').forEach(img => { img.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(img => img.complete)", timeout=15_000)
    return page


def overflow(page) -> int:
    """CSS px by which the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_figure_is_2x_and_no_page_scrolls_sideways(served_site, browser, width):
    """At device scale factors 1, 2 and 3 every figure image has at least 2 file pixels per CSS pixel, and no
    page (posts, home, about, explorers) is wider than the screen: wide code scrolls in its own box."""
    base, dest = served_site
    failures, checked = [], 0
    for scale in (1, 2, 3):
        context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=scale)
        for path in html_pages(dest) if scale == 1 else post_pages(dest):
            page = open_page(context, urljoin(base, path))
            if scale == 1 and overflow(page) > 0:
                failures.append(f"{path or 'home'} at {width}px: {overflow(page)} CSS px wider than the screen")
            for image in page.evaluate(FIGURE_IMAGES):
                checked += 1
                if image["pixels"] < 2 * image["rendered"] - 0.5:
                    failures.append(f"{image['src']} at {width}px x{scale}: {image['pixels']} file pixels for "
                                    f"{image['rendered']:.0f} CSS px")
                if width <= PHONE and "-narrow" not in image["src"] and image["rendered"] > 340:
                    failures.append(f"{image['src']} at {width}px: a phone is shown the desktop drawing")
            page.close()
        context.close()
    assert checked >= 3 * 30
    assert failures == []


@pytest.mark.parametrize("width", [390, 1280])
def test_dark_mode_shows_the_dark_drawings(served_site, browser, width):
    """Under a dark colour scheme every figure image is its dark rendering, whose paper really is dark."""
    base, dest = served_site
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme="dark")
    failures, checked = [], 0
    for path in post_pages(dest):
        page = open_page(context, urljoin(base, path))
        for image in page.evaluate(FIGURE_IMAGES):
            checked += 1
            if "-dark." not in image["src"] or max(image["paper"]) > 60:
                failures.append(f"{image['src']} at {width}px: paper {image['paper']}")
        page.close()
    context.close()
    light = browser.new_context(viewport={"width": width, "height": 800}, color_scheme="light")
    page = open_page(light, urljoin(base, post_pages(dest)[0]))
    assert all("-dark." not in image["src"] and min(image["paper"]) > 240 for image in page.evaluate(FIGURE_IMAGES))
    light.close()
    assert checked >= 30
    assert failures == []


@pytest.mark.parametrize("width", [390, 1280])
def test_reduced_motion_shows_the_animation_still(served_site, browser, width):
    base, dest = served_site
    animated = [path for path in post_pages(dest) if "convolutions" in path]
    expected = {390: ["-narrow.gif", "-narrow-still.png", "-narrow-still-dark.png"],
                1280: [".gif", "-still.png", "-still-dark.png"]}[width]
    for (motion, scheme), ending in zip([("no-preference", "light"), ("reduce", "light"), ("reduce", "dark")],
                                        expected):
        context = browser.new_context(viewport={"width": width, "height": 800}, reduced_motion=motion,
                                      color_scheme=scheme)
        page = open_page(context, urljoin(base, animated[0]))
        sources = [image["src"] for image in page.evaluate(FIGURE_IMAGES) if "conv-animation" in image["kind"]]
        assert sources and all(src.endswith(ending) for src in sources), (motion, scheme, sources)
        context.close()


def test_no_math_assets_on_pages_without_math(served_site, browser):
    """KaTeX's CSS, JavaScript and fonts are requested only by pages that have math (home page included)."""
    base, dest = served_site
    without_math = [path for path in html_pages(dest) if 'class="arithmatex"' not in
                    (dest / path / "index.html" if not path.endswith(".html") else dest / path).read_text()]
    assert "" in without_math and len(without_math) >= 5  # the home page's excerpts have no formula
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    loaded = []
    for path in without_math:
        page = context.new_page()
        page.on("request", lambda request, path=path: "katex" in request.url and loaded.append((path, request.url)))
        page.goto(urljoin(base, path), wait_until="load")
        page.close()
    with_math = context.new_page()
    requests = []
    with_math.on("request", lambda request: requests.append(request.url))
    with_math.goto(urljoin(base, next(p for p in html_pages(dest) if p not in without_math)), wait_until="load")
    context.close()
    assert any("katex" in url for url in requests)  # the check can see KaTeX where it belongs
    assert loaded == []


def framed_tiles(image: np.ndarray, shortest: int = 40) -> list[np.ndarray]:
    """The insides of one-pixel grey frames (the activations figure frames each probe's tile): found from a
    horizontal run of one grey at least `shortest` pixels long that also runs down from its start."""
    tiles = []
    grey = (image[..., 0] == image[..., 1]) & (image[..., 1] == image[..., 2]) & (image[..., 0] > 0) \
        & (image[..., 0] < 255)
    for top, left in zip(*np.nonzero(grey[:-shortest, :-shortest])):
        colour = image[top, left]
        if (left and (image[top, left - 1] == colour).all()) or (top and (image[top - 1, left] == colour).all()):
            continue  # not a top-left corner
        across = int(np.argmin(np.append((image[top, left:] == colour).all(axis=-1), False)))
        down = int(np.argmin(np.append((image[top:, left] == colour).all(axis=-1), False)))
        if across >= shortest and down >= shortest:
            tiles.append(image[top + 1:top + down - 1, left + 1:left + across - 1])
    return tiles


def test_the_phone_activations_grid_shows_each_probe_whole(served_site, browser):
    """At 390 px each activations figure is its narrow drawing, and its input tile holds the whole probe: the
    probe (from the figure's data) resized to the tile's content matches it."""
    base, dest = served_site
    context = browser.new_context(viewport={"width": 390, "height": 800}, device_scale_factor=2)
    checked = 0
    for path in post_pages(dest):
        page = open_page(context, urljoin(base, path))
        for image in page.evaluate(FIGURE_IMAGES):
            if "figure-activations" not in image["kind"]:
                continue
            assert "-narrow." in image["src"], image["src"]
            drawn = np.asarray(Image.open(io.BytesIO(context.request.get(image["src"]).body())).convert("RGB"))
            data = np.load(io.BytesIO(context.request.get(image["src"].rsplit("-narrow", 1)[0] + ".npz").body()))
            probes = [np.repeat(p, 3, axis=2) if p.shape[2] == 1 else p[..., :3]
                      for p in np.clip(np.round(data["probes"]), 0, 255).astype(np.uint8)]
            for tile in framed_tiles(drawn):
                checked += 1
                content = tile[(tile != 255).any(axis=(1, 2))][:, (tile != 255).any(axis=(0, 2))]
                best = min(np.abs(np.asarray(Image.fromarray(probe).resize(
                    (content.shape[1], content.shape[0]), Image.Resampling.NEAREST), dtype=float) - content).mean()
                    for probe in probes)
                assert best < 5, f"{image['src']}: a probe tile differs from every probe by {best:.1f} on average"
        page.close()
    context.close()
    assert checked >= 4


# Per figure with an image: the hrefs of its full-size links a reader can see (and so click or reach by Tab).
SHOWN_FULL_SIZE_LINKS = """Array.from(document.querySelectorAll('figure.layerpress-figure'))
  .filter(figure => figure.querySelector('img'))
  .map(figure => Array.from(figure.querySelectorAll('a.figure-full-size'))
    .filter(link => link.checkVisibility()).map(link => link.href))"""


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_full_size_link_opens_the_rendering_of_the_colour_scheme(served_site, browser, scheme):
    """A figure's link to its full-size image opens the dark drawing under a dark colour scheme and the light one
    otherwise: one link a figure is shown, without any script."""
    base, dest = served_site
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme,
                                  java_script_enabled=False)
    page = context.new_page()
    checked = 0
    for path in post_pages(dest):
        page.goto(urljoin(base, path), wait_until="load")
        for links in page.evaluate(SHOWN_FULL_SIZE_LINKS):
            checked += 1
            assert len(links) == 1, (path, links)
            assert links[0].endswith((".png", ".gif")) and ("-dark." in links[0]) == (scheme == "dark"), (path, links)
    assert checked >= 30
    page.goto(urljoin(base, post_pages(dest)[0]), wait_until="load")
    first = page.locator("a.figure-full-size:visible").first
    expected = first.get_attribute("href")
    first.click()
    page.wait_for_load_state()
    assert page.url == urljoin(base, expected) and ("-dark." in page.url) == (scheme == "dark")
    context.close()
