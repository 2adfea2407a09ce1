"""Writing the manifest: where each figure's files go in the site, and `figures.json`, which lists
every figure with its inputs, outputs and legibility (the lock file and `layerpress check` read it)."""

from __future__ import annotations

import json
from pathlib import Path

from generator.cache import MANIFEST, write_atomically
from generator.figures.collect import Figure
from generator.figures.draw import image_name, suffix
from generator.figures.keys import FigureKeys, keyed_options, library_versions

MANIFEST_NAME = "figures.json"


def site_path(figure: Figure, extension: str, variant_suffix: str = "") -> str:
    return f"figures/{figure.slug}/{figure.request.figure_id}{variant_suffix}.{extension}"


def site_files(figure: Figure, meta: dict) -> dict[str, str]:
    """{site path: file name in the figure's entry}: the data and every image variant."""
    files = {site_path(figure, "npz"): "data.npz"}
    for name, variant in meta["variants"].items():
        files[site_path(figure, variant["extension"], suffix(name))] = image_name(name, variant["extension"])
    return files


def manifest_entry(figure: Figure, meta: dict, store, keys: FigureKeys) -> dict:
    request = figure.request
    assert figure.entry is not None  # compute() gave every figure its entry
    stored = json.loads((figure.entry / MANIFEST).read_text())  # a cached or a frozen entry
    return {
        "post": figure.post, "line": request.line,
        "id": request.figure_id, "kind": request.kind, "spec": keyed_options(request.options), "cache_key": figure.input_key,
        "models": {ref: store.input_key(ref) for ref in request.model_refs},
        "inputs": keys.probe_digests(request),
        "outputs": {path: stored[name]["sha256"] for path, name in site_files(figure, meta).items()},
        "legibility": meta["legibility"],
        # the versions that drew the figure (from its entry): the same frozen results give
        # the same figures.json on every machine
        "versions": meta.get("versions") or library_versions(),
    }


def sorted_entries(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e["post"], e["line"]))


def write_manifest(entries: list[dict], folder: Path) -> Path:
    """figures.json in `folder` (the figure cache's root), ready to be copied into the site."""
    path = folder / MANIFEST_NAME
    write_atomically(path, json.dumps(entries, indent=1, sort_keys=True) + "\n")
    return path
