"""The Sass pages and static files a site gets from the blog and its theme.

A `.scss`/`.sass` file with front matter (in the blog or in the theme's `assets/`) is a page:
its Liquid is rendered, then it is compiled to `.css` at the same place. The theme's other
`assets/` files are copied unless the blog has a file at the same path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from generator import confine
from generator.content.frontmatter import has_front_matter, split_front_matter
from generator.errors import ContentError
from generator.jekyll.sass import SassOptions, compile_sass, css_path, is_sass
from generator.themes import Theme, theme_assets


@dataclass
class SassPage:
    source_path: Path
    output_path: str             # assets/main.css
    body: str                    # after the front matter
    body_line: int
    front_matter: dict = field(default_factory=dict)


def split_sass_pages(pages: list) -> tuple[list, list[SassPage]]:
    """The blog's documents without its Sass pages, and those pages."""
    others, sass_pages = [], []
    for page in pages:
        if is_sass(page.source_path):
            sass_pages.append(SassPage(page.source_path, css_path(page.relative_path), page.body, page.body_line,
                                       page.front_matter))
        else:
            others.append(page)
    return others, sass_pages


def theme_files(source: Path, theme: Theme | None) -> tuple[list[SassPage], list[tuple[str, Path]]]:
    """The theme's Sass pages and its static files, both without the ones the blog overrides."""
    pages, static = [], []
    for relative, path in theme_assets(source, theme):
        confine.checked_file(source, path, "sass" if is_sass(path) else "static", ContentError, what="theme file")
        if is_sass(path) and has_front_matter(path):
            if not (Path(source) / css_path(relative)).exists():
                text = confine.read_text(source, path, "sass", ContentError, what="theme file")
                parsed = split_front_matter(text, path)
                pages.append(SassPage(path, css_path(relative), parsed.body, parsed.body_line, parsed.front_matter))
        else:
            static.append((relative, path))
    return pages, static


def compiled_css(pages: list[SassPage], options: SassOptions,
                 render_liquid: Callable[[SassPage], str]) -> list[tuple[str, str, Path]]:
    """(output path, CSS, source file) for each Sass page: Liquid first, then Sass."""
    return [(page.output_path, compile_sass(render_liquid(page), options, file=page.source_path,
                                            first_line=page.body_line), page.source_path)
            for page in pages]


def add_jekyll_assets(writer, renderer, config, theme: Theme | None, sass_pages: list[SassPage],
                      cache_dir: Path | None = None) -> None:
    """The theme's static assets and the CSS of every Sass page (the blog's and the theme's)."""
    theme_pages, static = theme_files(config.source, theme)
    for relative, path in static:
        writer.add_file(relative, path, f"theme file {path}")

    def render_liquid(page: SassPage) -> str:
        template = renderer.liquid.parse_text(page.body, page.source_path, page.body_line)
        variables = renderer.variables(dict(page.front_matter) | {"url": "/" + page.output_path})
        return renderer.liquid.render(template, variables)

    options = SassOptions.from_config(config, theme, cache_dir)
    for output_path, css, source_path in compiled_css(sass_pages + theme_pages, options, render_liquid):
        writer.add_text(output_path, css, source_path)
