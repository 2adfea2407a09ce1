"""Markdown -> HTML with Python-Markdown and pymdown-extensions, read as Jekyll's kramdown reads it.

One `markdown.Markdown` object per process and set of options (`shared_renderer`: building
one costs far more than converting a document with it), `reset()` before each document. See generator/content/kramdown.py for
the kramdown syntax the extensions below do not cover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import markdown
from pymdownx import emoji

from generator.content.kramdown import HeadingIds, KramdownExtension

EXTENSIONS = [
    "toc", "tables", "footnotes", "md_in_html", "attr_list", "def_list", "abbr", "smarty", "sane_lists",
    "pymdownx.superfences", "pymdownx.highlight", "pymdownx.tasklist",
    "pymdownx.tilde", "pymdownx.emoji",
]
# Python-Markdown's stash placeholders (STX ... ETX); one must never reach a page.
PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03")
ESCAPED_CHAR = re.compile("\x02(\\d+)\x03")
INLINE_PLACEHOLDER = re.compile("\x02klzzwxh:\\d*")
MATH_MARK = re.compile(r'class="arithmatex"|\\\(|\\\[')


@dataclass(frozen=True)
class MarkdownOptions:
    """What a blog's `_config.yml` says about its markdown (Jekyll's `kramdown:` mapping)."""

    gfm: bool = True                 # kramdown: input: GFM (GitHub Pages' default)
    toc_levels: str = "1-6"          # kramdown: toc_levels: 1..4
    heading_permalinks: bool = False  # layerpress: heading_permalinks: true adds a ¶ link to headings
    raw_html: bool = True            # False for texts that must not carry markup (figure captions)

    @classmethod
    def from_config(cls, data: dict) -> MarkdownOptions:
        kramdown = data["kramdown"] if isinstance(data.get("kramdown"), dict) else {}
        levels = str(kramdown.get("toc_levels", "1..6"))
        match = re.fullmatch(r"\s*(\d)\s*\.\.\s*(\d)\s*", levels)
        layerpress = data["layerpress"] if isinstance(data.get("layerpress"), dict) else {}
        return cls(gfm=str(kramdown.get("input", "GFM")).lower() == "gfm",
                   toc_levels=f"{match[1]}-{match[2]}" if match else "1-6",
                   heading_permalinks=bool(layerpress.get("heading_permalinks", False)))


def extension_configs(options: MarkdownOptions, heading_ids: HeadingIds) -> dict:
    return {
        "toc": {"permalink": options.heading_permalinks, "permalink_title": "Link to this section",
                "slugify": heading_ids, "toc_depth": options.toc_levels},
        "smarty": {"smart_angled_quotes": True},
        "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
        "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
        # kramdown has no subscript: `~10 epochs` stays as written.
        "pymdownx.tilde": {"subscript": False},
        # GitHub's emoji names, written as Unicode characters: no image CDN.
        "pymdownx.emoji": {"emoji_index": emoji.gemoji, "emoji_generator": emoji.to_alt},
    }


class MarkdownRenderer:
    """One configured converter, reset between documents (building it costs more than using it)."""

    def __init__(self, options: MarkdownOptions | None = None) -> None:
        options = options or MarkdownOptions()
        self._heading_ids = HeadingIds(gfm=options.gfm)
        self._md = markdown.Markdown(
            extensions=EXTENSIONS + [KramdownExtension(gfm=options.gfm)],
            extension_configs=extension_configs(options, self._heading_ids), output_format="html")
        if not options.raw_html:  # raw HTML is shown as text
            self._md.preprocessors.deregister("html_block")
            self._md.inlinePatterns.deregister("html")

    def convert(self, text: str) -> str:
        self._md.reset()
        self._heading_ids.reset()
        return self._without_placeholders(self._md.convert(text))

    def _without_placeholders(self, html: str) -> str:
        """No STX/ETX placeholder ever reaches a page. Python-Markdown leaves some behind when
        emphasis and escapes interleave (`_t) \\| x_` outside math) or an HTML block is cut in two:
        stashed HTML and escaped characters are put back, inline placeholders dropped."""
        if "\x02" not in html and "\x03" not in html:
            return html
        stash = self._md.htmlStash.rawHtmlBlocks

        def restore(match: re.Match) -> str:
            index = int(match[1])
            return str(stash[index]) if index < len(stash) else ""
        html = PLACEHOLDER.sub(restore, html)
        html = ESCAPED_CHAR.sub(lambda match: escape(chr(int(match[1]))), html)
        html = INLINE_PLACEHOLDER.sub("", html)
        return re.sub("\\d*\x03", "", html).replace("\x02", "")


def has_math(html: str) -> bool:
    """Whether a page needs the math typesetter: a formula from markdown, or `\\(`/`\\[` in raw HTML."""
    return MATH_MARK.search(html) is not None


@lru_cache(maxsize=4)
def shared_renderer(options: MarkdownOptions) -> MarkdownRenderer:
    """One converter per set of options for the whole process (builds, rebuilds of `serve`, captions)."""
    return MarkdownRenderer(options)


def render_fragment(text: str) -> str:
    """Markdown for short texts that must not inject markup (figure captions): raw HTML is shown as
    text; math, code and typographic quotes work as in a post."""
    return shared_renderer(MarkdownOptions(raw_html=False)).convert(text)
