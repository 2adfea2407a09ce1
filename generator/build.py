"""The build, one way: read and validate everything, compute, render, then write."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from generator.config import Config, load_config
from generator.content.documents import ReadOptions, read_site
from generator.lockfile import record_build, summarise
from generator.site import THEME_DIR, SiteRenderer
from generator.errors import ConfigError, did_you_mean
from generator.figures.stage import ComputeResult, compute as compute_stage  # noqa: F401 (ComputeResult re-exported)
from generator.writer import SiteWriter


@dataclass
class BuildOptions:
    source: Path = Path("content")
    dest: Path = Path("site")
    drafts: bool = False
    unpublished: bool = False
    future: bool = False
    quiet: bool = False
    cache_dir: Path | None = None        # default <source>/.layerpress-cache
    force: bool = False                  # ignore caches (used by `layerpress check`)
    refresh: tuple = ()                  # models (NAME, NAME:VARIANT) and figure ids to compute again
    freeze: bool = False                 # write what was computed into <source>/_freeze/ (also `freeze: auto`)
    prune: bool = False                  # with freeze: drop frozen results nothing uses
    frozen_only: bool = False            # fail unless every result is frozen (CI: never train there)


@dataclass
class BuildResult:
    dest: Path
    pages_written: int
    seconds: float
    figures: list                        # manifest entries (see figures)
    models: list = ()                    # the model references the site uses (figures and text)


def build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    source, dest = Path(options.source), Path(options.dest)
    config = load_config(source)
    if not options.quiet:
        for warning in config.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    content = read_site(config, ReadOptions(options.drafts, options.unpublished, options.future, excluded=(dest,)))
    renderer = SiteRenderer(config, content)
    renderer.check_layouts()
    computed = compute_stage(config, content.posts + content.pages, options)
    renderer.extra_context, renderer.replacements = computed.context, computed.replacements
    renderer.body_env.filters.update(computed.filters)
    writer = SiteWriter(dest)
    pages = renderer.render_all()
    for page in pages:
        writer.add_text(page.output_path, page.text, page.source)
    add_furniture(writer, renderer, config, pages, content)
    for path, file in computed.outputs:
        writer.add_file(path, Path(file), Path(file))
    writer.commit()
    drift = summarise(record_build(source, computed.manifest))
    if drift and not options.quiet:
        print(f"note: {drift}", file=sys.stderr)
    return BuildResult(dest=dest, pages_written=len(pages), seconds=time.perf_counter() - started,
                       figures=computed.manifest, models=computed.model_refs)


def add_furniture(writer: SiteWriter, renderer: SiteRenderer, config: Config, pages, content) -> None:
    """Static files, theme assets, feed, sitemap, robots.txt, .nojekyll, CNAME and highlight CSS."""
    for static in content.static_files:
        writer.add_file(static.output_path, static.source_path, static.source_path)
    for asset in sorted((THEME_DIR / "assets").rglob("*")):
        path = asset.relative_to(THEME_DIR).as_posix()
        if asset.is_file() and not writer.has(path):
            writer.add_file(path, asset, f"theme file {path}")
    generated = {
        "feed.xml": renderer.feed,
        "sitemap.xml": lambda: renderer.sitemap(pages),
        "robots.txt": lambda: robots_txt(config),
        ".nojekyll": lambda: "",
        "assets/css/highlight.css": lambda: highlight_css(config),
    }
    if config.cname:
        generated["CNAME"] = lambda: config.cname.strip() + "\n"
    for path, make in generated.items():
        if not writer.has(path):
            writer.add_text(path, make(), f"generated {path}")


def robots_txt(config: Config) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.url}{config.baseurl}/sitemap.xml\n"


def highlight_css(config: Config) -> str:
    """Pygments colours for code: a light style, and a dark one for `prefers-color-scheme: dark`."""
    from pygments.formatters import HtmlFormatter
    from pygments.styles import get_all_styles
    from pygments.util import ClassNotFound

    def style_defs(option: str) -> str:
        try:
            return HtmlFormatter(style=config.option(option)).get_style_defs(".highlight")
        except ClassNotFound:
            raise ConfigError(f"unknown Pygments style '{config.option(option)}' in layerpress.{option}",
                              file=config.file, hint=did_you_mean(config.option(option), get_all_styles())) from None

    light, dark = style_defs("pygments_style"), style_defs("pygments_dark_style")
    indented = "\n".join("  " + line for line in dark.splitlines())
    return f"{light}\n\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
