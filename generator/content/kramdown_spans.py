"""kramdown's span-level syntax where Python-Markdown's processors read otherwise: code spans,
raw HTML inside a paragraph, and attribute lists (which start with `{:`). Registered by
`KramdownExtension` (generator/content/kramdown.py) in place of `backtick`, `html` and `attr_list`."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.inlinepatterns import BacktickInlineProcessor, HtmlInlineProcessor
from markdown.util import AtomicString, code_escape

from generator.content.html_tags import is_start_tag

# kramdown's HTML_BLOCK_ELEMENTS: in a paragraph, their tags are text.
KRAMDOWN_BLOCK_ELEMENTS = frozenset({
    "address", "article", "aside", "applet", "body", "blockquote", "colgroup", "dd", "details", "dl", "div",
    "dt", "fieldset", "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "html", "head", "iframe", "legend", "menu", "li", "main", "map", "nav", "ol", "optgroup", "p",
    "pre", "section", "summary", "table", "tbody", "td", "th", "thead", "tfoot", "tr", "ul"})
RUBY_SPACE = " \t\n\r\f\v"     # Ruby's `\s`
STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")
INLINE_STASHED = re.compile("\x02klzzwxh:(\\d+)\x03")
SPAN_TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")


class KramdownCodeSpan(BacktickInlineProcessor):
    """kramdown's `parse_codespan`: a lone backtick after a space (or at the start) and before one is
    text; a run of backticks closes at the next occurrence of the same run, even inside a longer run
    (`"```"` is the code `"` and text), else it is text and reading goes on after it; a span opened by
    two or more backticks loses one space at each end, one opened by a single backtick none."""

    def handleMatch(self, m, data):  # type: ignore[override]
        if m.group(1):
            return super().handleMatch(m, data)
        begin = run_end = m.start(0)
        while run_end < len(data) and data[run_end] == "`":
            run_end += 1
        run = data[begin:run_end]
        lone = (len(run) == 1 and (begin == 0 or data[begin - 1] in RUBY_SPACE)
                and run_end < len(data) and data[run_end] in RUBY_SPACE)
        close = -1 if lone else data.find(run, run_end)
        if close < 0:
            return AtomicString(run), begin, run_end
        code = data[run_end:close]
        if len(run) > 1:
            code = code.removeprefix(" ").removesuffix(" ")
        element = etree.Element("code")
        element.text = AtomicString(code_escape(code))
        return element, begin, close + len(run)


class KramdownSpanHtml(HtmlInlineProcessor):
    """Raw HTML inside a paragraph (or a table cell), as kramdown reads it: a block-level element's tag
    (`<div>`, `<ul>`, `<p>`, `<table>` ...) within a line is text, shown as written; other tags, and
    one that starts a line or a list item (kramdown's HTML block), are HTML; what kramdown does not
    read as a tag (generator/content/html_tags.py) is text."""

    def handleMatch(self, m, data):  # type: ignore[override]
        tag = SPAN_TAG_NAME.match(m.group(1))
        if tag and not tag[0].startswith("</") and not is_start_tag(m.group(1)):
            return None, None, None     # not a tag to kramdown (`<img src=x.png>`): text
        ancestors = getattr(self.md.treeprocessors["inline"], "ancestors", [])
        in_cell = bool({"td", "th"} & set(ancestors))      # a table cell is span-level throughout
        line_start = data.rfind("\n", 0, m.start(0)) + 1
        starts_a_line = not in_cell and len(data[line_start:m.start(0)].strip(" ")) == 0 \
            and m.start(0) - line_start <= 3        # kramdown: an HTML block (up to three spaces before it)
        if tag and tag[1].lower() in KRAMDOWN_BLOCK_ELEMENTS and not starts_a_line \
                and not self.closes_kept_tag(tag[1].lower(), m.group(1), data[:m.start(0)]):
            return self.md.htmlStash.store(html.escape(m.group(1), quote=False)), m.start(0), m.end(0)
        return super().handleMatch(m, data)

    def closes_kept_tag(self, name: str, tag: str, before: str) -> bool:
        """Whether `tag` is the end tag of an element whose start tag was kept as HTML earlier in the text."""
        if not tag.startswith("</"):
            return False
        nodes = getattr(self.md.treeprocessors["inline"], "stashed_nodes", {})   # inline placeholders -> their content
        held = "".join(str(nodes.get(key, "")) for key in INLINE_STASHED.findall(before))
        stash = self.md.htmlStash.rawHtmlBlocks
        kept = [str(stash[int(number)]) for number in STASHED.findall(before + held) if int(number) < len(stash)]
        return any(html.lower().startswith(f"<{name}") for html in kept)


class KramdownAttributeLists(AttrListTreeprocessor):
    """kramdown's attribute lists start with `{:` (a heading's id may be `{#id}`): a bare `{i=1}` after
    emphasis, as in `\\sum_{i=1}` outside math, is text."""

    # (Final in the type stubs; replacing them is how the class is meant to be varied.)
    BASE_RE = r"\{\:[ ]*([^\}\n ][^\n]*)\}"  # type: ignore[misc]
    HEADER_RE = re.compile(r"[ ]+\{(?=[:#])\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$")  # type: ignore[misc]
    BLOCK_RE = re.compile(rf"\n[ ]*{BASE_RE}[ ]*$")  # type: ignore[misc]
    INLINE_RE = re.compile(rf"^{BASE_RE}")  # type: ignore[misc]
