"""Grad-CAM in the explorer: for each probe and each class, where the last convolution's features weigh
for that class (generator.figures.attribution.grad_cam, the grad-cam figures' computation), resized to the
probe and stored like a layer's maps: 8-bit codes with an offset and a step per map, in
`gradcam/<variant>.bin` (probe x class x row x column), described by index.json's `gradcam`. The codes are on
the grad-cam figures' colour scale (`data.quantise_shares`: zero to each map's largest value), so the page
colours a code as the figures colour that value, with the colour map of the model's grad-cam figure (`cmap`),
whose colours index.json's `gradcam` holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from generator.explore import data
from generator.figures import attribution_figure
from generator.figures.kinds import grad_cam

FOLDER = "gradcam"
SCALE = "share of each map's largest value"   # the codes' scale (data.quantise_shares), in the explorer's keys


def last_convolution(record: dict) -> str | None:
    """The last convolution layer with feature maps, as the grad-cam figures choose by default."""
    entry = attribution_figure.last_convolution(record)
    return entry["name"] if entry else None


def classes_to_draw(record: dict) -> int:
    """How many classes get a map per probe: all of the model's, when it has a convolution to weigh."""
    return len(record.get("class_names") or []) if last_convolution(record) else 0


def compute(networks: dict, record: dict, images: np.ndarray) -> dict[str, data.Quantised]:
    """variant -> quantised (P, K, H, W) Grad-CAM maps for every probe and every one of the K classes;
    empty for a model without a convolution, a class list or probes, or whose top is not a chain."""
    from generator.figures.attribution import NotAChain, Scorer, grad_cam, upsample

    layer = last_convolution(record)
    classes = len(record.get("class_names") or [])
    if layer is None or not classes or not len(images):
        return {}
    pairs = np.repeat(images, classes, axis=0)
    wanted = np.tile(np.arange(classes), len(images))
    maps = {}
    for variant, network in networks.items():
        try:
            cams = grad_cam(Scorer(network.keras_model), layer, pairs, wanted)
        except NotAChain:
            return {}
        resized = upsample(cams, images.shape[1:3]).reshape(len(images), classes, *images.shape[1:3])
        maps[variant] = data.quantise_shares(resized)
    return maps


def cmap(name: str, manifest: list[dict]) -> str:
    """The colour map of the model's first grad-cam figure, else the grad-cam figures' default."""
    return next((e["spec"]["cmap"] for e in manifest if e["kind"] == "grad-cam"
                 and e["spec"].get("model") == name and e["spec"].get("cmap")), grad_cam.KEYS["cmap"].default)


def index_entry(record: dict, maps: dict[str, data.Quantised], cmap: str, colors: list[str]) -> dict | None:
    """index.json's `gradcam`: the layer, the classes, the map shape, the colour map and its colours (the colour
    rule's ramp, as the figures draw it), and per variant the file and each map's offset and step."""
    if not maps:
        return None
    first = next(iter(maps.values()))
    return {"layer": last_convolution(record), "classes": list(record["class_names"]), "cmap": cmap, "colors": colors,
            "maps": list(first.codes.shape[1:]),
            "files": {variant: f"{FOLDER}/{variant}.bin" for variant in maps},
            "offsets": {variant: quantised.offsets.tolist() for variant, quantised in maps.items()},
            "steps": {variant: quantised.steps.tolist() for variant, quantised in maps.items()}}


def write(folder: Path, maps: dict[str, data.Quantised]) -> None:
    if not maps:
        return
    (folder / FOLDER).mkdir()
    for variant, quantised in maps.items():
        (folder / FOLDER / f"{variant}.bin").write_bytes(np.ascontiguousarray(quantised.codes).tobytes())
