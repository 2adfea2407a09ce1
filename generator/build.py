"""The build, one way: read, stop if nothing changed, compute, render, write, remember.

Each step is a function of the stage it belongs to: `read` (here: the config, the theme, every document,
and the digest of what the build reads), `uptodate.unchanged`, `stage_memo.compute` (models, figures,
explorers: run, or reused after a prose edit), `render.prepare` and `render.render`, `output.write_site`,
and `remember` (uptodate's state and the compute step's snapshot). `layerpress freeze` is the same
sequence up to compute, with the freezing policy (BuildOptions.freeze), and writes no site.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator import confine, render, safe, uptodate
from generator.build_options import BuildOptions
from generator.jekyll.site_keys import unknown_to_the_blog
from generator.buildlock import build_lock
from generator.builtin_theme import THEME_DIR
from generator.config import Config, load_config
from generator.errors import LayerpressError
from generator.content.documents import ReadOptions, SiteContent, read_site
from generator.destination import check_destination
from generator.furniture import highlight_css
from generator.jekyll.assets import split_sass_pages
from generator.jekyll.plugins import unsupported_warnings
from generator.themes import Theme, theme_inputs, theme_of
from generator.lockfile import LOCK_NAME
from generator.output import write_site

if TYPE_CHECKING:
    from generator.stage_memo import Stages

__all__ = ["BuildOptions", "BuildResult", "Reading", "build", "freeze_blog", "highlight_css", "read"]

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    dest: Path
    pages_written: int
    seconds: float
    figures: list                        # manifest entries (see figures)
    models: list = field(default_factory=list)  # the model references the site uses (figures and text)


@dataclass
class Reading:
    """What the read step found: the blog as this build sees it."""

    options: BuildOptions
    config: Config
    theme: Theme | None
    content: SiteContent                 # its pages without the Sass ones
    sass_pages: list
    environment: list                    # what the build reads besides the blog (uptodate.environment, the theme)
    blog_files: list                     # the blog's files (uptodate.blog_files)
    inputs: str                          # the digest of both, the options and the documents kept

    @property
    def documents(self) -> list:
        return self.content.posts + self.content.pages


def build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    options, config = configured(options)
    source, dest, cache_dir = Path(options.source), Path(options.dest), options.paths.cache_dir
    real_dest = check_destination(source, dest, config, force=options.replace)
    with build_lock(source, real_dest, wait=options.wait):
        site = read(options, config)
        last = uptodate.unchanged(options, cache_dir, site.inputs)
        if last is not None:   # nothing changed since the build that wrote dest: say what it said
            return repeated(site, last, started)
        renderer = render.prepare(config, site.content, cache_dir)
        warnings = report(config.warnings + renderer.check_layouts(strict=options.strict), options)
        stages = compute(site)
        pages = render.render(renderer, stages.computed)
        warnings += report(renderer.warnings, options)
        write_site(real_dest, config, cache_dir, renderer, pages, stages.computed, site.theme, site.sass_pages)
        remember(site, stages, len(pages), warnings)
    return BuildResult(dest=dest, pages_written=len(pages), seconds=time.perf_counter() - started,
                       figures=stages.computed.manifest, models=stages.computed.model_refs)


def freeze_blog(source: Path, *, prune: bool = False, refresh=(), cache_dir: Path | None = None,
                safe: bool = False) -> None:
    """`layerpress freeze`: the build's read and compute steps with the freezing policy (what the frozen
    results lack is computed and copied there); no site is written."""
    options, config = configured(BuildOptions(source=Path(source), cache_dir=cache_dir, refresh=tuple(refresh),
                                              freeze=True, prune=prune, safe=safe))
    compute(read(options, config))


def configured(options: BuildOptions) -> tuple[BuildOptions, Config]:
    """The blog's _config.yml (the plugins, collections and remote theme it asks for and layerpress lacks
    are warnings), and the options with its `strict: true`."""
    config = load_config(Path(options.source))
    confine.check_writable(options.paths)   # no symlink leads the cache or a state file out, before any write
    if safe.is_safe(options.safe, config):
        safe.check_config(config)
    config.unknown_keys = unknown_to_the_blog(config)
    config.warnings.extend(unsupported_warnings(config))
    return replace(options, strict=options.strict or config.strict, safe=safe.is_safe(options.safe, config)), config


def read(options: BuildOptions, config: Config) -> Reading:
    """The read step: the theme (an unknown one stops the build), every document, and the digest of
    everything the build reads."""
    theme = theme_of(config)
    content = read_site(config, ReadOptions(options.drafts, options.unpublished, options.future,
                                            excluded=(Path(options.dest),)))
    content.pages, sass_pages = split_sass_pages(content.pages)
    environment = uptodate.environment(Path(options.dest), THEME_DIR) + theme_inputs(theme)
    blog_files = uptodate.blog_files(options, options.paths.cache_dir, config.shared_folders)
    kept = [str(doc.source_path) for doc in content.posts + content.pages + sass_pages]
    return Reading(options, config, theme, content, sass_pages, environment, blog_files,
                   uptodate.inputs_digest(options, environment, blog_files, kept))


def repeated(site: Reading, last: dict, started: float) -> BuildResult:
    """A no-change build: the last build's site stands, and what it reported is reported again."""
    log.debug("nothing changed since the last build of %s: its site stands", site.options.dest)
    report(last["warnings"], site.options)
    return BuildResult(dest=Path(site.options.dest), pages_written=last["pages_written"],
                       seconds=time.perf_counter() - started, figures=last["figures"])


def report(warnings: list, options: BuildOptions) -> list[str]:
    """The warnings' texts (a warning is a LayerpressError, or its text from the last build), logged; under
    strict (`--strict`, `strict: true`) the first one is the build's error instead."""
    if options.strict and warnings:
        first = warnings[0]
        raise first if isinstance(first, LayerpressError) else LayerpressError(first)  # the text names its place
    texts = [str(warning) for warning in warnings]
    for text in texts:
        log.warning(text)
    return texts


def compute(site: Reading) -> Stages:
    """The compute step (generator/stage_memo.py): models, figures and explorers, run or reused."""
    from generator import stage_memo   # not for a no-change build

    read_files = [row for row in site.blog_files if row[0] != LOCK_NAME]   # the build writes the lock file itself
    return stage_memo.compute(site.config, site.documents, site.options, site.environment, read_files)


def remember(site: Reading, stages: Stages, pages_written: int, warnings: list[str]) -> None:
    """The remember step, once the site is written: the no-change state (with the warnings to report
    again) and the compute step's snapshot, with the cache's results as the build left them."""
    cache_dir = site.options.paths.cache_dir
    results = uptodate.results_stats(cache_dir)
    uptodate.remember(site.options, cache_dir, site.inputs, results, pages_written=pages_written,
                      figures=stages.computed.manifest, warnings=warnings)
    stages.keep(results)
