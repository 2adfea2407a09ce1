"""Kinds that need no trained model, and the pure parts of those that do."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from generator.errors import FigureError
from generator.figures.directive import extract_figures
from generator.figures.kinds import compare, conv_animation, conv_check, dense_as_image, reshape, rgb_matrices, \
    summary
from generator.figures.draw import DrawContext
from generator.figures.tiling import enlarge

from figures_testkit import write_probes

TWO_BY_TWO = np.array([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], np.uint8)


def request_for(block: str):
    return extract_figures(f"```figure\n{block}\n```", "post.md", 1)[1][0]


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def find_patch(figure: np.ndarray, patch: np.ndarray) -> list[tuple[int, int]]:
    """Every (top, left) where `patch` appears pixel for pixel in `figure`."""
    height, width = patch.shape[:2]
    candidates = zip(*np.nonzero((figure[:figure.shape[0] - height + 1, :figure.shape[1] - width + 1]
                                  == patch[0, 0]).all(axis=-1)))
    return [(int(y), int(x)) for y, x in candidates if np.array_equal(figure[y:y + height, x:x + width], patch)]


def wide(drawn) -> np.ndarray:
    return decode(drawn.variants["wide"].image)


def test_reshape_panels_of_a_known_2x2_image():
    panels = dict(reshape.reshape_panels(TWO_BY_TWO))
    np.testing.assert_array_equal(panels["flat.reshape(H, W, C): right"], TWO_BY_TWO)
    np.testing.assert_array_equal(panels["chw.reshape(H, W, C): wrong"],
                                  [[[1, 4, 7], [10, 2, 5]], [[8, 11, 3], [6, 9, 12]]])
    np.testing.assert_array_equal(panels["np.rollaxis(chw, 0, 3): right"], TWO_BY_TWO)
    np.testing.assert_array_equal(panels["np.rollaxis(chw, 1, 3).reshape(H, W, C): wrong"],
                                  [[[1, 7, 4], [10, 2, 8]], [[5, 11, 3], [9, 6, 12]]])


def test_reshape_figure_shows_each_panel_enlarged(tmp_path):
    Image.fromarray(TWO_BY_TWO).save(tmp_path / "two.png")
    drawn = reshape.draw(request_for("kind: reshape\nprobe: two.png\nscale: 48"), DrawContext(None, tmp_path))
    figure = wide(drawn)
    scrambled = np.array([[[1, 4, 7], [10, 2, 5]], [[8, 11, 3], [6, 9, 12]]], np.uint8)
    assert len(find_patch(figure, enlarge(TWO_BY_TWO, 48))) == 3  # original and two right ones
    assert len(find_patch(figure, enlarge(scrambled, 48))) == 1
    assert len(find_patch(figure, enlarge(TWO_BY_TWO.transpose(1, 0, 2), 48))) == 1  # height and width swapped
    np.testing.assert_array_equal(drawn.arrays["panel_2"], scrambled)
    assert "x.transpose(1, 0, 2): H and W swapped: wrong" in drawn.note


def test_rgb_matrices_values_and_flatten_order(tmp_path):
    write_probes(tmp_path)
    drawn = rgb_matrices.draw(request_for("kind: rgb-matrices\nprobe: tiny.png"), DrawContext(None, tmp_path))
    np.testing.assert_array_equal(drawn.arrays["red"], [[255, 0], [0, 255]])
    np.testing.assert_array_equal(drawn.arrays["blue"], [[0, 0], [255, 255]])
    np.testing.assert_array_equal(drawn.arrays["flat"], [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
    figure = wide(drawn)
    cell = 2 * rgb_matrices.CELL  # CSS px at 2x
    assert len(find_patch(figure, enlarge(drawn.arrays["image"], cell))) == 1
    assert drawn.legibility["desktop"]["map"] >= 48 and drawn.legibility["phone"]["text"] >= 10


def test_rgb_matrices_from_pixels_refuses_large_images():
    drawn = rgb_matrices.draw(request_for("kind: rgb-matrices\npixels: [[[9, 8, 7]]]"), DrawContext(None, None))
    np.testing.assert_array_equal(drawn.arrays["flat"], [9, 8, 7])
    big = request_for("kind: rgb-matrices\npixels: [" + ", ".join(["[" + ", ".join(["[0, 0, 0]"] * 9) + "]"]) + "]")
    with pytest.raises(FigureError, match=r"post.md:1: rgb-matrices shows images of at most 8x8 pixels, this one is "
                                          r"9x1 \(add e.g. 'size: \[2, 2\]'\)"):
        rgb_matrices.draw(big, DrawContext(None, None))


def test_dense_image_pads_or_truncates_and_says_so():
    image, how = dense_as_image.dense_image(np.arange(10.0), "pad")
    assert image.shape == (2, 2, 3) and how == "10 values as 2x2x3 (padded with 2 zeros)"
    assert image.reshape(-1)[9] == 255 and (image.reshape(-1)[10:] == 0).all()
    image, how = dense_as_image.dense_image(np.arange(14.0), "truncate")
    assert image.shape == (2, 2, 3) and how == "14 values as 2x2x3 (truncated, 2 values dropped)"
    assert dense_as_image.dense_image(np.arange(12.0), "pad")[1] == "12 values as 2x2x3 (exactly)"


def correlate_by_hand(x, kernel, bias):
    kh, kw, _ = kernel.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + kh, j:j + kw] * kernel).sum() + bias
    return out


def test_reference_outputs_match_a_hand_written_correlation():
    rng = np.random.default_rng(1)
    x, kernel = rng.normal(size=(6, 5, 2)), rng.normal(size=(3, 2, 2))
    refs = conv_check.reference_outputs(x, kernel, 0.5, lambda z: z, "valid", (1, 1))
    expected = correlate_by_hand(x, kernel, 0.5)
    np.testing.assert_allclose(refs["correlate2d"], expected, atol=1e-12)
    np.testing.assert_allclose(refs["convolve2d_flipped"], expected, atol=1e-12)


def test_same_padding_puts_the_extra_row_at_the_end_like_tensorflow():
    rng = np.random.default_rng(2)
    x, kernel = rng.normal(size=(4, 4, 1)), rng.normal(size=(2, 2, 1))
    refs = conv_check.reference_outputs(x, kernel, 0.0, lambda z: z, "same", (1, 1))
    padded = np.pad(x, ((0, 1), (0, 1), (0, 0)))
    np.testing.assert_allclose(refs["correlate2d"], correlate_by_hand(padded, kernel, 0.0), atol=1e-12)


def keras_conv_output(x, kernel, padding):
    import keras

    layer = keras.layers.Conv2D(1, kernel.shape[:2], padding=padding, use_bias=False)
    layer.build((None, *x.shape))
    layer.set_weights([kernel[..., None].astype(np.float32)])
    return np.asarray(layer(x[None].astype(np.float32)))[0, ..., 0].astype(np.float64)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_keras_agrees_with_correlation_and_a_flipped_kernel_fails(padding):
    x = np.arange(36.0).reshape(6, 6, 1) % 7
    kernel = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 0.0], [3.0, 0.0, -2.0]])[..., None]  # not symmetric
    keras_output = keras_conv_output(x, kernel, padding)
    good = conv_check.differences(keras_output, conv_check.reference_outputs(x, kernel, 0.0, lambda z: z, padding,
                                                                             (1, 1)))
    assert good["keras_vs_correlate2d"] < 1e-4 and good["keras_vs_convolve2d_flipped"] < 1e-4
    conv_check.require_agreement(good, lambda message: FigureError(message, file="post.md", line=3))
    flipped = conv_check.reference_outputs(x, kernel[::-1, ::-1], 0.0, lambda z: z, padding, (1, 1))
    bad = conv_check.differences(keras_output, flipped)
    with pytest.raises(FigureError, match=r"^post.md:3: conv-check: Keras and scipy.signal.correlate2d differ by "
                                          r"[0-9.]+ \(more than 0.0001\)$"):
        conv_check.require_agreement(bad, lambda message: FigureError(message, file="post.md", line=3))


def gif_frames(data: bytes) -> list[np.ndarray]:
    gif = Image.open(io.BytesIO(data))
    frames = []
    for index in range(gif.n_frames):
        gif.seek(index)
        frames.append((np.asarray(gif.convert("RGB")).copy(), gif.info["duration"]))
    return frames


def test_conv_animation_crops_at_full_resolution_and_ends_with_the_full_output(tmp_path):
    write_probes(tmp_path)
    block = "kind: conv-animation\nprobe: triangle.png\nsize: [6, 5]\ncrop: [2, 3]\nkernel: [[1, -1], [1, -1]]"
    drawn = conv_animation.draw(request_for(block), DrawContext(None, tmp_path))
    probe = np.asarray(Image.open(tmp_path / "triangle.png").convert("L")).astype(np.float64)
    np.testing.assert_array_equal(drawn.arrays["image"], probe[2:8, 3:8])  # the probe's own pixels, not resized
    image, kernel = drawn.arrays["image"], drawn.arrays["kernel"]
    np.testing.assert_allclose(drawn.arrays["output"], correlate_by_hand(image[..., None], kernel[..., None], 0))
    frames = gif_frames(drawn.variants["wide"].image)
    assert len(frames) == 4 + (5 - 1)  # the first output row cell by cell, then a row per frame
    assert sum(duration for _, duration in frames) <= 10_000
    assert frames[-1][1] == conv_animation.HOLD_MS
    highlight = np.array(conv_animation.HIGHLIGHT)
    assert (frames[0][0] == highlight).all(axis=-1).any()  # the first frame already shows the window
    assert drawn.variants["wide"].image == conv_animation.draw(request_for(block),
                                                               DrawContext(None, tmp_path)).variants["wide"].image


def test_conv_animation_of_the_default_probe_stays_small_and_short():
    content = Path(__file__).resolve().parents[2] / "content"
    block = "kind: conv-animation\nprobe: probes/chelsea-32.png\nkernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]"
    drawn = conv_animation.draw(request_for(block), DrawContext(None, content))
    assert set(drawn.variants) == {"wide", "narrow", "dark", "narrow-dark", "still", "narrow-still", "still-dark",
                                   "narrow-still-dark"}
    for name, variant in drawn.variants.items():
        assert len(variant.image) <= 1_000_000
        if "still" in name:
            continue
        frames = gif_frames(variant.image)
        assert sum(duration for _, duration in frames) <= 10_000
        # steady: every frame has its blank rows where the first has them (no title wraps at a later row)
        paper = frames[0][0][0, 0]
        blank_rows = [(frame == paper).all(axis=(1, 2)) for frame, _ in frames]
        assert all(np.array_equal(rows, blank_rows[0]) for rows in blank_rows), name
        # reduced motion: the still image is the finished frame
        still = decode(drawn.variants[name.replace("wide", "").replace("narrow", "narrow-still").strip("-")
                                      if "narrow" in name else ("still-dark" if name == "dark" else "still")].image)
        np.testing.assert_array_equal(still, frames[-1][0])
    assert drawn.arrays["image"].shape == (20, 20)
    assert drawn.legibility["phone"]["text"] >= 10 and drawn.legibility["desktop"]["text"] >= 12


def test_conv_animation_kernel_larger_than_image(tmp_path):
    write_probes(tmp_path)
    block = "kind: conv-animation\nprobe: triangle.png\nsize: [2, 2]\nkernel: [[1, 0, 1], [1, 0, 1], [1, 0, 1]]"
    with pytest.raises(FigureError, match=r"^post.md:1: the 3x3 kernel is larger than the 2x2 crop \(raise 'size'\)$"):
        conv_animation.draw(request_for(block), DrawContext(None, tmp_path))


def test_summary_and_compare_tables():
    record = {"params": 30, "trainable_params": 20, "metrics": {"test_accuracy": 0.5, "test_loss": 0.7},
              "epochs": 3, "best_epoch": 2,
              "layers": [{"name": "c<1>", "class": "Conv2D", "output_shape": [None, 4, 4, 2], "params": 30}]}
    table = summary.summary_table(record)
    assert "<td>c&lt;1&gt; (Conv2D)</td><td>(None, 4, 4, 2)</td><td>30</td>" in table
    assert '<th colspan="2">Total params</th><th>30</th>' in table
    assert '<td colspan="2">Non-trainable</td><td>10</td>' in table
    better = {**record, "metrics": {"test_accuracy": 0.75, "test_loss": 0.5}}
    table = compare.compare_table(["base", "sgd"], [record, better])
    assert "<td>sgd</td><td>3</td><td>2</td><td><strong>75.0%</strong></td><td>0.5000</td>" in table
    assert "<td>base</td><td>3</td><td>2</td><td>50.0%</td>" in table
