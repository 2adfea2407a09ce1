"""The build, one way: read and validate everything, compute, render, then write."""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator import uptodate
from generator.console import NOTE
from generator.cache import digest, write_atomically
from generator.config import LAYERPRESS_KEYS, Config, Paths, load_config, section_where
from generator.content.documents import ReadOptions, read_site
from generator.jekyll.assets import add_jekyll_assets, split_sass_pages
from generator.jekyll.plugins import unsupported_warnings
from generator.jekyll.site_keys import known_to_the_blog
from generator.jekyll.themes import theme_inputs, theme_of
from generator.lockfile import record_build, summarise
from generator.site import THEME_DIR, SiteRenderer
from generator.errors import LayerpressError, did_you_mean
from generator.writer import SiteWriter
from generator.buildlock import build_lock
from generator.destination import check_destination, keep_files

log = logging.getLogger(__name__)
RENDERING_GC_THRESHOLD = 50_000   # allocations between two collections of the youngest generation


@dataclass
class BuildOptions:
    source: Path = Path("content")
    dest: Path = Path("site")
    drafts: bool = False
    unpublished: bool = False
    future: bool = False
    cache_dir: Path | None = None        # default <source>/.layerpress-cache
    force: bool = False                  # ignore caches (used by `layerpress check`)
    replace: bool = False                # replace a non-empty folder no build wrote (`--force`)
    wait: bool = False                   # wait for another build of the same folders instead of failing
    strict: bool = False                 # warnings are errors (also `strict: true` in _config.yml)
    refresh: tuple = ()                  # models (NAME, NAME:VARIANT) and figure ids to compute again
    freeze: bool = False                 # write what was computed into <source>/_freeze/ (also `freeze: auto`)
    prune: bool = False                  # with freeze: drop frozen results nothing uses
    frozen_only: bool = False            # fail unless every result is frozen (CI: never train there)

    @property
    def paths(self) -> Paths:
        """Source, destination and cache folder: the one place the cache's default is applied."""
        return Paths.of(self.source, self.dest, self.cache_dir)


@dataclass
class BuildResult:
    dest: Path
    pages_written: int
    seconds: float
    figures: list                        # manifest entries (see figures)
    models: list = field(default_factory=list)  # the model references the site uses (figures and text)


def build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    source, dest = Path(options.source), Path(options.dest)
    config = load_config(source)
    config.warnings[:] = known_to_the_blog(config.warnings, config) + unsupported_warnings(config)
    real_dest = check_destination(source, dest, config, force=options.replace)
    with build_lock(source, real_dest, wait=options.wait):
        return _build(options, config, source, dest, real_dest, started)


def _build(options: BuildOptions, config: Config, source: Path, dest: Path, real_dest: Path,
           started: float) -> BuildResult:
    if (options.strict or config.strict) and config.warnings:
        raise config.warnings[0]
    theme = theme_of(config)                            # `theme: NAME`; an unknown one stops the build
    content = read_site(config, ReadOptions(options.drafts, options.unpublished, options.future, excluded=(dest,)))
    content.pages, sass_pages = split_sass_pages(content.pages)
    cache_dir = options.paths.cache_dir
    environment = uptodate.environment(dest, THEME_DIR) + theme_inputs(theme)
    blog_files = uptodate.blog_files(options, cache_dir)
    inputs = uptodate.inputs_digest(options, environment, blog_files, [str(doc.source_path) for doc in
                                                                       content.posts + content.pages + sass_pages])
    last = uptodate.unchanged(options, cache_dir, inputs)
    if last is not None:  # nothing changed since the build that wrote dest: say what it said
        log.debug("nothing changed since the last build of %s: its site stands", dest)
        if last["warnings"] and (options.strict or config.strict):
            raise LayerpressError(last["warnings"][0])   # the text names its file and line already
        report_warnings(last["warnings"])
        return BuildResult(dest=dest, pages_written=last["pages_written"], seconds=time.perf_counter() - started,
                           figures=last["figures"])
    # From here a build makes and keeps many objects (modules, parsed templates, Markdown trees): with
    # Python's default threshold (700) some 60 collections would find next to no garbage.
    gc.set_threshold(RENDERING_GC_THRESHOLD, *gc.get_threshold()[1:])
    renderer = SiteRenderer(config, content, cache_dir=cache_dir)   # theme folders: template_folders(config)
    strict = options.strict or config.strict
    warnings = [str(warning) for warning in config.warnings + renderer.check_layouts(strict=strict)]
    report_warnings(warnings)
    from generator.stage_memo import figures_and_explorer   # not for a no-change build

    stages = figures_and_explorer(config, content.posts + content.pages, options, environment, blog_files)
    computed, explorer = stages.computed, stages.explorer   # the explorer: a page per published model
    writer = SiteWriter(real_dest, keep_files(config), record=uptodate.copy_record_path(cache_dir, real_dest),
                        spare=uptodate.spare_path(cache_dir))
    pages = renderer.render_all(computed.context, computed.replacements)
    warnings += [str(warning) for warning in renderer.warnings]
    if renderer.warnings and strict:
        raise renderer.warnings[0]
    report_warnings([str(warning) for warning in renderer.warnings])
    explorer.link_downloads(pages)
    pages += explorer.pages(renderer)
    for page in pages:
        writer.add_text(page.output_path, page.text, page.source)
    add_jekyll_assets(writer, renderer, config, theme, sass_pages)   # before the built-in theme's assets
    add_furniture(writer, renderer, config, pages, content, cache_dir)
    for path, file in computed.outputs:
        writer.add_file(path, Path(file), Path(file))
    writer.commit()
    drift = summarise(record_build(source, computed.manifest))
    if drift:
        log.log(NOTE, drift)
    results = uptodate.results_stats(cache_dir)
    uptodate.remember(options, cache_dir, inputs, results, pages_written=len(pages), figures=computed.manifest,
                      warnings=warnings)
    stages.keep(results)
    return BuildResult(dest=dest, pages_written=len(pages), seconds=time.perf_counter() - started,
                       figures=computed.manifest, models=computed.model_refs)


def report_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        log.warning(warning)


def add_furniture(writer: SiteWriter, renderer: SiteRenderer, config: Config, pages, content,
                  cache_dir: Path | None = None) -> None:
    """Static files, theme assets, feed, sitemap, robots.txt, .nojekyll, CNAME and highlight CSS."""
    for static in content.static_files:
        writer.add_file(static.output_path, static.source_path, static.source_path)
    math_assets = ("assets/katex/", "assets/js/math.js")
    uses_math = any(page.get("math") for page in renderer.pages.values())
    for asset in sorted((THEME_DIR / "assets").rglob("*")):
        path = asset.relative_to(THEME_DIR).as_posix()
        if path.startswith(math_assets) and not uses_math:
            continue   # the math typesetter (about 600 KB) only for sites that have formulas
        if asset.is_file() and not writer.has(path):
            writer.add_file(path, asset, f"theme file {path}")
    generated = {
        "feed.xml": renderer.feed,
        "sitemap.xml": lambda: renderer.sitemap(pages),
        "robots.txt": lambda: robots_txt(config),
        ".nojekyll": lambda: "",
        "assets/css/highlight.css": lambda: highlight_css(config, cache_dir),
    }
    if config.cname:
        generated["CNAME"] = lambda: config.cname.strip() + "\n"
    for path, make in generated.items():
        if not writer.has(path):
            writer.add_text(path, make(), f"generated {path}")


def robots_txt(config: Config) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.url}{config.baseurl}/sitemap.xml\n"


def highlight_css(config: Config, cache_dir: Path | None = None) -> str:
    """Pygments colours for code: a light style, and a dark one for `prefers-color-scheme: dark`.
    Kept in `<cache_dir>/highlight/`: importing Pygments' styles costs more than the rest of a no-change build's furniture."""
    styles = (config.option("pygments_style"), config.option("pygments_dark_style"))
    memo = Path(cache_dir) / "highlight" / f"{digest(styles, _pygments_version())}.css" if cache_dir else None
    if memo is not None and memo.is_file():
        return memo.read_text()
    css = _highlight_css(config)
    if memo is not None:
        write_atomically(memo, css)
    return css


def _pygments_version() -> str:
    import pygments  # the Markdown highlighter has imported it already

    return pygments.__version__


def _highlight_css(config: Config) -> str:
    from pygments.formatters import HtmlFormatter
    from pygments.styles import get_all_styles
    from pygments.util import ClassNotFound

    def style_defs(option: str) -> str:
        try:
            return HtmlFormatter(style=config.option(option)).get_style_defs(".highlight")
        except ClassNotFound:  # the one check of the option load_config cannot make without importing Pygments
            raise section_where(config, "layerpress").invalid(option, LAYERPRESS_KEYS[option].expects,
                                                              config.option(option),
                                                              did_you_mean(config.option(option), get_all_styles())) from None

    light, dark = style_defs("pygments_style"), style_defs("pygments_dark_style")
    indented = "\n".join("  " + line for line in dark.splitlines())
    return f"{light}\n\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
