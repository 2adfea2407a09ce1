"""A figure's HTML, from the theme's `figure.html` (Jinja): the image (or table), caption, note and
data link. The stage passes the values; the template decides the markup."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from generator.figures.collect import Figure
from generator.figures.draw import suffix
from generator.figures.layout import DENSITY, NARROW_MEDIA, VARIANT_MEDIA
from generator.figures.manifest import site_path
from generator.builtin_theme import THEME_DIR

TEMPLATE = "figure.html"


class FigureHtml:
    """Renders figures with `figure.html` from the first of `theme_dirs` that has it."""

    def __init__(self, baseurl: str = "", theme_dirs: list[Path] | None = None, template_cache: Path | None = None,
                 markdown_cache: Path | None = None):
        self.baseurl = baseurl.rstrip("/")
        self.theme_dirs = theme_dirs
        self.template_cache = template_cache  # a folder for Jinja's compiled template
        self.markdown_cache = markdown_cache  # the build cache, where caption conversions are kept
        self._template: Any = None

    def render(self, figure: Figure, meta: dict, *, explore_url: str | None = None) -> str:
        request = figure.request
        values = {"kind": request.kind, "id": request.figure_id, "note": meta["note"],
                  "caption": _markup(render_caption(request.options["caption"], self.markdown_cache)),
                  "data_url": self._url(figure, "npz"), "table": None, "image": None, "explore_url": explore_url}
        if meta["table_html"] is not None:
            values["table"] = _markup(meta["table_html"])
        else:
            values["image"] = self._image(figure, meta)
        return self.template().render(values)

    def _image(self, figure: Figure, meta: dict) -> dict:
        # Drawn at 2x for the text column (and for phones); the link opens the image at its full size.
        request, wide = figure.request, meta["variants"]["wide"]
        image = {"src": self._url(figure, wide["extension"]), "density": DENSITY, "narrow": None, "dark_src": None,
                 "alt": request.options["alt"] or meta["alt"] or f"{request.kind} figure",
                 **_css_size(wide)}
        if "dark" in meta["variants"]:   # what the full-size link opens under a dark colour scheme
            image["dark_src"] = self._url(figure, meta["variants"]["dark"]["extension"], suffix("dark"))
        if "narrow" in meta["variants"]:
            narrow = meta["variants"]["narrow"]
            image["narrow"] = {"media": NARROW_MEDIA, "src": self._url(figure, narrow["extension"], suffix("narrow")),
                               **_css_size(narrow)}
        image["sources"] = [{"media": media, "src": self._url(figure, meta["variants"][name]["extension"], suffix(name)),
                             **_css_size(meta["variants"][name])} for name, media in picture_sources(meta["variants"])]
        return image

    def template(self):
        if self._template is None:
            import jinja2

            compiled = None
            if self.template_cache is not None:
                self.template_cache.mkdir(parents=True, exist_ok=True)
                compiled = jinja2.FileSystemBytecodeCache(str(self.template_cache))
            environment = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in self._folders()]),
                                             autoescape=True, undefined=jinja2.StrictUndefined,
                                             bytecode_cache=compiled)
            environment.filters.update(attribute=lambda text: _markup(attribute(text)),
                                       text=lambda text: _markup(escape(text)))
            self._template = environment.get_template(TEMPLATE)
        return self._template

    def _folders(self) -> list[Path]:
        if self.theme_dirs is not None:
            return self.theme_dirs
        return [THEME_DIR]

    def _url(self, figure: Figure, extension: str, variant_suffix: str = "") -> str:
        return f"{self.baseurl}/{site_path(figure, extension, variant_suffix)}"


def picture_sources(variants: dict) -> list[tuple[str, str]]:
    """(variant name, media query) of every variant but the wide one, most specific first: a <picture> takes
    the first source whose media matches (a dark phone under reduced motion: `narrow-still-dark`)."""
    named = [name for name in variants if name != "wide"]
    named.sort(key=lambda name: -len(name.split("-")))  # stable: the entry's order among equals
    return [(name, " and ".join(VARIANT_MEDIA[part] for part in name.split("-"))) for name in named]


def render_caption(caption: str, cache_dir: Path | None = None) -> str:
    """A caption's markdown as inline HTML (no wrapping paragraph). Raw HTML in it is shown as text,
    so a caption cannot inject markup into the figure."""
    if not caption:
        return ""
    from generator.content.markdown import render_fragment  # Markdown's extensions: not for a no-change build

    html = render_fragment(caption, cache_dir)
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1 else html


def attribute(text: str) -> str:
    """Text for a double-quoted attribute: only what must be escaped is (an apostrophe stays one)."""
    return escape(text, quote=False).replace('"', "&quot;")


def _css_size(variant: dict) -> dict:
    width, height = (round(n / DENSITY) for n in variant["size"])
    return {"width": width, "height": height}


def _markup(html: str):
    from markupsafe import Markup

    return Markup(html)
