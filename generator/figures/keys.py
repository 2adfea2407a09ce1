"""Keying and caching: what a figure's drawing depends on, and where its drawing is found
(the frozen results first, then the local cache)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from generator import __version__
from generator.cache import Store, digest, file_digest
from generator.figures import registry
from generator.figures.collect import Figure
from generator.figures.directive import FigureRequest
from generator.package_versions import installed_version

log = logging.getLogger(__name__)

LIBRARIES = ("numpy", "pillow", "matplotlib", "scipy", "tensorflow", "keras")
# Keys that change the HTML around a figure, not its pixels: not part of the cache key.
PRESENTATION_KEYS = ("id", "caption", "alt")
# Keys added to kinds after figures were frozen: left out of the key while unset (None), so that the
# figures drawn before they existed keep their keys.
ADDED_KEYS = ("channels", "max_channels")


class FigureKeys:
    """The two keys of a figure: the local cache's (with library versions) and the frozen results'
    (without, so another machine finds them)."""

    def __init__(self, store, source: Path, figure_width: int):
        self.store = store
        self.source = Path(source)
        self.figure_width = figure_width
        self._digests: dict[str, str] = {}

    def probe_digests(self, request: FigureRequest) -> dict[str, str]:
        """{probe path: SHA-256 of its bytes}, each file read once per build however many figures use it."""
        for probe in registry.probe_paths(request.options):
            if probe not in self._digests:
                self._digests[probe] = file_digest(self.source / probe)
        return {probe: self._digests[probe] for probe in registry.probe_paths(request.options)}

    def cache_key(self, request: FigureRequest) -> str:
        return self._key(request, self.store.cache_key, library_versions())

    def input_key(self, request: FigureRequest) -> str:
        """The frozen results' key: the cache key's inputs without any library version."""
        return self._key(request, self.store.input_key)

    def _key(self, request: FigureRequest, model_key, *versions) -> str:
        drawing_options = {k: v for k, v in keyed_options(request.options).items() if k not in PRESENTATION_KEYS}
        return digest("figure", request.kind, drawing_options,
                      {ref: model_key(ref) for ref in request.model_refs},
                      self.probe_digests(request),
                      registry.kind_module(request.kind).VERSION, registry.SHARED_VERSION,
                      {"figure_width": self.figure_width}, *versions)


def keyed_options(options: dict) -> dict:
    """The block's options as keys and figures.json hold them: ADDED_KEYS only when set."""
    return {k: v for k, v in options.items() if not (k in ADDED_KEYS and v is None)}


def find_entry(figure: Figure, cache_store: Store, frozen) -> Path | None:
    """The figure's stored drawing: frozen (`frozen`: a FrozenResults or None) before cached."""
    entry = frozen.figure_entry(figure.input_key) if frozen is not None else None
    if entry is not None:
        log.debug("figure '%s': frozen (%s)", figure.request.figure_id, figure.input_key[:12])
        return entry
    entry = cache_store.get(figure.key)
    if entry is not None:
        log.debug("figure '%s': cached (%s)", figure.request.figure_id, figure.key[:12])
    return entry


@cache
def library_versions() -> dict[str, str]:
    return {"layerpress": __version__} | {name: installed_version(name) or "not installed" for name in LIBRARIES}
