"""kramdown's syntax, as Jekyll renders it, on top of Python-Markdown.

Jekyll blogs are written for kramdown. Most of its syntax has a Python-Markdown or pymdown
extension (attribute lists, tables, footnotes, md_in_html, smarty, arithmatex); this module
adds the glue those extensions do not have:

- math: kramdown's `$$...$$` is display math when it is a block of its own and inline math
  anywhere else; both go through pymdownx.arithmatex (generic output, `\\[...\\]` and
  `\\(...\\)`), so no backslash, underscore or star inside a formula is touched; `\\(` and `\\[`
  in the source are escaped brackets, as in kramdown (`\\\\(` is text that MathJax reads as math);
- `* TOC` followed by `{:toc}` becomes the toc extension's marker;
- `{::options ... /}` and `{::comment}` blocks are dropped (after `parse_block_html="true"`
  the post's HTML blocks are read as markdown, as kramdown does);
- an HTML comment that starts a block is kept whole, with any fence or formula inside it;
- an HTML block's content models (generator/content/html_blocks.py): a `markdown="1"` element inside
  raw HTML (a box in a table's cell) is markdown, the HTML around it raw;
- attribute lists start with `{:` (a bare `{i=1}` after `_..._` is text), headings take `{#id}` too;
- `\\` at the end of a line is a line break (raw LaTeX environments' rows);
- footnotes as kramdown writes them (generator/content/footnotes.py), emphasis as kramdown reads it
  (generator/content/emphasis.py);
- with the GFM input (`kramdown: input: GFM`), a list may follow a paragraph line directly;
- lists nested the way kramdown nests them (two spaces under `- `), tables without a header
  row or with separator lines inside, attribute lists that end a block;
- kramdown's backslash escapes (`\\<`, `\\|`, `\\:` ...);
- heading ids made by kramdown's own algorithm, so existing `#anchors` keep working.
"""

from __future__ import annotations

import html
import re
from itertools import takewhile
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.smarty import SubstituteTextPattern
from markdown.extensions.toc import TocTreeprocessor, remove_fnrefs
from markdown.inlinepatterns import HTML_RE, SubstituteTagInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from pymdownx.arithmatex import BlockArithmatexProcessor, InlineArithmatexPattern

from generator.content.emphasis import KramdownEmphasis
from generator.content.fences import fences
from generator.content.html_blocks import split_raw_blocks
from generator.content.html_tags import escape_non_tags
from generator.content.kramdown_spans import KramdownAttributeLists, KramdownCodeSpan, KramdownSpanHtml
from generator.content.footnotes import FOOTNOTES_HERE, KramdownFootnotes
from generator.content.raw_spans import RAW_SPAN, KramdownRawSpan

# kramdown's ESCAPED_CHARS (and the GFM parser's `~`).
KRAMDOWN_ESCAPES = list("\\.*_+`<>()[]{}#!:|\"'$=-~")
TOC_LIST = re.compile(r"^(?:\{:[^}\n]*\}[ \t]*\n)?[ ]{0,3}(?:[*+-]|\d+\.)[ \t]+[^\n]*\n\{:\s*toc\s*\}[ \t]*$",
                      re.MULTILINE)
# kramdown: the first list with the attribute list `{:footnotes}` is where the footnotes are written.
FOOTNOTES_LIST = re.compile(r"^(?:[ ]{0,3}(?:[*+-]|\d+\.)[ \t]+[^\n]*\n)+\{:\s*footnotes\s*\}[ \t]*$", re.MULTILINE)
OPTIONS = re.compile(r"^[ \t]*\{::options\b([^}]*)/\}[ \t]*$", re.MULTILINE)
PARSE_BLOCK_HTML = re.compile(r"\bparse_block_html\s*=\s*[\"']?(?P<value>true|false)")
COMMENT = re.compile(r"\{::comment\}.*?\{:/(?:comment)?\}", re.DOTALL)
LIST_START = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+[.)])[ \t]+\S")
LIST_ITEM = re.compile(r"^[ ]*(?:[*+-]|\d+[.)])[ ]{1,4}(?=\S)")
# kramdown's list item start (LIST_START_UL, LIST_START_OL): a space or a tab after the marker, any
# text after that (`- \u00a0x` too); its content starts after the spaces.
KRAMDOWN_ITEM = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+[.)])[ \t]+")
# kramdown: what ends a list item's lazy lines (an attribute list, a block-level HTML tag).
LAZY_END = re.compile(r"^[ ]{0,3}(?:\{:|</?(?!(?:a|abbr|acronym|b|big|bdo|br|button|cite|code|del|dfn|em|i|img|input|ins|"
                      r"kbd|label|mark|option|q|rb|rbc|rp|rt|rtc|ruby|samp|select|small|span|strong|sub|sup|tt|u|var|"
                      r"script)\b)[a-zA-Z])")
BLOCK_IAL = re.compile(r"^[ ]{0,3}\{:(?!:)[^}\n]*\}[ \t]*$")
HEADING_TAG = re.compile("[Hh][1-6]")
STASHED_HTML = re.compile("\x02wzxhzdk:(\\d+)\x03")
ESCAPED_CHAR = re.compile("\x02(\\d+)\x03")
EMPTY_IAL = re.compile(r"^[ ]{0,3}\{:[ \t]*\}[ \t]*$")
TABLE_ROW = re.compile(r"^[ ]{0,3}\|")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
NOT_A_TABLE = re.compile(r"^(?:[ ]{4}|[ ]{0,3}(?:#|>|[*+-][ \t]|\d+[.)][ \t]|<|\$\$|\[[^\]]*\]:|\{:|\*\*\*|---|\x02))")
# A separator line of a table: pipes, colons, dashes (and kramdown's `+`), the leading pipe optional.
TABLE_SEPARATOR = re.compile(r"^[ ]{0,3}(?=[^\n]*-)(?=[^\n]*[|:])[-:|+ \t]+$")
# kramdown's footer separator (`|===|`): the rows after it are the table's foot (shown as its body here).
TABLE_FOOTER = re.compile(r"^[ ]{0,3}[+|: \t]*=[+|: \t=]*$")
DOLLARS = re.compile(r"(?<!\\)\$\$")
# With parse_block_html, kramdown reads the content of these (at a line's start, nested ones too) as
# markdown: blocks for containers, spans for p, headings, captions and list items.
BLOCK_HTML_OPEN = re.compile(
    r"^(?P<open>[ \t]*<(?:div|section|aside|article|details|figure|figcaption|blockquote|header|footer|main|nav|"
    r"center|p|h[1-6]|li|dd|dt)\b)(?![^>]*\bmarkdown=)", re.MULTILINE)
# kramdown: `$$` opens display math only at the start of a block and closes it at the block's end.
DOLLAR_BLOCK = r"^[ ]{0,3}\$\$((?:(?!\$\$).)+?)\$\$[ \t]*$"
DOLLAR_INLINE = r"(?:(?<!\\)((?:\\{2})+)(?=\$\$)|(?<!\\)(\$\$)((?:(?!\$\$).)+?)(\$\$))"
QUOTED_HTML_LINE = re.compile(
    r"^(?P<quote>(?:>[ ]?)+[ ]{0,3})(?P<html><(?P<tag>div|table|p|figure|center|section)\b[^>]*>.*</(?P=tag)>)[ \t]*$")
# kramdown: a tag at a line's start (up to three spaces before it) that is not one of its span elements
# starts an HTML block, and ends the paragraph before it (its LAZY_END_HTML_START).
LINE_START_TAG = re.compile(r"^[ ]{0,3}<([a-zA-Z][\w-]*)", re.MULTILINE)
INLINE_AT_LINE_START = frozenset({
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn", "em", "i", "img",
    "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp", "rt", "rtc", "ruby", "samp",
    "select", "small", "span", "strong", "sub", "sup", "tt", "u", "var", "script", "textarea",
    # and elements without an end tag, which Python-Markdown's raw-HTML reader would wait for (it knows `hr`)
    "area", "base", "col", "command", "embed", "keygen", "link", "meta", "param", "source",
    "track", "wbr"})
# kramdown's HTML_SPAN_ELEMENTS: a line that starts with one of their tags is no HTML block (a table may start).
SPAN_TAG_FIRST = re.compile(
    r"^[ ]{0,3}</?(?:a|abbr|acronym|b|big|bdo|br|button|cite|code|del|dfn|em|i|img|input|ins|kbd|label|mark|option|"
    r"q|rb|rbc|rp|rt|rtc|ruby|samp|select|small|span|strong|sub|sup|tt|u|var)(?![\w-])")
HEADING_WITHOUT_SPACE = re.compile(r"#{1,6}[^#\s]")
ATX_HEADING = re.compile(r"^[ ]{0,3}#")
RAW_OPEN = re.compile(r"<(?:pre|script|style|textarea)\b", re.IGNORECASE)
RAW_CLOSE = re.compile(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)
# kramdown: an HTML comment that starts a block is raw HTML up to its first `-->`, fences and all.
BLOCK_COMMENT = re.compile(r"^[ ]{0,3}<!--")
COMMENT_END = re.compile(r"-->[ \t]*")
MATH_CONFIG = {"generic": True, "tex_inline_wrap": ["\\(", "\\)"], "tex_block_wrap": ["\\[", "\\]"]}


def kramdown_slug(text: str, separator: str = "-") -> str:
    """kramdown's `basic_generate_id`: drop leading non-letters, keep [a-zA-Z0-9 -], spaces -> '-', lower case."""
    text = html.unescape(text)
    text = re.sub(r"^[^a-zA-Z]+", "", text)
    text = re.sub(r"[^a-zA-Z0-9 -]", "", text)
    return text.replace(" ", "-").lower()


def gfm_slug(text: str, separator: str = "-") -> str:
    """kramdown-parser-gfm's `generate_gfm_header_id` (before its counter)."""
    text = html.unescape(text).lower()
    text = re.sub(r"[^\w\- \t]", "", text)
    return re.sub(r"[ \t]", "-", text)


class HeadingIds:
    """Python-Markdown toc's `slugify`, counting repeats as kramdown does (`x`, `x-1`, `x-2`).

    One instance per converter; `reset()` before each document."""

    def __init__(self, gfm: bool) -> None:
        self.gfm = gfm
        self.used: dict[str, int] = {}

    def reset(self) -> None:
        self.used = {}

    def __call__(self, text: str, separator: str = "-") -> str:
        if self.gfm:
            slug = gfm_slug(text)
        else:
            slug = kramdown_slug(text) or "section"
        if slug in self.used:
            self.used[slug] += 1
            return f"{slug}-{self.used[slug]}"
        self.used[slug] = 0
        return slug


class KramdownSource(Preprocessor):
    """Line-level kramdown syntax that Python-Markdown has no extension for, outside fenced code."""

    def __init__(self, md, gfm: bool, parse_block_html: bool = False) -> None:
        super().__init__(md)
        self.gfm = gfm
        self.parse_block_html = parse_block_html
        self.glued: set[str] = set()    # stashed comments the next line follows directly (this document's)
        self.block_level: list[str] | None = None   # Python-Markdown's block-level names, before any document's

    def run(self, lines: list[str]) -> list[str]:
        # kramdown reads any tag that starts a line and is not a span element as an HTML block: custom
        # elements (`<orbit-reviewarea>`), `<font>`, `<video>` too, which Python-Markdown knows only when
        # told their names.
        if self.block_level is None:
            self.block_level = list(self.md.block_level_elements)
        self.md.block_level_elements[:] = self.block_level + sorted(
            {name.lower() for name in LINE_START_TAG.findall("\n".join(lines))}
            - INLINE_AT_LINE_START - set(self.block_level))   # this document's, whatever came before
        self.glued = set()
        chunks = split_fences("\n".join(self.stash_block_comments(lines)))
        for index in range(1, len(chunks), 2):       # odd chunks are fenced code
            chunks[index] = dedented_fence(chunks[index], chunks[index - 1])
            chunks[index - 1], chunks[index + 1] = fence_apart(chunks[index], chunks[index - 1], chunks[index + 1],
                                                               self.gfm)
        parse_block_html = self.parse_block_html
        for index in range(0, len(chunks), 2):       # even chunks are outside fenced code
            chunks[index], parse_block_html = self.prose(chunks[index], parse_block_html)
        return "".join(chunks).split("\n")

    def stash_block_comments(self, lines: list[str]) -> list[str]:
        """HTML comments that start a block (outside fenced code), kept as they are written: a fence
        inside one is not code, and nothing in one is markdown."""
        out: list[str] = []
        index = 0
        while index < len(lines):
            fence = next(fences(lines[index:], max_indent=3), None)
            fence_start = index + fence.start if fence and fence.closed else len(lines)
            comment = next((row for row in range(index, fence_start) if BLOCK_COMMENT.match(lines[row])
                            and (row == 0 or not lines[row - 1].strip())), None)
            if comment is None:
                end = fence_start + (fence.end - fence.start + 1 if fence and fence.closed else 0)
                out += lines[index:end]
                index = end
                continue
            text = "\n".join(lines[comment:])
            close = COMMENT_END.search(text, text.index("<!--") + 4)
            if close is None:           # never closed: text, as kramdown reads it
                out += lines[index:comment + 1]
                index = comment + 1
                continue
            rest = text[close.end():]
            rest_of_line = rest.split("\n", 1)[0]
            stashed = self.md.htmlStash.store(text[:close.end()].rstrip() + "\n")
            out += lines[index:comment] + [stashed, ""]
            if rest_of_line.strip():
                out.append(rest_of_line)
            index = comment + text[:close.end()].count("\n") + 1
            if index < len(lines) and lines[index].strip():
                self.glued.add(stashed)   # no blank line after it: no block boundary (kramdown)
        return out

    def prose(self, text: str, parse_block_html: bool) -> tuple[str, bool]:
        """The text made ready for Python-Markdown, and whether HTML blocks are read as markdown at its
        end: a `{::options parse_block_html="true" /}` counts from where it stands."""
        parts = []
        pieces = OPTIONS.split(text)     # text, options, text, options, ..., text
        for part, options in zip(pieces[0::2], pieces[1::2] + [""]):
            part = split_raw_blocks(part, parse_block_html, self.md.htmlStash.store)
            if parse_block_html:
                part = BLOCK_HTML_OPEN.sub(lambda m: m["open"] + ' markdown="1"', part)
            parts.append(part)
            setting = PARSE_BLOCK_HTML.search(options)
            if setting:
                parse_block_html = setting["value"] == "true"
        text = COMMENT.sub("", "".join(parts))
        text = TOC_LIST.sub("\n[TOC]\n", text)
        text = FOOTNOTES_LIST.sub(f"\n{FOOTNOTES_HERE}\n", text, count=1)
        if self.gfm:    # GFM: `###Title` (no space) is a paragraph's text, not a heading
            text = escaped_hash_lines(text)
        lines = text.split("\n")
        if self.gfm:
            lines = nest_lazy_lists(lines)
        else:
            lines = paragraph_hashes(lines)
        return "\n".join(self.separate_blocks(lines)), parse_block_html

    def separate_blocks(self, lines: list[str]) -> list[str]:
        """Blank lines where kramdown ends a block that Python-Markdown would continue."""
        out: list[str] = []
        math_rows: set[int] = set()
        interruptions: set[int] = set()     # blank lines put before a list that interrupts a paragraph
        after_attributes: set[int] = set()  # blank lines put after an attribute list that ends a block
        attributes_for_next = ""            # an attribute list on a line of its own before its block
        display_math = in_math = math_closed = False
        for line in lines:
            if in_math and not display_math and not line.strip():
                in_math = False     # inline math ends with its paragraph
            if math_closed and line.lstrip().startswith("<"):
                # kramdown: `$$...$$` followed by more of its block (here HTML, which Python-Markdown
                # would split off) is not display math but inline math in a paragraph.
                out[-1] += " " + line
                math_closed = False
                continue
            math_closed = False
            if in_math:             # inside a `$$` formula: `- x` and `+ y` lines are not lists
                # kramdown's display math may hold blank lines; a space keeps the block whole.
                math_rows.add(len(out))
                out.append(" " if display_math and not line.strip() else line)
                in_math = len(DOLLARS.findall(line)) % 2 == 0
                math_closed = display_math and not in_math
                continue
            in_math = len(DOLLARS.findall(line)) % 2 == 1
            display_math = in_math and line.lstrip().startswith("$$") and not (out and out[-1].strip())
            previous = out[-1] if out else ""
            if attributes_for_next and ATX_HEADING.match(line):
                line = f"{line.rstrip()} {attributes_for_next}"    # where attr_list reads a heading's
            attributes_for_next = line.strip() if BLOCK_IAL.match(line) and not previous.strip() else ""
            if line.lstrip().startswith("$$") and heading_line(out) is not None:
                # kramdown: `$$` right under a heading is no block boundary, so no display math but a
                # paragraph (an empty stashed piece first keeps the block from matching display math).
                line = self.md.htmlStash.store("") + line
            if BLOCK_IAL.match(line):
                if not previous.strip() or TABLE_ROW.match(previous):
                    # An attribute list for the next block, or for a table: Python-Markdown's
                    # attr_list only reads one at the end of a block, and tables take none.
                    continue
                if EMPTY_IAL.match(line):   # `{: }` adds nothing; the block ends all the same
                    after_attributes.add(len(out))
                    out.append("")
                    continue
                heading = heading_line(out)
                if heading is not None:   # a heading's, on the line under it: attr_list reads it in the heading
                    out[heading] += " " + line.strip()
                    continue
            elif BLOCK_IAL.match(previous) and line.strip():
                after_attributes.add(len(out))
                out.append("")   # kramdown ends a block at its attribute list
            elif self.gfm and self.list_interrupts(previous, line):
                interruptions.add(len(out))
                out.append(">" if line.startswith(">") else "")
            item = LIST_ITEM.match(previous)
            if item and SETEXT_UNDERLINE.match(line):
                # kramdown: an item's line over `---` or `===` is a heading inside the item
                out[-1] = item.group(0) + ("## " if line.strip()[0] == "-" else "# ") + previous[item.end():]
                continue
            quoted_html = QUOTED_HTML_LINE.match(line)
            if quoted_html and not self.parse_block_html:
                # kramdown: in a quote, a line that is one HTML element ends the paragraph before it
                # and stays raw HTML (a `$$` in it is text); Python-Markdown would read it as markdown.
                if previous.startswith(">") and previous.strip(" >"):
                    out.append(quoted_html["quote"].rstrip())
                line = quoted_html["quote"] + self.md.htmlStash.store(quoted_html["html"])
            out.append(line)
        return kramdown_tables(nest_lists(out, math_rows), interruptions, after_attributes, self.glued)

    @staticmethod
    def list_interrupts(previous: str, line: str) -> bool:
        """GFM: a list may start right after a paragraph line (in a quote too)."""
        if previous.startswith(">") and line.startswith(">"):
            previous, line = previous[1:].removeprefix(" "), line[1:].removeprefix(" ")
        if LIST_START.match(line) is None or previous.strip() == "" or TABLE_ROW.match(previous):
            return False
        before = LIST_ITEM.match(previous)
        return before is None or ordered(before.group(0)) != ordered(line)   # `1. a` then `- b`: a new list


def nest_lazy_lists(lines: list[str]) -> list[str]:
    """kramdown's lazy lines in a top-level list: a line right after an item's text (no blank line
    between) belongs to the item however little it is indented, so a list of the other kind there
    (`- b` under `1. a`, or after `<br/>` lines) is a list inside the item. Such lines are indented to
    the item's text here, where the rest of this module nests them."""
    out: list[str] = []
    item: tuple[int, bool] | None = None     # the open top-level item: its content column, ordered?
    last_blank = True
    for line in lines:
        if not line.strip():
            last_blank = True
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        marker = KRAMDOWN_ITEM.match(line)
        if marker and (item is None or ordered(marker.group(0)) == item[1] or last_blank):
            item = (len(marker.group(0)), ordered(marker.group(0)))
        elif item and indent < item[0] and last_blank or item and LAZY_END.match(line):
            item = None
        elif item and indent < item[0]:      # a lazy line: the item's text
            line = " " * item[0] + line.lstrip(" ")
            if line.lstrip().startswith((">", "#")):   # GFM: a quote or a heading ends the item's paragraph
                out.append("")
        last_blank = False
        out.append(line)
    return out


def paragraph_hashes(lines: list[str]) -> list[str]:
    """kramdown's own input: a `# ...` heading starts only after a blank line (or an attribute list
    for it after one); right under any other line it is text (escaped here: `\\# ...`)."""
    out = []
    for row, line in enumerate(lines):
        if row and ATX_HEADING.match(line) and lines[row - 1].strip() and not (
                BLOCK_IAL.match(lines[row - 1]) and (row == 1 or not lines[row - 2].strip())):
            line = "\\" + line.lstrip(" ")
        out.append(line)
    return out


def escaped_hash_lines(text: str) -> str:
    """`\\###Title` for a line `###Title` (GFM: no heading without a space), outside `<pre>`, `<script>`
    and `<style>` (the HTML `{% highlight %}` writes keeps its `#` comments)."""
    if "#" not in text:
        return text
    lines = text.split("\n")
    raw = 0
    for row, line in enumerate(lines):
        if not raw and HEADING_WITHOUT_SPACE.match(line):
            lines[row] = "\\" + line
        raw = max(0, raw + len(RAW_OPEN.findall(line)) - len(RAW_CLOSE.findall(line)))
    return "\n".join(lines)


def dedented_fence(fence: str, prose_before: str) -> str:
    """A top-level fence whose opening or closing line is indented by one to three spaces, its fence
    lines without them (kramdown's GFM input allows the indent and keeps the code's lines as written;
    superfences does not see such a fence). A fence inside a list item keeps its indent: the last line
    before it is an item or indented as far."""
    indent = len(fence) - len(fence.lstrip(" "))
    if indent > 3:
        return fence
    if indent == 0:
        lines = fence.split("\n")
        closing = max(row for row, line in enumerate(lines) if line.strip())
        lines[closing] = lines[closing].lstrip(" ")
        return "\n".join(lines)
    before = next((line for line in reversed(prose_before.split("\n")) if line.strip()), "")
    item = LIST_ITEM.match(before)
    if item and not before.startswith(" ") and len(item.group(0)) == indent:
        # In a top-level item, at its content column: four spaces, as Python-Markdown nests blocks in items.
        return "\n".join(" " * (4 - indent) + line if line.strip() else line for line in fence.split("\n"))
    if item or (len(before) - len(before.lstrip(" ")) >= indent and in_list_item(prose_before, indent)):
        return fence
    lines = fence.split("\n")
    closing = max(row for row, line in enumerate(lines) if line.strip())
    for row in (0, closing):
        lines[row] = lines[row].lstrip(" ")
    return "\n".join(lines)


HEADING_LINE_ATX = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t]|$)")
SETEXT_UNDERLINE = re.compile(r"^[ ]{0,3}(?:=+|-+)[ \t]*$")


def heading_line(out: list[str]) -> int | None:
    """The index of the heading's text line when `out` ends with a heading (`## Title`, or `Title` over
    `=====`), else None."""
    if out and HEADING_LINE_ATX.match(out[-1]):
        return len(out) - 1
    if len(out) > 1 and SETEXT_UNDERLINE.match(out[-1]) and out[-2].strip() and (len(out) < 3 or not out[-3].strip()):
        return len(out) - 2
    return None


def in_list_item(prose: str, indent: int) -> bool:
    """Whether text indented by `indent` at the end of `prose` continues a list item: the nearest line
    above indented less is an item (else it is a paragraph indented by a space or two)."""
    outer = next((line for line in reversed(prose.split("\n"))
                  if line.strip() and len(line) - len(line.lstrip(" ")) < indent), "")
    return LIST_ITEM.match(outer) is not None


def fence_apart(fence: str, before: str, after: str, gfm: bool) -> tuple[str, str]:
    """The prose around a top-level fence with a blank line between: the fence is a block of its own,
    after a paragraph line too with the GFM input (kramdown's GFM `paragraph_end`), where Python-Markdown
    would leave it inside the paragraph. A fence in a list item or a quote is left as it is."""
    paragraph = list(takewhile(str.strip, reversed(before.rstrip("\n").split("\n"))))
    if fence.startswith((" ", "\t")) or any(LIST_ITEM.match(line) or line.lstrip().startswith(">")
                                             or line.startswith(("    ", "\t")) for line in paragraph):
        return before, after
    if gfm and paragraph:
        before += "\n"
    if after.split("\n", 1)[0].strip():   # whatever follows starts a block: an indented line is code
        after = "\n" + after
    return before, after


def ordered(item: str) -> bool:
    return item.lstrip()[:1].isdigit()


def nest_lists(lines: list[str], skip: set[int]) -> list[str]:
    """Nested lists indented as kramdown nests them (a marker indented further than its parent's,
    `- a` then `  - b`), re-indented by four spaces a level, which Python-Markdown needs."""
    out = []
    stack: list[tuple[int, int, int]] = []   # per open item: marker indent, content column, new content column
    for row, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if row in skip or line.startswith(">") or not line.strip():
            out.append(line)
            continue
        marker = LIST_ITEM.match(line)
        if marker and indent >= (stack[-1][1] if stack else 0) + 4:
            marker = None       # indented code, not a list
        if marker:
            while stack and indent <= stack[-1][0]:
                stack.pop()
            new_indent = stack[-1][2] if stack else min(indent, 3)
            content = len(marker.group(0))
            stack.append((indent, content, new_indent + 4 if stack or new_indent + 4 > content else content))
            out.append(" " * new_indent + line.lstrip(" "))
            continue
        while stack and indent < stack[-1][1]:
            stack.pop()
        if stack:
            # kramdown: up to three spaces past the item's content column are not code (an HTML block
            # or a paragraph indented by them); Python-Markdown would read them as code.
            beyond = indent - stack[-1][1]
            out.append(" " * (stack[-1][2] + (beyond if beyond >= 4 else 0)) + line.lstrip(" "))
        else:
            out.append(line)
    return out


def kramdown_tables(lines: list[str], interruptions: set[int] | None = None,
                    after_attributes: set[int] | None = None, glued: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """kramdown tables as Python-Markdown's tables extension reads them: kramdown allows a table with
    no header row, and separator lines anywhere (they split the body); Python-Markdown needs one
    header row and its separator. A table ends where a block ends (a blank line, an attribute list,
    the end), not at a list that interrupts a paragraph (`interruptions`: the blank lines put there),
    else its lines are a paragraph; it starts only after a blank line (not right after the attribute
    list of the block before it, `after_attributes`, nor right after a stashed comment in `glued`: the
    blank line after it was added for Python-Markdown)."""
    interruptions = interruptions or set()
    after_attributes = after_attributes or set()
    out: list[str] = []
    index = 0
    while index < len(lines):
        block_start = (not (out and out[-1].strip()) and index - 1 not in after_attributes
                       and not (len(out) > 1 and out[-2] in glued))
        end = index
        if block_start and TABLE_ROW.match(lines[index]):   # kramdown's rows: any line with a pipe
            while end < len(lines) and (TABLE_ROW.match(lines[end]) or pipe_row(lines[end])):
                end += 1
        elif block_start and pipe_row(lines[index]):
            # kramdown: a block whose every line has a pipe (outside code spans) is a table, whatever
            # else the lines hold (even `$$p(x|z)$$`).
            while end < len(lines) and lines[end].strip():
                end += 1
            if not all(pipe_row(line) or TABLE_SEPARATOR.match(line) for line in lines[index:end]):
                end = index
        if end > index and not (end == len(lines) or BLOCK_IAL.match(lines[end])
                                or (not lines[end].strip() and end not in interruptions)):
            end = index
        if end == index:
            out.append(lines[index])
            index += 1
            continue
        rows = [row for row in lines[index:end]]
        leading_pipe = bool(TABLE_ROW.match(rows[0]))
        while rows and (TABLE_SEPARATOR.match(rows[0]) or TABLE_FOOTER.match(rows[0])):
            rows.pop(0)
        if rows and not (len(rows) > 1 and TABLE_SEPARATOR.match(rows[1])):
            columns = max(1, *(cells(row, leading_pipe) for row in rows if not separator_line(row)))
            if not leading_pipe:   # the header below makes Python-Markdown drop every row's leading pipe
                rows = ["|" + row.lstrip(" ") if TABLE_ROW.match(row) else row for row in rows]
            rows[:0] = ["|" + "  |" * columns, "|" + " --- |" * columns]
        elif rows:
            rows[:2] = header_as_wide_as_the_table(rows, leading_pipe)
        body = [row for row in rows[2:] if not separator_line(row)]
        out += rows[:2] + body
        index = end
    return out


def header_as_wide_as_the_table(rows: list[str], leading_pipe: bool) -> list[str]:
    """The header row and its separator with as many cells as the widest row has: kramdown's table is
    that wide whatever the two say; Python-Markdown reads no table unless they have as many cells, and
    cuts longer rows to them."""
    header, separator = rows[0].rstrip(), rows[1]
    columns = max(cells(row, leading_pipe) for row in rows if not separator_line(row))
    missing = columns - cells(header, leading_pipe)
    if missing > 0:
        header += ("" if header.endswith("|") and not header.endswith("\\|") else " |") + "  |" * missing
    alignments = [cell.strip() for cell in re.split(r"[|+]", separator.strip().strip("|+"))]
    alignments = (alignments + ["---"] * columns)[:columns]
    # Python-Markdown splits the separator with the header's outer pipes: the same on both
    left, right = ("| " if header.lstrip().startswith("|") else ""), (" |" if header.endswith("|") else "")
    return [header, left + " | ".join(alignments) + right]


def separator_line(line: str) -> bool:
    """A line of a table that is no row: a separator (`|---|`) or the footer's (`|===|`)."""
    return bool(TABLE_SEPARATOR.match(line) or TABLE_FOOTER.match(line))


def pipe_row(line: str) -> bool:
    """A line kramdown reads as a table row at a block's start: an unescaped pipe outside code spans,
    and no other block's marker first (heading, quote, list item, HTML, display math, definition)."""
    if NOT_A_TABLE.match(line) and not SPAN_TAG_FIRST.match(line):
        return False
    return "|" in CODE_SPAN.sub("", line.replace("\\|", ""))


def cells(row: str, leading_pipe: bool = True) -> int:
    """How many cells a table row has (pipes in code spans and escaped ones do not count), by kramdown's
    rule: the first cell is dropped when empty if the table's first line starts with a pipe, the last
    when empty (`||a|b` has three cells, `a|b||` too)."""
    parts = CODE_SPAN.sub("", row.replace("\\|", "")).strip().split("|")
    if leading_pipe and len(parts) > 1 and not parts[0].strip():
        parts.pop(0)
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()
    return len(parts)


def split_fences(text: str) -> list[str]:
    """[prose, fence, prose, fence, ..., prose]: fenced code blocks kept whole, in order.

    An unclosed fence is prose, as Python-Markdown reads it.
    """
    lines = text.split("\n")
    chunks, prose_start = [], 0
    for fence in fences(lines, max_indent=3):
        if not fence.closed:
            break
        prose = lines[prose_start:fence.start]
        chunks += ["\n".join(prose) + "\n" if prose else "", "\n".join(lines[fence.start:fence.end + 1]) + "\n"]
        prose_start = fence.end + 1
    chunks.append("\n".join(lines[prose_start:]))
    return chunks


class KramdownMathBlock(BlockArithmatexProcessor):
    """A block that is one `$$...$$` formula: display math, stripped as kramdown does."""

    def run(self, parent, blocks):
        blocks.pop(0)
        math = next(value for value in self.match.groups() if value is not None)
        element = etree.SubElement(parent, self.block_tag, {"class": "arithmatex"})
        element.text = AtomicString(self.wrap.format(math.strip()))
        return True


class KramdownMathInline(InlineArithmatexPattern):
    """`$$...$$` inside a paragraph: inline math, stripped as kramdown does."""

    def handleMatch(self, m, data):
        escapes, math = m.group(1), m.group(3)
        if escapes:
            return escapes.replace("\\\\", self.ESCAPED_BSLASH), m.start(0), m.end(0)
        element = etree.Element(self.inline_tag, {"class": "arithmatex"})
        element.text = AtomicString(self.wrap.format(math.strip()))
        return element, m.start(0), m.end(0)


class KramdownRawHtml(Postprocessor):
    """Raw HTML as kramdown writes it: a `<` in it that starts no tag kramdown reads is text. Each
    stashed piece is read once (toc runs the postprocessors again for every heading)."""

    def __init__(self, md) -> None:
        super().__init__(md)
        self._stash: list = []
        self._done = 0

    def run(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        if stash is not self._stash:
            self._stash, self._done = stash, 0
        for index in range(self._done, len(stash)):
            raw = stash[index]
            if isinstance(raw, str):
                stash[index] = escape_non_tags(raw)
        self._done = len(stash)
        return text


class KramdownHeadingIds(Treeprocessor):
    """A heading's id from its text as kramdown reads it, spaces inside its HTML elements kept
    (`### <a href="#x"> Text</a>` is `#-text` with the GFM input), where toc would strip and collapse
    them. Runs just before toc, which keeps an id a heading has."""

    def run(self, root: etree.Element) -> None:
        if "toc" not in self.md.treeprocessors:
            return
        toc = self.md.treeprocessors["toc"]
        assert isinstance(toc, TocTreeprocessor)
        for element in root.iter():
            if isinstance(element.tag, str) and HEADING_TAG.fullmatch(element.tag) and "id" not in element.attrib:
                element.attrib["id"] = toc.slugify(self.text(element), toc.sep)

    def text(self, heading: etree.Element) -> str:
        """The heading's text: stashed HTML put back without its tags, escaped characters as written."""
        stash = self.md.htmlStash.rawHtmlBlocks
        raw = "".join(remove_fnrefs(heading).itertext())
        raw = STASHED_HTML.sub(lambda found: str(stash[int(found[1])]) if int(found[1]) < len(stash) else "", raw)
        raw = ESCAPED_CHAR.sub(lambda found: chr(int(found[1])), raw)
        return html.unescape(re.sub(HTML_RE, "", raw, flags=re.DOTALL))


class KramdownExtension(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {"gfm": [True, "the GFM input of kramdown (Jekyll's `kramdown: input: GFM`)"],
                       "parse_block_html": [False, "kramdown's parse_block_html option, for the whole site"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md) -> None:
        md.registerExtension(self)
        for char in KRAMDOWN_ESCAPES:
            if char not in md.ESCAPED_CHARS:
                md.ESCAPED_CHARS.append(char)
        md.preprocessors.register(KramdownSource(md, self.getConfig("gfm"), self.getConfig("parse_block_html")),
                                  "kramdown-source", 27)
        if "smarty" in md.treeprocessors:   # kramdown reads a run of dashes greedily: `-----` is `—–`
            smarty = md.treeprocessors["smarty"].inlinePatterns
            smarty.register(SubstituteTextPattern("---", ("&mdash;",), md), "smarty-em-dashes", 50)
            smarty.register(SubstituteTextPattern("--", ("&ndash;",), md), "smarty-en-dashes", 45)
            # kramdown: a quote between digits closes (5'10" is 5’10”), smarty would open it.
            smarty.register(SubstituteTextPattern(r"(?<=\d)'(?=\d)", ("&rsquo;",), md), "kramdown-digit-quote", 56)
        md.postprocessors.register(KramdownRawHtml(md), "kramdown-raw-html", 31)   # before raw_html (30)
        if any(isinstance(ext, FootnoteExtension) for ext in md.registeredExtensions):
            md.treeprocessors.register(KramdownFootnotes(md), "kramdown-footnotes", 14)
        # kramdown's hard line break: `\\` at the end of a line (as raw LaTeX ends its rows).
        if "backtick" in md.inlinePatterns:
            md.inlinePatterns.register(KramdownCodeSpan(md.inlinePatterns["backtick"].pattern), "backtick", 190)
        if "html" in md.inlinePatterns:
            md.inlinePatterns.register(KramdownSpanHtml(md.inlinePatterns["html"].pattern, md), "html", 90)
        md.inlinePatterns.register(KramdownEmphasis(r"\*\*?|__?", md), "em_strong", 60)
        md.inlinePatterns.register(SubstituteTagInlineProcessor(r"\\\\(?=\n)", "br"), "kramdown-line-break", 185)
        if "toc" in md.treeprocessors:
            md.treeprocessors.register(KramdownHeadingIds(md), "kramdown-heading-ids", 6)   # toc is 5
        if self.getConfig("gfm"):   # kramdown-parser-gfm: a backslash that ends a line of text is a line break too
            md.inlinePatterns.register(SubstituteTagInlineProcessor(r"\\(?=\n)", "br"), "gfm-line-break", 184)
        if "attr_list" in md.treeprocessors:
            md.treeprocessors.register(KramdownAttributeLists(md), "attr_list", 8)
        block = KramdownMathBlock(f"(?s){DOLLAR_BLOCK}", MATH_CONFIG, md)
        md.parser.blockprocessors.register(block, "kramdown-math-block", 79.9)
        inline = KramdownMathInline(f"(?s){DOLLAR_INLINE}", MATH_CONFIG)
        md.inlinePatterns.register(inline, "kramdown-math-inline", 189.9)
        md.inlinePatterns.register(KramdownRawSpan(RAW_SPAN, md), "kramdown-raw-span", 189.95)
