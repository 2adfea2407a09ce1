"""Which probes and colour map an explorer uses, from the figures stage's manifest (no model needed)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from generator.explore.stage import MAX_PROBES, ExplorerStage


def entry(kind: str, model: str, probes: list[str], **spec) -> dict:
    return {"kind": kind, "spec": {"model": model, **spec}, "inputs": {probe: "digest" for probe in probes}}


def stage(source: Path) -> ExplorerStage:
    return ExplorerStage(store=None, source=source, cache_dir=source / "cache")


def test_activations_probes_come_first_then_other_figures_without_repeats(tmp_path):
    manifest = [entry("predictions", "m", ["probes/c.png", "probes/a.png"]),
                entry("activations", "m", ["probes/a.png", "probes/b.png"], cmap="magma"),
                entry("activations", "other", ["probes/z.png"])]
    assert stage(tmp_path)._probes("m", manifest) == ["probes/a.png", "probes/b.png", "probes/c.png"]
    assert stage(tmp_path)._cmap("m", manifest) == "magma"
    assert stage(tmp_path)._cmap("other", manifest) == "viridis"


def test_the_colour_scale_is_the_model_s_activations_figures_else_each_map(tmp_path):
    manifest = [entry("activations", "m", [], colour_scale="layer"), entry("activations", "other", [])]
    assert stage(tmp_path)._colour_scale("m", manifest) == "layer"
    assert stage(tmp_path)._colour_scale("other", manifest) == "map"


def test_a_model_without_probe_figures_gets_the_readable_images_of_probes(tmp_path):
    folder = tmp_path / "probes"
    folder.mkdir()
    for number in range(MAX_PROBES + 2):
        Image.new("L", (4, 4), number * 20).save(folder / f"p{number}.png")
    (folder / "broken.png").write_text("not an image")
    (folder / "SOURCES.md").write_text("credits")
    probes = stage(tmp_path)._probes("m", [entry("curves", "m", [])])
    assert probes == [f"probes/p{number}.png" for number in range(MAX_PROBES)]
