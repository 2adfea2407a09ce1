import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from generator.figures.kinds.activations import activation_grid
from generator.figures.tiling import (INK, colormap_palette, gif_bytes, label_above, npz_bytes, png_bytes,
                                      stack_horizontally, standardise_channels, table_of_panels, tile_grid)


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


def test_standardisation_formula_and_dead_channels():
    maps = np.zeros((4, 4, 3))
    maps[..., 0] = np.arange(16).reshape(4, 4)
    maps[..., 1] = 7  # constant: dead
    maps[3, 3, 2] = 100  # one outlier, sqrt(15) standard deviations above the mean
    result = standardise_channels(maps)
    assert result.dead_channels == 1
    x = np.arange(16).reshape(4, 4)
    expected0 = np.clip((x - x.mean()) / x.std() * 64 + 128, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(result.maps[0], expected0)
    assert (result.maps[1] == 128).all()
    assert result.maps[2][3, 3] == 255 and result.maps[2][0, 0] == int(128 - 64 / np.sqrt(15))


def test_palette_holds_the_colormap_then_ink_and_background():
    import matplotlib

    palette = colormap_palette("viridis")
    assert palette.shape == (256, 3) and palette.dtype == np.uint8
    colormap = matplotlib.colormaps["viridis"]
    np.testing.assert_array_equal(palette[0], np.round(np.array(colormap(0.0)[:3]) * 255))
    np.testing.assert_array_equal(palette[253], np.round(np.array(colormap(1.0)[:3]) * 255))
    assert tuple(palette[254]) == (0, 0, 0) and tuple(palette[255]) == (255, 255, 255)


def test_activation_grid_is_the_expected_tiling_of_standardised_channels():
    rng = np.random.default_rng(0)
    # Integer values over 4x8 pixels keep every mean and variance exact, so the reference below
    # may compute channel by channel and still agree to the last bit.
    maps = rng.integers(0, 50, size=(4, 8, 11)).astype(np.float32)
    maps[..., 4] = 3
    grid, dead = activation_grid(maps, per_row=4)
    levels = []
    for channel in range(11):
        x = maps[..., channel]
        std = x.std()
        scaled = np.full(x.shape, 128.0) if std == 0 else (x - x.mean()) / std * 64 + 128
        value = np.clip(scaled, 0, 255).astype(np.uint8).astype(int)
        levels.append(((value * 253 + 127) // 255).astype(np.uint8))
    assert dead == 1
    np.testing.assert_array_equal(grid, expected_tiling(np.stack(levels), 4, gap=1))
    assert grid.max() == 255 and grid[:, :-1].max() <= 255  # background only in gaps and padding
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(grid, colormap_palette("magma")))).convert("RGB"))
    np.testing.assert_array_equal(decoded, colormap_palette("magma")[grid])


def test_palette_labels_use_ink_on_background():
    labelled = label_above(np.zeros((3, 40), np.uint8), "conv2d")
    assert labelled.ndim == 2 and set(np.unique(labelled[:14])) == {INK, 255}
    assert (labelled[14:, :40] == 0).all() and (labelled[14:, 40:] == 255).all()


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


def test_gif_frames_keep_their_palette_indices():
    palette = np.zeros((256, 3), np.uint8)
    palette[:, 0] = np.arange(256)
    frames = [np.full((3, 4), 10, np.uint8), np.full((3, 4), 200, np.uint8)]
    data = gif_bytes(frames, palette, 100)
    assert data == gif_bytes(frames, palette, 100)
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == 2
    gif.seek(1)
    assert gif.convert("RGB").getpixel((0, 0)) == (200, 0, 0)


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
