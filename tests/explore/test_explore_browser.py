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


GRAD_CAM_PIXELS = """() => Array.from(document.querySelectorAll('.explorer-gradcam canvas')).map(canvas => ({
  label: canvas.getAttribute('aria-label'),
  pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data)}))"""


def test_grad_cam_pixels_are_the_grad_cam_figure_s_colours(explorer):
    """Each Grad-CAM map the page draws over a probe has, pixel for pixel, the colours the post's grad-cam figure
    draws for that probe and class (its `overlay`: its colour map, magma, its scale and levels, its opacity)."""
    from generator.figures.attribution_figure import overlay

    page, site = explorer
    index = json.loads((site / "explore/tiny/data/index.json").read_text())
    with np.load(site / "figures/tiny-maps/where.npz") as figure:
        images, maps = figure["images"], figure["maps"]
    for probe, entry in enumerate(index["probes"]):
        page.select_option("select[name=probe]", str(probe))
        page.wait_for_function("document.querySelector('.explorer-gradcam canvas').getAttribute('aria-label')"
                               f".endsWith({json.dumps(entry['name'])})")
        drawn = page.evaluate(GRAD_CAM_PIXELS)
        assert [d["label"].split(" for class ")[1].split(",")[0] for d in drawn] == index["gradcam"]["classes"]
        for k, canvas in enumerate(drawn):
            pixels = np.array(canvas["pixels"], np.uint8).reshape(*maps.shape[2:], 4)[..., :3]
            expected = overlay(images[probe], maps[probe, k], "magma", 0.6, False)
            assert (pixels == expected).all(), (entry["name"], k, int((pixels != expected).any(-1).sum()))


def test_the_header_is_as_wide_as_the_panels(browser, served_blog):
    base, _, _ = served_blog
    for width in (1280, 1600):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(base + "explore/tiny/#layer=conv2d&compare=1")
        page.wait_for_selector(".explorer-panels.explorer-side-by-side .explorer-detail-map")
        header = page.locator(".site-header .wrap").bounding_box()
        panels = page.locator(".explorer-panels").bounding_box()
        main = page.locator("main.wrap").bounding_box()
        page.close()
        assert abs(header["x"] - main["x"]) <= 1 and abs(header["width"] - main["width"]) <= 1, (width, header, main)
        assert panels["width"] > 1000, (width, panels)  # the panels use the wide column the header now spans


def bar_labels(page) -> list[float]:
    text = page.locator(".explorer-colourbar-labels").first.inner_text().split()
    return [float(label.replace("\u2212", "-")) for label in text]


def test_the_colour_bar_is_labelled_with_the_values_of_the_scale(explorer):
    page, site = explorer
    index = json.loads((site / "explore/tiny/data/index.json").read_text())
    layer = next(layer for layer in index["layers"] if layer["name"] == "conv2d")
    offsets, steps = np.array(layer["offsets"]["trained"][0]), np.array(layer["steps"]["trained"][0])
    highs = offsets + steps * index["levels"]
    page.goto(page.url.split("#")[0] + "#layer=conv2d&channel=1&probe=0&scale=map")
    page.wait_for_function("document.querySelector('.explorer-detail-title').textContent.startsWith('channel 1 ')")
    low, middle, high = bar_labels(page)
    assert (low, middle, high) == pytest.approx((offsets[1], (offsets[1] + highs[1]) / 2, highs[1]), rel=1e-4, abs=1e-6)
    assert "this map's own scale" in page.locator(".explorer-colourbar").first.inner_text()
    page.select_option("select[name=scale]", "layer")
    page.wait_for_function("document.querySelector('.explorer-colourbar').textContent.includes('for the layer')")
    assert bar_labels(page) == pytest.approx((offsets.min(), (offsets.min() + highs.max()) / 2, highs.max()),
                                             rel=1e-4, abs=1e-6)
    assert "scale=layer" in page.url


def canvas_pixels(page, selector: str) -> np.ndarray:
    """A canvas's own pixels (its intrinsic size), as RGB."""
    rgba = page.evaluate(f"""(() => {{ const c = document.querySelector({json.dumps(selector)});
        return {{ w: c.width, h: c.height, data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) }};
    }})()""")
    return np.array(rgba["data"], dtype=np.uint8).reshape(rgba["h"], rgba["w"], 4)[..., :3]


def test_a_channel_has_the_figures_colours(explorer):
    """The enlarged channel in the explorer is coloured as the figures colour it (colour_rule), from the same maps."""
    from generator.figures import colour_rule

    page, site = explorer
    with np.load(site / "figures/tiny-maps/maps.npz") as figure:
        maps = figure["activations_conv2d"][1]        # the circle, (H, W, C)
    for scale in ("map", "layer"):
        page.goto(page.url.split("#")[0] + f"#layer=conv2d&channel=2&probe=1&scale={scale}")
        page.wait_for_function("document.querySelector('.explorer-detail-title').textContent.startsWith('channel 2 ')"
                               f" && location.hash.includes('scale={scale}')")
        shown = canvas_pixels(page, ".explorer-detail-map")
        expected = colour_rule.map_levels(np.moveaxis(maps, -1, 0), scale)[2].astype(int)
        # on its own scale a map's codes are its colour levels; on the layer's scale a value stored within half a
        # step of the map may round to the next of the 224 levels
        ramp = colour_rule.ramp("viridis").astype(int)
        shown_levels = np.abs(shown.astype(int)[:, :, None, :] - ramp[None, None]).sum(axis=-1).argmin(axis=-1)
        assert (ramp[shown_levels] == shown).all()          # every pixel one of the figures' colours
        apart = np.abs(shown_levels - expected)
        assert apart.max() <= 1 and (apart == 0).mean() >= (0.99 if scale == "map" else 0.6), (scale, apart)


def test_a_dense_layer_is_folded_into_rgb_pixels(explorer):
    from generator.figures import colour_rule

    page, site = explorer
    index = json.loads((site / "explore/tiny/data/index.json").read_text())
    dense = next(layer for layer in index["layers"] if layer["name"] == "dense")
    assert dense["maps"] == [1, 1, 8] and dense["fold"] == 2             # 8 values: 2x2 pixels of 3, 4 zeros padding
    assert "fold" not in next(layer for layer in index["layers"] if layer["name"] == "dense_1")   # the output: a row
    page.goto(page.url.split("#")[0] + "#layer=dense&probe=0")
    page.wait_for_function("document.querySelector('.explorer-detail-title').textContent.includes('folded')")
    assert page.locator(".explorer-detail-title").inner_text() == "8 values folded into 2×2×3 RGB pixels"
    pixels = canvas_pixels(page, ".explorer-detail-map")
    codes = np.frombuffer((site / "explore/tiny/data/trained" / dense["file"]).read_bytes(), np.uint8)[:8]
    # each value a colour channel's brightness, dark (lowest) to full (highest), as dense_as_image draws it
    expected = colour_rule.levels(codes / index["levels"], 256)
    np.testing.assert_array_equal(pixels.reshape(-1)[:8], expected)
    assert expected.min() == 0 and expected.max() == 255
    assert (pixels.reshape(-1)[8:] == 0).all()                           # the padding is dark
    assert point_at_cell(page, 0, 1, 0, 2, 2).startswith("pixel row 0, column 1 (values 3 to 5): R ")
