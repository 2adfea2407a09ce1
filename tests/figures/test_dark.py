"""Every figure is drawn for dark mode as well: dark paper and light ink, the data's colours unchanged."""

import io

import numpy as np
from PIL import Image

from generator.figures.directive import extract_figures
from generator.figures.draw import DrawContext
from generator.figures.html import picture_sources
from generator.figures.kinds import curves, rgb_matrices
from generator.figures.layout import DARK, LIGHT, Layout, drawn_in
from generator.figures.page import in_dark
from generator.figures.tiling import colormap_palette, enlarge
from generator.figures.types import Indexed

from figures_testkit import write_probes


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def contains(figure: np.ndarray, patch: np.ndarray) -> bool:
    height, width = patch.shape[:2]
    for top, left in zip(*np.nonzero((figure[:1 - height or None, :1 - width or None] == patch[0, 0]).all(axis=-1))):
        if np.array_equal(figure[top:top + height, left:left + width], patch):
            return True
    return False


def test_an_rgb_figure_is_drawn_again_on_dark_paper_with_its_data_unchanged(tmp_path):
    write_probes(tmp_path)
    block = "```figure\nkind: rgb-matrices\nprobe: tiny.png\n```"
    drawn = rgb_matrices.draw(extract_figures(block, "post.md", 1)[1][0], DrawContext(None, tmp_path))
    light, dark = decode(drawn.variants["wide"].image), decode(drawn.variants["dark"].image)
    assert light.shape == dark.shape
    assert tuple(light[0, 0]) == (255,) * 3 and tuple(dark[0, 0]) == (DARK.paper,) * 3
    # its text in light ink: the title row (above the data) holds ink and no black
    title = dark[:40]
    assert (title == DARK.ink).all(axis=-1).any() and not (title == 0).all(axis=-1).any()
    cells = enlarge(drawn.arrays["image"], 2 * rgb_matrices.CELL)
    assert contains(light, cells) and contains(dark, cells)  # the image's own colours, in both


def test_a_palette_figure_in_dark_remaps_only_its_greys():
    palette = colormap_palette("viridis")
    image = np.array([[0, 100, 254, 255]], dtype=np.uint8)
    dark = in_dark(Indexed(image, palette))
    np.testing.assert_array_equal(dark.image, image)
    np.testing.assert_array_equal(dark.palette[:254], palette[:254])  # the colormap's levels are data
    assert tuple(dark.palette[254]) == (DARK.ink,) * 3 and tuple(dark.palette[255]) == (DARK.paper,) * 3


def test_matplotlib_curves_in_the_dark_scheme_keep_their_line_colours():
    history = {"accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.45, 0.6, 0.7]}
    with drawn_in(LIGHT):
        light = curves.plot_curves(history, ["accuracy"], 2, Layout(350))
    with drawn_in(DARK):
        dark = curves.plot_curves(history, ["accuracy"], 2, Layout(350))
    assert tuple(light[0, 0]) == (255,) * 3 and tuple(dark[0, 0]) == (DARK.paper,) * 3
    train = np.array([0x00, 0x72, 0xB2])  # the train curve's colour, in both
    assert (light == train).all(axis=-1).sum() > 50 and (dark == train).all(axis=-1).sum() > 50


def test_picture_sources_most_specific_first():
    names = ["wide", "narrow", "dark", "narrow-dark", "still", "narrow-still", "still-dark", "narrow-still-dark"]
    sources = picture_sources({name: {} for name in names})
    assert [name for name, _ in sources] == ["narrow-still-dark", "narrow-dark", "narrow-still", "still-dark",
                                             "narrow", "dark", "still"]
    assert dict(sources)["narrow-still-dark"] == ("(max-width: 480px) and (prefers-reduced-motion: reduce) and "
                                                  "(prefers-color-scheme: dark)")
    assert dict(sources)["dark"] == "(prefers-color-scheme: dark)"
