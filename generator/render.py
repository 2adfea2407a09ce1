"""The render step of a build: every page of the site, from the documents and what the compute step
handed over (generator/figures/result.py `ComputeResult`: models for the bodies, figure HTML, the
explorers' pages and the links after a model's download links). The build makes the renderer
(`prepare`) before the compute step, so that a missing layout stops it before anything is trained or
drawn."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from generator.content.documents import SiteContent
from generator.config import Config
from generator.site import RenderedPage, SiteRenderer

if TYPE_CHECKING:   # the compute step's module: not for a no-change build
    from generator.figures.result import ComputeResult

RENDERING_GC_THRESHOLD = 50_000   # allocations between two collections of the youngest generation


def prepare(config: Config, content: SiteContent, cache_dir: Path) -> SiteRenderer:
    """The site's renderer (theme folders: liquid.environment.template_folders), made once per build."""
    # From here a build makes and keeps many objects (modules, parsed templates, Markdown trees): with
    # Python's default threshold (700) some 60 collections would find next to no garbage.
    gc.set_threshold(RENDERING_GC_THRESHOLD, *gc.get_threshold()[1:])
    return SiteRenderer(config, content, cache_dir=cache_dir)


def render(renderer: SiteRenderer, computed: ComputeResult) -> list[RenderedPage]:
    """Every page: the documents with the computed HTML in place (and the computed links after their links,
    e.g. to a model's explorer after its download link), index and category pages, 404, and the computed
    pages (the explorers'). Liquid's warnings are in `renderer.warnings` afterwards."""
    pages = renderer.render_all(computed.context, computed.replacements, computed.links_after)
    return pages + [renderer.furniture_page(layout, path, page) for layout, path, page in computed.pages]
