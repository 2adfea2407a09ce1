import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from generator.figures import colour_rule
from generator.figures.kinds.activations import channel_tiles
from generator.figures.layout import Layout, below_thresholds, legibility
from generator.figures.tiling import (colour_bar, colormap_palette, flow, gif_bytes, label_above, npz_bytes,
                                      png_bytes, stack_horizontally, table_of_panels, text_lines,
                                      text_width, tile_grid, wrap_text)


def expected_tiling(tiles, per_row, gap, fill=255):
    """Reference layout written the slow, obvious way: place each tile at its row and column."""
    count, height, width = tiles.shape[:3]
    columns = min(per_row, count)
    rows = -(-count // columns)
    out = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap, *tiles.shape[3:]), fill, tiles.dtype)
    for index in range(count):
        row, column = divmod(index, columns)
        top, left = row * (height + gap), column * (width + gap)
        out[top:top + height, left:left + width] = tiles[index]
    return out


@pytest.mark.parametrize("count, per_row", [(32, 16), (10, 4), (3, 16), (1, 1), (7, 7)])
def test_grid_places_every_tile_where_the_reference_does(count, per_row):
    tiles = np.arange(count * 3 * 2, dtype=np.uint8).reshape(count, 3, 2) + 1
    grid = tile_grid(tiles, per_row, gap=1)
    np.testing.assert_array_equal(grid, expected_tiling(tiles, per_row, gap=1))
    assert set(np.unique(tiles)) <= set(np.unique(grid))  # no channel dropped


def test_fewer_channels_than_per_row_make_one_short_row():
    tiles = np.ones((3, 4, 4), np.uint8)
    assert tile_grid(tiles, per_row=16, gap=1).shape == (4, 3 * 5 - 1)


def test_remainder_channels_get_a_padded_last_row():
    tiles = np.zeros((5, 2, 2), np.uint8)
    grid = tile_grid(tiles, per_row=2, gap=0)
    assert grid.shape == (6, 4)
    assert (grid[4:, 2:] == 255).all() and (grid[4:, :2] == 0).all()


def test_colour_rule_min_max_per_map_and_per_layer_and_constant_maps():
    maps = np.zeros((3, 4, 4))
    maps[0] = np.arange(16).reshape(4, 4)
    maps[1] = 7  # constant
    maps[2, 3, 3] = 100  # one outlier: the rest sits at the bottom, it at the top
    per_map = colour_rule.places(maps, "map")
    np.testing.assert_allclose(per_map[0], np.arange(16).reshape(4, 4) / 15)
    assert (per_map[1] == 0).all() and colour_rule.constant_maps(maps) == 1
    assert per_map[2, 3, 3] == 1 and (per_map[2].ravel()[:-1] == 0).all()
    per_layer = colour_rule.places(maps, "layer")  # one range, 0..100, for the three maps
    np.testing.assert_allclose(per_layer[0], np.arange(16).reshape(4, 4) / 100)
    assert (per_layer[1] == 0.07).all() and per_layer[2, 3, 3] == 1
    assert (colour_rule.places(np.full((2, 3, 3), 5.0), "layer") == 0).all()  # a layer with no spread
    np.testing.assert_array_equal(colour_rule.levels(np.array([0.0, 0.5, 1.0]), 224), [0, 112, 223])


def test_palette_holds_the_colormap_then_ink_and_background():
    import matplotlib

    palette = colormap_palette("viridis")
    assert palette.shape == (256, 3) and palette.dtype == np.uint8
    colormap = matplotlib.colormaps["viridis"]
    np.testing.assert_array_equal(palette[0], np.round(np.array(colormap(0.0)[:3]) * 255))
    np.testing.assert_array_equal(palette[253], np.round(np.array(colormap(1.0)[:3]) * 255))
    assert tuple(palette[254]) == (0, 0, 0) and tuple(palette[255]) == (255, 255, 255)


def test_channel_tiles_are_min_max_levels_enlarged_without_blur():
    rng = np.random.default_rng(0)
    maps = rng.integers(0, 50, size=(4, 8, 11)).astype(np.float32)
    maps[..., 4] = 3
    tiles = channel_tiles(maps, scale=3)
    levels = []
    for channel in range(11):
        x = maps[..., channel].astype(np.float64)
        place = np.zeros(x.shape) if x.max() == x.min() else (x - x.min()) / (x.max() - x.min())
        levels.append(np.floor(place * 223 + 0.5).astype(np.uint8))
    assert tiles.shape == (11, 12, 24) and (levels[4] == 0).all()
    np.testing.assert_array_equal(tiles[:, ::3, ::3], np.stack(levels))  # every pixel a 3x3 square
    np.testing.assert_array_equal(tiles[:, 2::3, 2::3], np.stack(levels))
    grid = tile_grid(tiles, 4, gap=1)
    np.testing.assert_array_equal(grid, expected_tiling(tiles, 4, gap=1))
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(grid, colormap_palette("magma")))).convert("RGB"))
    np.testing.assert_array_equal(decoded, colormap_palette("magma")[grid])


def test_text_is_a_real_font_at_the_asked_css_size_and_2x():
    layout = Layout(632)
    band = text_lines(["Hxg 12"], layout, 13)
    assert band.shape[0] == layout.px(13 * 1.4) and layout.smallest_text == 13
    rows = np.flatnonzero((band < 128).any(axis=(1, 2)))
    # an 'H' over a 'g' descender: about 0.95 em of ink at 26 image px (13 CSS px at 2x), anti-aliased
    assert 0.8 * 26 <= rows[-1] - rows[0] + 1 <= 1.1 * 26
    assert len(np.unique(band)) > 10  # grey levels: anti-aliased, not the bitmap default font
    labelled = label_above(np.zeros((3, 400, 3), np.uint8), "conv2d", layout, 12)
    assert layout.smallest_text == 12 and (labelled[-3:] == 0).all()


def test_wrapping_keeps_parts_whole_and_lines_within_the_width():
    layout = Layout(632)
    text = "triangle.png: conv2d_1  output 14\u00d714\u00d732  values 0 to 1.83"
    assert wrap_text(text, layout, 13, 10_000) == ["triangle.png: conv2d_1   output 14\u00d714\u00d732   values 0 to 1.83"]
    narrow = text_width("triangle.png: conv2d_1", layout, 13) + 4
    lines = wrap_text(text, layout, 13, narrow)
    assert lines == ["triangle.png: conv2d_1", "output 14\u00d714\u00d732", "values 0 to 1.83"]
    assert all(text_width(line, layout, 13) <= narrow for line in lines)


def test_flow_wraps_parts_to_the_width():
    parts = [np.full((2, 3, 3), value, np.uint8) for value in (10, 20, 30)]
    out = flow(parts, width=7, gap=1)
    assert out.shape == (2 + 1 + 2, 7, 3)
    assert (out[0, :3] == 10).all() and (out[0, 4:7] == 20).all() and (out[3, :3] == 30).all()


def test_colour_bar_is_symmetric_with_zero_in_the_middle():
    layout = Layout(632)
    ramp = colormap_palette("RdBu_r")[:254]
    bar = colour_bar(ramp, -2.0, 2.0, layout, 400, "weight")
    np.testing.assert_array_equal(bar[0, 0], ramp[0])
    np.testing.assert_array_equal(bar[0, -1], ramp[-1])
    np.testing.assert_array_equal(bar[0, 200], ramp[127])
    ticks = bar[layout.px(10) + layout.px(1):layout.px(10) + layout.px(1) + layout.px(12 * 1.4)]
    inked = np.flatnonzero((ticks < 128).any(axis=(0, 2)))
    assert inked[0] < 40 and inked[-1] > 360 and ((inked > 180) & (inked < 220)).any()  # -2, 0 and 2


def test_legibility_at_the_column_and_the_thresholds():
    layout = Layout(632)
    layout.saw_map(96)
    layout.font(13)
    assert legibility(1264, layout, 632) == {"column": 632, "map": 48.0, "text": 13.0}
    phone = legibility(1264, layout, 350)  # shown at 350 / 632 of its size
    assert phone == {"column": 350, "map": 26.6, "text": 7.2}
    assert below_thresholds({"desktop": legibility(1264, layout, 632), "phone": phone}) == [
        "text 7.2 px at phone width (at least 10 px)"]


def test_png_has_no_metadata_and_round_trips():
    image = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    data = png_bytes(image)
    assert data == png_bytes(image)
    chunks, position = [], 8
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        chunks.append(data[position + 4:position + 8].decode())
        position += 12 + length
    assert chunks == ["IHDR", "IDAT", "IEND"]
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(data))), image)


def test_npz_is_byte_identical_and_loadable():
    arrays = {"b": np.arange(5.0), "a": np.eye(2, dtype=np.uint8)}
    data = npz_bytes(arrays)
    assert data == npz_bytes(dict(reversed(arrays.items())))
    loaded = np.load(io.BytesIO(data))
    np.testing.assert_array_equal(loaded["b"], arrays["b"])
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(io.BytesIO(data)).infolist())


def test_gif_frames_keep_their_palette_indices_and_store_only_changes():
    palette = np.zeros((256, 3), np.uint8)
    palette[:, 0] = np.arange(256)
    first = np.full((30, 40), 10, np.uint8)
    second = first.copy()
    second[5:8, 5:8] = 200
    data = gif_bytes([first, second], palette, [100, 300], transparent=255)
    assert data == gif_bytes([first, second], palette, [100, 300], transparent=255)
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == 2
    gif.seek(1)
    assert gif.info["duration"] == 300
    shown = gif.convert("RGB")
    assert shown.getpixel((6, 6)) == (200, 0, 0) and shown.getpixel((0, 0)) == (10, 0, 0)


def test_stacking_pads_smaller_images_with_white():
    out = stack_horizontally([np.zeros((2, 1, 3), np.uint8), np.zeros((1, 1, 3), np.uint8)], gap=1)
    assert out.shape == (2, 3, 3)
    assert (out[1, 2] == 255).all() and (out[:, 1] == 255).all()


def test_table_of_panels_aligns_columns_whatever_the_widths():
    narrow, wide, second = (np.full((4, w, 3), v, np.uint8) for w, v in ((3, 10), (7, 20), (2, 30)))
    table = table_of_panels([[narrow, second], [wide, second]], gap=1)
    assert table.shape == (4 + 1 + 4, 7 + 1 + 2, 3)
    assert (table[0, 8:10] == 30).all() and (table[5, 8:10] == 30).all()  # same column, same x
    assert (table[0, 3:7] == 255).all()  # the narrow panel is padded to its column's width


def test_a_colour_bar_for_maps_on_their_own_scales_has_words_that_fit():
    layout = Layout(632)
    ramp = colormap_palette("viridis")[:254]
    wide = colour_bar(ramp, 0.0, 1.0, layout, 600, ends=colour_rule.MAP_ENDS)
    narrow = colour_bar(ramp, 0.0, 1.0, layout, 220, ends=colour_rule.MAP_ENDS)
    line = layout.px(12 * 1.4)
    assert narrow.shape[0] == wide.shape[0] + line + layout.px(1)   # "of each map" moves under the bar
    ends = narrow[layout.px(10) + layout.px(1):][:line]
    inked = np.flatnonzero((ends < 128).any(axis=(0, 2)))
    gaps = np.diff(inked)
    assert gaps.max() > 40   # "lowest" and "highest" apart, not overlapping
