"""Helpers shared by figure kinds: finding layers, loading probes, labelled panels."""

from __future__ import annotations

import numpy as np

from generator.errors import did_you_mean
from generator.figures.directive import FigureRequest
from generator.figures.registry import probe_paths
from generator.models.nesting import layer_hint, layer_listing


def layer_info(request: FigureRequest, model, layer) -> dict:
    """The record entry ({name, class, output_shape, params}) of a layer given by name or index."""
    layers = model.record["layers"]
    names = [entry["name"] for entry in layers]
    if isinstance(layer, int):
        if not -len(layers) <= layer < len(layers):
            raise request.error(f"model '{model.ref}' has no layer {layer} (it has {len(layers)})",
                                "layers: " + ", ".join(names))
        return layers[layer]
    if layer not in names:
        hint, listing = layer_hint(layer, names), layer_listing(names)
        raise request.error(f"model '{model.ref}' has no layer '{layer}'", f"{hint} {listing}" if hint else listing)
    return layers[names.index(layer)]


def is_pattern(layer) -> bool:
    return isinstance(layer, str) and any(character in layer for character in "*?[")


def expand_layers(request: FigureRequest, model, layers: list, *, feature_maps: bool = False) -> list[dict]:
    """The record entries of `layers`: names, paths, indices, or patterns (`block*_conv1`, fnmatch; in the
    model's order; with `feature_maps`, only the matching layers that have feature maps)."""
    import fnmatch

    infos: list[dict] = []
    for layer in layers:
        if not is_pattern(layer):
            infos.append(layer_info(request, model, layer))
            continue
        entries = model.record["layers"]
        matched = [entry for entry in entries if fnmatch.fnmatchcase(entry["name"], layer)
                   and (not feature_maps or len(entry["output_shape"]) == 4)]
        if not matched:
            names = [entry["name"] for entry in entries]
            what = "layer with feature maps" if feature_maps else "layer"
            raise request.error(f"no {what} of model '{model.ref}' matches '{layer}'", layer_listing(names))
        infos.extend(entry for entry in matched if entry not in infos)
    return infos


def require_feature_maps(request: FigureRequest, model, info: dict) -> None:
    """Fail unless the layer outputs (batch, height, width, channels) maps."""
    if len(info["output_shape"]) == 4:
        return
    hint = "use kind 'dense-as-image' to draw a Dense layer's output" if info["class"] == "Dense" \
        else "choose a convolution or pooling layer"
    raise request.error(f"kind {request.kind} cannot draw layer '{info['name']}' ({info['class']}, output "
                        f"shape {tuple(info['output_shape'])}): it has no feature maps", hint)


def probe_images(request: FigureRequest, ctx, model) -> tuple[list[str], np.ndarray]:
    """The block's probes as the model sees them: names and a float32 (N, H, W, C) batch."""
    from generator.datasets.images import open_image

    names = probe_paths(request.options)
    if hasattr(model, "input_note") and hasattr(ctx, "note"):  # a TrainedModel and a DrawContext, not test doubles
        ctx.note(model.input_note([short_name(name) for name in names],
                                  [open_image(ctx.probe(name)).size for name in names]))
    return names, np.stack([model.load_probe(ctx.probe(name)) for name in names]).astype(np.float32)


def dataset_of(request: FigureRequest, model):
    """The data the model was trained on; a model loaded from a file may have none."""
    dataset = model.dataset()
    if dataset is None:
        raise request.error(f"{request.kind} needs a data set to take images from: model '{model.ref}' has none",
                            f"add a `dataset:` to {spec_file(model)}"
                            + (", or give probes" if "probes" in request.options else ""))
    return dataset


def spec_file(model_or_spec) -> str:
    """The spec file as the author knows it: `_models/NAME.yml`."""
    spec = getattr(model_or_spec, "spec", model_or_spec)
    return f"_models/{spec.file.name}"


def class_names_of(request: FigureRequest, model) -> list[str]:
    """The names of the model's outputs (its `classes:` or its data set's); an error says how to give them."""
    names = model.record.get("class_names")
    if not names:
        raise request.error(f"{request.kind} needs class names: model '{model.ref}' has none",
                            f"add `classes:` to {spec_file(model)}, or a `dataset:`")
    return names


def history_of(request: FigureRequest, ctx, ref: str) -> dict:
    """The model's training history; a model the build did not train has none."""
    record = ctx.record(ref)
    if not record.get("history"):
        raise request.error(f"{request.kind} needs a training history: the build did not train model '{ref}'",
                            "its spec has no `layers:` and `dataset:` to train (a saved, pretrained or "
                            "untrained model has no epochs)")
    return record["history"]


def test_metrics_of(request: FigureRequest, ctx, ref: str) -> dict:
    """The model's test metrics; a model without a test set has none."""
    record = ctx.record(ref)
    if not record.get("metrics"):
        raise request.error(f"{request.kind} needs test metrics: model '{ref}' has no test set",
                            f"add a `dataset:` with test images to {spec_file(ctx.store.spec(ref))}")
    return record["metrics"]


def display_image(pixels: np.ndarray) -> np.ndarray:
    """Raw 0..255 pixels (H, W, C) as uint8 RGB."""
    image = np.clip(np.round(pixels), 0, 255).astype(np.uint8)
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image[..., :3]


def short_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def colormap(request: FigureRequest, name: str) -> np.ndarray:
    """A matplotlib colormap's palette (see tiling.colormap_palette); an unknown name is the block's error."""
    from generator.figures.tiling import colormap_names, colormap_palette

    try:
        return colormap_palette(name)
    except KeyError:
        raise request.error(f"unknown colormap '{name}'", did_you_mean(name, colormap_names())) from None
