"""The explorer page in headless Chromium: the values it shows are the model's, the toggles work."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

pytestmark = pytest.mark.slow
READOUT = re.compile(r"^row (\d+), column (\d+): (\S+)$")


@pytest.fixture
def explorer(browser, served_blog):
    """The tiny model's explorer page, loaded, with the console errors it logs."""
    base, source, site = served_blog
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "explore/tiny/")
    page.wait_for_selector(".explorer-panel .explorer-detail-map")
    yield page, site
    page.close()
    assert errors == []


def point_at_cell(page, panel: int, x: int, y: int, columns: int, rows: int) -> str:
    """Move the mouse to the centre of cell (x, y) of a panel's enlarged map; the readout it shows."""
    canvas = page.locator(".explorer-panel .explorer-detail-map").nth(panel)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + (x + 0.5) * box["width"] / columns, box["y"] + (y + 0.5) * box["height"] / rows)
    return page.locator(".explorer-panel .explorer-value").nth(panel).inner_text()


def test_values_under_the_pointer_are_the_npz_activations(explorer):
    page, site = explorer
    index = json.loads((site / "explore/tiny/data/index.json").read_text())
    page.select_option("select[name=layer]", "conv2d")
    page.select_option("select[name=probe]", "1")            # the circle
    page.fill("input[name=channel]", "2")
    page.wait_for_function("document.querySelector('.explorer-detail-title').textContent.startsWith('channel 2 ')")
    assert page.locator(".explorer-channel").count() == 4
    assert page.locator(".explorer-channel[aria-pressed=true]").get_attribute("aria-label") == "channel 2"

    layer = next(layer for layer in index["layers"] if layer["name"] == "conv2d")
    step = layer["steps"]["trained"][1][2]
    assert step > 0
    with np.load(site / "figures/tiny-maps/maps.npz") as figure:
        maps = figure["activations_conv2d"][1, :, :, 2]     # probe circle, channel 2, (H, W)
    checked = 0
    for x, y in [(0, 0), (7, 3), (15, 15), (4, 11), (10, 8), (12, 2)]:
        text = point_at_cell(page, 0, x, y, 16, 16)
        row, column, shown = READOUT.match(text).groups()
        assert (int(row), int(column)) == (y, x)
        expected = float(maps[y, x])
        assert abs(float(shown) - expected) <= step / 2 + 1e-4 * abs(expected) + 1e-9, (x, y, shown, expected)
        checked += 1
    assert checked == 6
    assert len({point_at_cell(page, 0, x, 5, 16, 16) for x in range(16)}) > 1   # not one value everywhere


def test_the_untrained_toggle_changes_the_maps_and_the_title(explorer):
    page, _ = explorer
    page.select_option("select[name=layer]", "conv2d")
    # The layer's file is fetched first: the grid is conv2d's once the status line names it.
    page.wait_for_function("document.querySelector('.explorer-status').textContent.startsWith('conv2d ')")
    assert "(trained)" in page.title()
    grid = "Array.from(document.querySelectorAll('.explorer-channel canvas')).map(c => c.toDataURL()).join()"
    trained = page.evaluate(grid)
    page.check("input[name=variant][value=untrained]")
    page.wait_for_function("document.title.includes('(untrained)')")
    page.wait_for_function(f"({grid}) !== {json.dumps(trained)}")
    assert "untrained" in page.locator(".explorer-status").inner_text()
    page.check("input[name=variant][value=trained]")
    page.wait_for_function("document.title.includes('(trained)')")
    assert page.evaluate(grid) == trained      # the title changes once the maps are drawn


def test_two_probes_side_by_side_read_the_same_cell(explorer):
    page, _ = explorer
    page.select_option("select[name=layer]", "max_pooling2d")
    page.select_option("select[name=compare]", "1")
    page.wait_for_selector(".explorer-panels.explorer-side-by-side")
    panels = page.locator(".explorer-panel")
    assert panels.count() == 2
    assert [panels.nth(i).get_attribute("data-probe") for i in range(2)] == ["0", "1"]
    assert "triangle.png" in panels.nth(0).inner_text() and "circle.png" in panels.nth(1).inner_text()
    point_at_cell(page, 0, 3, 4, 8, 8)
    readouts = [page.locator(".explorer-value").nth(i).inner_text() for i in range(2)]
    assert all(text.startswith("row 4, column 3: ") for text in readouts)
    assert "compare=1" in page.url


def test_keyboard_alone_picks_layer_channel_and_pixel(explorer):
    page, _ = explorer
    page.focus("select[name=layer]")
    page.keyboard.press("ArrowDown")                          # rescaling -> conv2d
    page.wait_for_function("document.querySelector('.explorer-status').textContent.startsWith('conv2d ')")
    page.locator(".explorer-channel").nth(3).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.explorer-detail-title').textContent.startsWith('channel 3 ')")
    page.focus(".explorer-detail-map")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"                                 # focus is visible
    page.keyboard.press("ArrowRight")                         # first press shows the top-left cell
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert page.locator(".explorer-value").first.inner_text().startswith("row 1, column 1: ")


def test_screenshots_at_two_widths(browser, served_blog, tmp_path):
    base, _, _ = served_blog
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(base + "explore/tiny/#layer=conv2d&channel=1&compare=1")
        page.wait_for_selector(".explorer-panel .explorer-detail-map")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"horizontal scroll at {width} px"
        page.screenshot(path=str(tmp_path / f"explorer-{width}.png"), full_page=True)
        page.close()


def test_the_explorer_works_from_layerpress_serve(browser, blog_copy):
    """The preview server (baseurl /blog) serves the page, its module script and its data files."""
    from generator.serve import PreviewServer, ServeOptions

    source, _ = blog_copy
    with PreviewServer(ServeOptions(source=source, port=0)) as server:
        assert server.url.endswith("/blog/")
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "explore/tiny/#layer=max_pooling2d&channel=3")
        page.wait_for_selector(".explorer-panel .explorer-detail-map")
        assert page.locator(".explorer-channel").count() == 4
        assert point_at_cell(page, 0, 2, 5, 8, 8).startswith("row 5, column 2: ")
        page.close()
    assert errors == []


def test_grad_cam_of_the_probe_for_every_class(explorer):
    page, site = explorer
    index = json.loads((site / "explore/tiny/data/index.json").read_text())
    page.wait_for_selector(".explorer-gradcam canvas")
    captions = page.locator(".explorer-gradcam figcaption").all_inner_texts()
    assert captions == index["gradcam"]["classes"]
    label = page.locator(".explorer-gradcam canvas").first.get_attribute("aria-label")
    assert label == f"Grad-CAM of conv2d_1 for class circle, over {index['probes'][0]['name']}"
    page.select_option("select[name=probe]", "1")
    page.wait_for_function("document.querySelector('.explorer-gradcam canvas').getAttribute('aria-label')"
                           ".endsWith('circle.png')")
    page.locator("input[name=variant][value=untrained]").check()
    page.wait_for_selector(".explorer-gradcam canvas")
