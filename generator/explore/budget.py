"""An explorer's size budget: which layers and how many channels of each it stores, decided from the model's
record before anything runs (a pretrained network's hundreds of layers and channels would make tens of MB).

Everything fits: everything is kept. Else every layer keeps its first N channels, N as large as fits; when
even MIN_CHANNELS a layer is too much, layers are left out evenly (the first and the last kept). The page and
a build note say what was left out. Grad-CAM (a map per probe and class, `explore/gradcam.py`) is kept
when it takes at most GRADCAM_SHARE of the budget, so that a network of 1000 classes keeps its layers.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.models.spec import EXPLORER_MEGABYTES

DEFAULT_MEGABYTES = EXPLORER_MEGABYTES
MIN_CHANNELS = 4
JSON_BYTES_PER_MAP = 32  # each map's offset and step in index.json (measured: about 28)
LAYER_BYTES = 256        # each layer's entry in index.json (name, class, shapes)
GRADCAM_SHARE = 0.25     # the most of an explorer's budget its Grad-CAM maps may take


@dataclass
class Plan:
    channels: dict[str, int]   # layer -> how many of its first channels are stored; layers not here are not
    left_out: str = ""         # what was left out, in words ("" when everything fits)
    gradcam: bool = True       # whether its Grad-CAM maps are stored


def map_shape(output_shape: list) -> tuple[int, int, int] | None:
    """(channels, height, width) of a layer's maps as `explore.data.as_maps` lays them out, or None."""
    sizes = [int(n or 1) for n in output_shape[1:]]
    if len(sizes) == 3:
        return sizes[2], sizes[0], sizes[1]
    if len(sizes) == 2:
        return 1, sizes[0], sizes[1]
    if len(sizes) == 1:
        return 1, 1, sizes[0]
    return None


def plan(layers: list[dict], probes: int, variants: int, budget_bytes: int, *, input_shape=(),
         gradcam_classes: int = 0) -> Plan:
    """The layers and channels an explorer stores within `budget_bytes` for `probes` images (of `input_shape`,
    stored as PNGs of at most their raw size) and `variants`, and whether it stores the Grad-CAM maps of
    `gradcam_classes` classes (0: the model has none to draw)."""
    height, width = ([int(size or 1) for size in input_shape[:2]] + [1, 1])[:2]
    gradcam_bytes = probes * variants * gradcam_classes * (height * width + JSON_BYTES_PER_MAP)
    if gradcam_bytes <= GRADCAM_SHARE * budget_bytes:
        return _plan_layers(layers, probes, variants, budget_bytes - gradcam_bytes, input_shape=input_shape)
    kept = _plan_layers(layers, probes, variants, budget_bytes, input_shape=input_shape)
    words = f"Grad-CAM is left out (the maps of {gradcam_classes} classes would take {gradcam_bytes / 2**20:.1f} MB)"
    return Plan(kept.channels, ", ".join(part for part in (kept.left_out, words) if part), gradcam=False)


def _plan_layers(layers: list[dict], probes: int, variants: int, budget_bytes: int, *, input_shape=()) -> Plan:
    shapes = {entry["name"]: shape for entry in layers if (shape := map_shape(entry["output_shape"])) is not None}
    pixels = 1
    for size in input_shape:
        pixels *= int(size or 1)
    budget_bytes -= len(layers) * LAYER_BYTES + probes * pixels

    def cost(names, cap: int) -> int:
        return sum(probes * variants * min(shapes[n][0], cap) * (shapes[n][1] * shapes[n][2] + JSON_BYTES_PER_MAP)
                   for n in names)

    names = list(shapes)
    widest = max((shape[0] for shape in shapes.values()), default=1)
    if cost(names, widest) <= budget_bytes:
        return Plan({name: shapes[name][0] for name in names})
    low, high = MIN_CHANNELS, widest  # the largest channel cap that fits, if MIN_CHANNELS does
    if cost(names, low) <= budget_bytes:
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if cost(names, middle) <= budget_bytes else (low, middle - 1)
        return Plan({n: min(shapes[n][0], low) for n in names}, _words(shapes, names, names, low))
    kept = names
    for step in range(2, len(names) + 1):
        kept = list(dict.fromkeys(names[::step] + names[-1:]))
        if cost(kept, MIN_CHANNELS) <= budget_bytes or len(kept) <= 2:
            break
    return Plan({n: min(shapes[n][0], MIN_CHANNELS) for n in kept}, _words(shapes, names, kept, MIN_CHANNELS))


def _words(shapes: dict, names: list[str], kept: list[str], cap: int) -> str:
    capped = sum(1 for n in kept if shapes[n][0] > cap)
    parts = [f"{capped} layer{'s show their' if capped > 1 else ' shows its'} first {cap} channels"] if capped else []
    if len(kept) < len(names):
        parts.append(f"{len(names) - len(kept)} of {len(names)} layers are left out")
    return ", ".join(parts)
