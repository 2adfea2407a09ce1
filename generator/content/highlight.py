"""Fenced code highlighted by Pygments, kept between builds.

Pygments builds a lexer's regular expressions the first time a process meets a language, which
costs more than converting the rest of a post: a rebuild after editing a post's prose would pay it
for code that did not change. `CachedHighlightExtension` is pymdown-extensions' `highlight`
extension whose highlighter (the one superfences calls for fenced code) looks each block up in a
`ConversionCache` first, under a digest of everything `Highlight.highlight` reads: the code, its
language and options, the block's number in the document and the extension's settings (the
cache's salt adds the library versions and this code). A block whose title is HTML (it goes
through Markdown's stash) or inline code is highlighted as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pymdownx.highlight import Highlight, HighlightExtension

if TYPE_CHECKING:
    from generator.content.conversions import ConversionCache

# Highlight's own settings (its constructor's arguments, kept as attributes of the same names).
SETTINGS = ("guess_lang", "pygments_style", "use_pygments", "noclasses", "linenums", "linenums_style",
            "linenums_special", "linenums_class", "extend_pygments_lang", "language_prefix", "code_attr_on_pre",
            "auto_title", "auto_title_map", "line_spans", "line_anchors", "anchor_linenums",
            "pygments_lang_class", "stripnl", "default_lang", "title_mode")


class CachedHighlightExtension(HighlightExtension):
    def __init__(self, cache: ConversionCache | None, **config) -> None:
        self.cache = cache
        super().__init__(**config)

    def get_pymdownx_highlighter(self):
        if self.cache is None:
            return Highlight
        cache: ConversionCache = self.cache

        class CachedHighlight(Highlight):
            def highlight(self, src, language, css_class="highlight", **options):
                if options.get("inline") or options.get("title"):
                    return super().highlight(src, language, css_class, **options)
                settings = {name: getattr(self, name) for name in SETTINGS}
                key = cache.key([src, language, css_class, options, settings])
                html = cache.get(key)
                if html is None:
                    html = super().highlight(src, language, css_class, **options)
                    cache.put(key, html)
                return html

        return CachedHighlight
