"""The write step of a build: the rendered pages, the Jekyll theme's assets and Sass, the furniture and
the computed files into the destination (all at once: generator/writer.py), then the lock file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from generator import uptodate
from generator.config import Config
from generator.console import NOTE
from generator.destination import keep_files
from generator.furniture import add_furniture
from generator.jekyll.assets import add_jekyll_assets
from generator.themes import Theme
from generator.lockfile import record_build, summarise
from generator.site import RenderedPage, SiteRenderer
from generator.writer import SiteWriter

if TYPE_CHECKING:   # the compute step's module: not for a no-change build
    from generator.figures.result import ComputeResult

log = logging.getLogger(__name__)


def write_site(dest: Path, config: Config, cache_dir: Path, renderer: SiteRenderer, pages: list[RenderedPage],
               computed: ComputeResult, theme: Theme | None, sass_pages: list) -> None:
    """Replace `dest` (its real path) with the site, and record what the figures came from in figures.lock."""
    writer = SiteWriter(dest, keep_files(config), record=uptodate.copy_record_path(cache_dir, dest),
                        spare=uptodate.spare_path(cache_dir))
    for page in pages:
        writer.add_text(page.output_path, page.text, page.source)
    add_jekyll_assets(writer, renderer, config, theme, sass_pages, cache_dir)   # before the built-in theme's assets
    add_furniture(writer, renderer, config, pages, renderer.content, cache_dir)
    for path, file in computed.outputs:
        writer.add_file(path, Path(file), Path(file))
    writer.commit()
    drift = summarise(record_build(config.source, computed.manifest))
    if drift:
        log.log(NOTE, drift)
