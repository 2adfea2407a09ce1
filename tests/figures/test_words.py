"""Words come from the drawing: each kind states its layout in its note and record, the caption's words
about the layout are checked against it at build time, and the alt text states the result."""

import html as html_module
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_stage import find_patch, run_stage

from generator.errors import FigureError
from generator.figures.context import percent
from generator.figures.kinds.activations import MAP_LEVELS, channel_tiles
from generator.figures.tiling import colormap_levels
from generator.figures.words import CaptionMismatch, problems


def block(**keys) -> str:
    return "```figure\n" + "".join(f"{key}: {value}\n" for key, value in keys.items()) + "```\n"


def acts(**keys) -> str:
    return block(kind="activations", model="tiny", probe="probes/triangle.png", layers="[conv2d]", **keys)


def figure_html(result, document, figure_id: str) -> str:
    return result.replacements[document.source_path][f"<!--layerpress-figure:{figure_id}-->"]


def alt_of(html: str) -> str:
    return html_module.unescape(html.partition(' alt="')[2].partition('"')[0])


def note_of(html: str) -> str:
    return html_module.unescape(html.partition('<span class="figure-note">')[2].partition("</span>")[0])


def record_of(stage, figure_id: str) -> dict:
    figure = next(f for f in stage.figures if f.request.figure_id == figure_id)
    return stage.meta(figure)["record"]


def rows_of_maps(png: Path, maps: np.ndarray) -> list[int]:
    """How many of the channels' tiles each row of the drawing holds, found pixel for pixel."""
    drawn = np.asarray(Image.open(png).convert("RGB"))
    levels = colormap_levels("viridis", MAP_LEVELS)
    for scale in range(40, 2, -1):
        tiles = channel_tiles(maps, scale)
        if len(find_patch(drawn, levels[tiles[0]])) != 1:  # not this scale: the other tiles need no search
            continue
        found = [find_patch(drawn, levels[tile]) for tile in tiles]
        if all(len(places) == 1 for places in found):
            tops = [places[0][0] for places in found]
            return [tops.count(top) for top in sorted(set(tops))]
    raise AssertionError("the channels' tiles are not in the drawing")


@pytest.mark.parametrize("per_row", [1, 2, 3])
def test_the_grid_holds_per_row_maps_and_its_note_says_so(site_source, per_row):
    source, cache = site_source
    stage, result, document = run_stage(source, cache, acts(id="grid", per_row=per_row, labels="false"))
    outputs = dict(result.outputs)
    maps = np.load(outputs["figures/post/grid.npz"])["activations_conv2d"][0]  # 4 channels
    drawn_rows = rows_of_maps(outputs["figures/post/grid.png"], maps)
    assert drawn_rows[0] == per_row and max(drawn_rows) == per_row
    assert record_of(stage, "grid")["layout"]["maps_per_row"] == per_row
    assert f"a grid of {per_row} maps per row" in note_of(figure_html(result, document, "grid"))


def test_layout_words_follow_grid_strip_and_both(site_source):
    source, cache = site_source
    body = (acts(id="g", layout="grid", per_row=2) + "\n" + acts(id="s", layout="strip") + "\n"
            + acts(id="b", layout="both", per_row=3))
    stage, result, document = run_stage(source, cache, body)
    notes = {name: note_of(figure_html(result, document, name)) for name in "gsb"}
    assert notes["g"].startswith("Layout: a grid of 2 maps per row, the input heading the first row.")
    assert notes["s"].startswith("Layout: strips, as many maps per row as fit (")
    assert "strips (as many maps per row as fit)" in notes["b"] and "a grid of 3 maps per row" in notes["b"]
    assert [record_of(stage, name)["layout"]["form"] for name in "gsb"] == ["grid", "strip", "both"]
    assert record_of(stage, "s")["layout"]["maps_per_row"] is None


def test_a_caption_that_contradicts_the_grid_is_an_error_at_its_line(site_source):
    source, cache = site_source
    body = "Some text.\n\n" + acts(id="wrong", per_row=2, caption="'Every channel, a grid of three maps per row.'")
    with pytest.raises(CaptionMismatch) as caught:
        run_stage(source, cache, body)
    # the post's body starts at line 4 (after its front matter), the block at 6, its caption at 13
    post = source / "_posts" / "2026-01-01-post.md"
    assert str(caught.value) == (f"{post}:13: figure 'wrong': the caption says \"grid of three\", but its grid has 2 "
                                 "maps per row (change the caption, or the figure's options; the note under the "
                                 "figure says what is drawn)")
    assert "\n" not in str(caught.value)
    run_stage(source, cache, body.replace("three", "two"))  # true words build


def test_curves_say_how_the_kept_epoch_is_marked_and_refuse_a_marker(site_source):
    source, cache = site_source
    curves = block(kind="curves", id="c", model="tiny", caption="'Loss per epoch; the marker shows the best epoch.'")
    with pytest.raises(FigureError, match=r"figure 'c': the caption says \"the marker shows the best epoch\", but the "
                                          r"kept epoch is marked by a dashed vertical line"):
        run_stage(source, cache, curves)
    stage, result, document = run_stage(source, cache, curves.replace("the marker", "the dashed line"))
    facts = record_of(stage, "c")["layout"]
    best = facts["best_epoch"]
    note = note_of(figure_html(result, document, "c"))
    assert f"The dashed vertical line marks the best epoch, {best} of {facts['epochs']}" in note
    assert f"Best epoch {best}, whose weights were kept: validation accuracy " in alt_of(
        figure_html(result, document, "c"))


def test_predictions_are_percentages_and_their_alt_text_states_each_result(site_source):
    source, cache = site_source
    body = block(kind="predictions", id="p", model="tiny", probes="[probes/triangle.png, probes/circle.png]",
                 labels="[triangle, circle]", caption="'Two probes; the bars are the probabilities.'")
    with pytest.raises(FigureError, match="the probabilities are printed as percentages, not drawn as bars"):
        run_stage(source, cache, body)
    stage, result, document = run_stage(source, cache, body.replace("; the bars are the probabilities", ""))
    data = np.load(dict(result.outputs)["figures/post/p.npz"])
    names = stage.store.record("tiny")["class_names"]
    alt = alt_of(figure_html(result, document, "p"))
    for name, probabilities, truth in zip(["triangle.png", "circle.png"], data["probabilities"], ["triangle", "circle"]):
        best = int(probabilities.argmax())
        assert f"{name}: predicted {names[best]}, {percent(probabilities[best], 0)}; true class: {truth}" in alt
    assert "in percent (no bars)" in note_of(figure_html(result, document, "p"))
    with pytest.raises(FigureError, match=r"the caption says \"three probes\", but the figure has 2 probes"):
        run_stage(source, cache, body.replace("Two probes; the bars are the probabilities", "Three probes"))


def test_attribution_and_dense_alt_texts_state_the_class_and_its_score(site_source):
    source, cache = site_source
    body = (block(kind="grad-cam", id="cam", model="tiny", probe="probes/circle.png",
                  classes="[predicted, triangle]",
                  caption="'Grad-CAM for the predicted class (middle).'") + "\n"
            + block(kind="dense-as-image", id="dense", model="tiny", probe="probes/triangle.png", layer="dense"))
    stage, result, document = run_stage(source, cache, body)
    outputs = dict(result.outputs)
    names = stage.store.record("tiny")["class_names"]
    probabilities = np.load(outputs["figures/post/cam.npz"])["probabilities"][0]
    best = int(probabilities.argmax())
    alt = alt_of(figure_html(result, document, "cam"))
    assert f"circle.png: predicted {names[best]}, {percent(probabilities[best], 0)}; maps for {names[best]} (" in alt
    assert f"triangle ({percent(probabilities[names.index('triangle')], 0)})" in alt
    dense = np.load(outputs["figures/post/dense.npz"])["probabilities_0"][0]
    assert f"trained, triangle.png: predicted {names[int(dense.argmax())]}, {percent(float(dense.max()))}" in alt_of(
        figure_html(result, document, "dense"))
    with pytest.raises(FigureError, match=r"the caption says \"predicted class \(right\)\""):
        run_stage(source, cache, body.replace("(middle)", "(right)"))


@pytest.mark.parametrize("caption, facts", [
    ("The second convolution as strips and as a grid of two maps per row.", {"form": "both", "maps_per_row": 2}),
    ("Every channel of the two convolution and two pooling layers.",
     {"counts": {"layers": 4, "convolution layers": 2, "pooling layers": 2}}),
    ("Every channel of the six convolution and pooling layers.", {"counts": {"layers": 6, "pooling layers": 3}}),
    ("Every channel of the two blocks' layers, as strips.", {"form": "strip", "counts": {"layers": 6}}),
    ("The sixteen 3&times;3 kernels of the first layer.", {"counts": {"kernels": 16}}),
    ("Twelve test images and the MLP's three most likely classes.",
     {"counts": {"images": 12, "most likely classes": 3}, "probabilities": "percentages"}),
    ("Accuracy per epoch; the dashed line shows the epoch whose weights were kept.",
     {"best_epoch_mark": "dashed vertical line"}),
    ("Channel 0, with each one's difference.", {"positions": {"errors": "below"}, "counts": {"difference maps": 2},
                                                "channel": 0}),
    ("A 2&times;3 RGB image and its twelve numbers.", {"sizes": {"image": [3, 2]}, "counts": {"numbers": 12}}),
])
def test_true_words_pass(caption, facts):
    assert problems(caption, facts) == []


@pytest.mark.parametrize("caption, facts, words", [
    ("as a grid of two maps per row", {"form": "both", "maps_per_row": 3}, "grid of two"),
    ("eight maps per row", {"form": "strip", "maps_per_row": None}, "eight maps per row"),
    ("Every channel, as strips.", {"form": "grid", "maps_per_row": 8}, "strips"),
    ("The first eighteen misclassified test images.", {"counts": {"images": 12}}, "eighteen misclassified test images"),
    ("Accuracy per epoch; the marker shows the epoch whose weights were kept.",
     {"best_epoch_mark": "dashed vertical line"}, "the marker shows the epoch whose weights were kept"),
    ("The errors printed above the difference maps.", {"positions": {"errors": "below"}},
     "the errors printed above the difference maps"),
    ("The bars are the softmax outputs.", {"probabilities": "percentages"}, "the bars are the softmax outputs"),
    ("Channel 2 of the first convolution.", {"channel": 0}, "channel 2"),
    ("The sixteen 5x5 kernels.", {"sizes": {"kernels": [3, 3]}, "counts": {"kernels": 16}}, "5x5 kernels"),
    ("The three convolution and two pooling layers.", {"counts": {"convolution": 2, "pooling layers": 2}},
     "three convolution"),
    ("Grad-CAM for the true class (middle).", {"columns": ["input", "predicted", "label"]}, "true class (middle)"),
])
def test_contradicting_words_are_found(caption, facts, words):
    assert problems(caption, facts)[0][0] == words
