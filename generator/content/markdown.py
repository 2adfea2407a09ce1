"""Markdown -> HTML with Python-Markdown and pymdown-extensions, read as Jekyll's kramdown reads it.

One renderer per process and set of options (`shared_renderer`: building its `markdown.Markdown`
costs far more than converting a document with it), built on its first conversion and `reset()`
before each document. Given the build cache, a renderer keeps each conversion there under a digest of
everything that decides the HTML (`ConversionCache`), so a build whose texts are all known never
builds Markdown at all. See generator/content/kramdown.py for the kramdown syntax the extensions
below do not cover.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
from functools import cache, cached_property, lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.content.conversions import ConversionCache
from generator.content.links import LinkAfter
from generator.content.stray_tags import escape_stray_end_tags

if TYPE_CHECKING:
    import markdown

    from generator.content.kramdown import HeadingIds
    from generator.content.links_after import LinksAfter

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


class MarkdownOptions(NamedTuple):   # not a dataclass: a NamedTuple costs less to define (a prose edit pays it)
    """What a blog's `_config.yml` says about its markdown (Jekyll's `kramdown:` mapping)."""

    gfm: bool = True                 # kramdown: input: GFM (GitHub Pages' default)
    toc_levels: str = "1-6"          # kramdown: toc_levels: 1..4
    heading_permalinks: bool = False  # layerpress: heading_permalinks: true adds a ¶ link to headings
    raw_html: bool = True            # False for texts that must not carry markup (figure captions)
    parse_block_html: bool = False   # kramdown: parse_block_html: true reads HTML blocks' content as markdown

    @classmethod
    def from_config(cls, config) -> MarkdownOptions:
        """From `config.kramdown` and `config.option("heading_permalinks")`, checked by load_config."""
        match = re.fullmatch(r"\s*(\d)\s*\.\.\s*(\d)\s*", str(config.kramdown["toc_levels"]))
        return cls(gfm=config.kramdown["input"].lower() == "gfm",
                   toc_levels=f"{match[1]}-{match[2]}" if match else "1-6",
                   heading_permalinks=config.option("heading_permalinks"),
                   parse_block_html=config.kramdown["parse_block_html"])


def extension_configs(options: MarkdownOptions, heading_ids: HeadingIds) -> dict:
    from pymdownx import emoji  # the module; its index (lazy_gemoji) only when a text names an emoji

    return {
        "toc": {"permalink": options.heading_permalinks, "permalink_title": "Link to this section",
                "slugify": heading_ids, "toc_depth": options.toc_levels},
        "smarty": {"smart_angled_quotes": True},
        "footnotes": {"USE_DEFINITION_ORDER": False},   # kramdown numbers notes by their first reference
        "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
        # kramdown has no subscript: `~10 epochs` stays as written.
        "pymdownx.tilde": {"subscript": False},
        # GitHub's emoji names, written as Unicode characters: no image CDN.
        "pymdownx.emoji": {"emoji_index": lazy_gemoji, "emoji_generator": emoji.to_alt},
    }


HIGHLIGHT = {"use_pygments": True, "css_class": "highlight", "guess_lang": False}


def extension(name: str, config: dict) -> markdown.extensions.Extension:
    """The extension `name` (`toc`, `pymdownx.superfences`) made as Markdown makes it from its name, from
    its module, without looking through every installed package's entry points for the name first."""
    module = importlib.import_module(name if "." in name else f"markdown.extensions.{name}")
    return module.makeExtension(**config)


@cache
def converter_class() -> type[markdown.Markdown]:
    """`markdown.Markdown`, whose extensions named by an extension (superfences adds
    `pymdownx.highlight` by its name) are made by `extension` too: Markdown's own way reads the entry
    points of every installed package first, importing importlib.metadata (together tens of ms)."""
    import markdown

    class Converter(markdown.Markdown):
        def build_extension(self, ext_name: str, configs) -> markdown.extensions.Extension:
            return extension(ext_name, dict(configs))

    return Converter


def lazy_gemoji(options, md) -> Mapping:
    """pymdownx's gemoji index, read on the first `:name:` a text holds: loading (and copying) it
    costs more than converting a post, and most posts have no emoji."""
    return LazyGemoji()


class LazyGemoji(Mapping):
    """`emoji.gemoji()`'s mapping (name, emoji, aliases), without its copies: nothing changes them."""

    @cached_property
    def _index(self) -> dict:
        from pymdownx import gemoji_db

        return {"name": gemoji_db.name, "emoji": gemoji_db.emoji, "aliases": gemoji_db.aliases}

    def __getitem__(self, key: str):
        return self._index[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


CONVERTED_IN_MEMORY = 2048   # conversions a renderer keeps in memory besides the cache on disk


class MarkdownRenderer:
    """One configured converter, built on first use and reset between documents (building it costs
    more than using it). With `cache_dir` (the build cache), conversions are kept in
    `<cache_dir>/markdown/`."""

    def __init__(self, options: MarkdownOptions | None = None, cache_dir: Path | None = None) -> None:
        self.options = options or MarkdownOptions()
        self._cache = ConversionCache(Path(cache_dir) / "markdown", "markdown", self.options._asdict()) \
            if cache_dir else None
        self.code_cache = ConversionCache(Path(cache_dir) / "markdown" / "code", "code") if cache_dir else None
        self._md: markdown.Markdown | None = None
        self._links_after: LinksAfter | None = None
        self._converted: dict[str, str] = {}   # this process's conversions: a theme markdownifies one text per page

    def convert(self, text: str, links_after: tuple[LinkAfter, ...] = ()) -> str:
        """The HTML of `text`; `links_after`: links written after the text's links to their targets."""
        if self._cache is None:
            return self._convert(text, links_after)
        key = self._cache.key([text, links_after]) if links_after else self._cache.key(text)
        html = self._converted.get(key) or self._cache.get(key)
        if html is None:
            html = self._convert(text, links_after)
            self._cache.put(key, html)
        if len(self._converted) >= CONVERTED_IN_MEMORY:   # `serve` keeps this renderer for hours
            self._converted.clear()
        self._converted[key] = html
        return html

    def _convert(self, text: str, links_after: tuple[LinkAfter, ...] = ()) -> str:
        md = self._markdown()
        md.reset()
        self._heading_ids.reset()
        assert self._links_after is not None   # made with the converter
        self._links_after.links = links_after
        html = self._without_placeholders(md.convert(text))
        return escape_stray_end_tags(html) if self.options.raw_html else html

    def _markdown(self) -> markdown.Markdown:
        if self._md is None:
            from generator.content.highlight import CachedHighlightExtension
            from generator.content.kramdown import HeadingIds, KramdownExtension
            from generator.content.links_after import PRIORITY, LinksAfter
            from generator.content.strikethrough import LazyStrikethroughExtension

            self._heading_ids = HeadingIds(gfm=self.options.gfm)
            configs = extension_configs(self.options, self._heading_ids)
            made_here: dict[str, markdown.extensions.Extension] = {
                "pymdownx.highlight": CachedHighlightExtension(self.code_cache, **HIGHLIGHT),
                "pymdownx.tilde": LazyStrikethroughExtension(**configs["pymdownx.tilde"])}
            extensions = [made_here.get(name) or extension(name, configs.get(name, {})) for name in EXTENSIONS]
            self._md = converter_class()(extensions=extensions + [KramdownExtension(gfm=self.options.gfm,
                                                                                  parse_block_html=self.options.parse_block_html)],
                                         output_format="html")
            self._links_after = LinksAfter(self._md)
            self._md.treeprocessors.register(self._links_after, "links_after", PRIORITY)
            if not self.options.raw_html:  # raw HTML is shown as text
                self._md.preprocessors.deregister("html_block")
                self._md.inlinePatterns.deregister("html")
                self._md.inlinePatterns.deregister("kramdown-raw-span")
        return self._md

    def _without_placeholders(self, html: str) -> str:
        """No STX/ETX placeholder ever reaches a page. Python-Markdown leaves some behind when
        emphasis and escapes interleave (`_t) \\| x_` outside math) or an HTML block is cut in two:
        stashed HTML and escaped characters are put back, inline placeholders dropped."""
        if "\x02" not in html and "\x03" not in html:
            return html
        stash = self._markdown().htmlStash.rawHtmlBlocks

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
def shared_renderer(options: MarkdownOptions, cache_dir: Path | None = None) -> MarkdownRenderer:
    """One converter per set of options (and cache) for the whole process (builds, rebuilds of `serve`, captions)."""
    return MarkdownRenderer(options, cache_dir)


def render_fragment(text: str, cache_dir: Path | None = None) -> str:
    """Markdown for short texts that must not inject markup (figure captions): raw HTML is shown as
    text; math, code and typographic quotes work as in a post."""
    return shared_renderer(MarkdownOptions(raw_html=False), cache_dir).convert(text)
