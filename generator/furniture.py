"""The site's furniture, besides the pages: static files, the built-in theme's assets, feed, sitemap,
robots.txt, .nojekyll, CNAME and the highlight CSS. A file the blog has (a page, a static file, a
theme asset) is never replaced by a generated one."""

from __future__ import annotations

from pathlib import Path

from generator.builtin_theme import THEME_DIR
from generator.cache import digest, write_atomically
from generator.config import LAYERPRESS_KEYS, Config, section_where
from generator.errors import did_you_mean


def add_furniture(writer, renderer, config: Config, pages, content,
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
