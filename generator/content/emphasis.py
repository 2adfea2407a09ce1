"""kramdown's emphasis parser (`Kramdown::Parser::Kramdown#parse_emphasis`), as a Python-Markdown
inline processor in place of `em_strong`.

kramdown reads `*`, `**`, `_`, `__` left to right and differs from CommonMark-style parsers where
posts notice: an emphasis never holds one of its own kind (`***a **W** b***` keeps the inner `**`
as text), a closing delimiter must follow a non-space and, for `*`, not be the start of `**`, an
underscore inside a word is text, and a `**` that finds no closing pair is tried as `*`. An inline
HTML element is read as a whole (kramdown parses its content on its own): an emphasis opened
outside it never closes inside it (`<a>Ann*</a>, <a>Bo*</a>` has no emphasis).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor

from generator.content.html_tags import START_TAG

START = re.compile(r"\*\*?|__?")
INTRAWORD = re.compile(r"[^\W\d_]-?[^\W\d_]*\Z")    # kramdown: /[[:alpha:]]-?[[:alpha:]]*\z/ before a `_`
TAGS = {"em": "em", "strong": "strong"}
# Python-Markdown's placeholders: of a stashed tag, and of an inline node (a tag's placeholder, for raw HTML)
STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")
INLINE_STASHED = re.compile("\x02klzzwxh:(\\d+)\x03")
END_TAG_NAME = re.compile(r"</([^\s>]+)")
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
RUBY_SPACE = " \t\n\r\f\v"    # Ruby's `\s`: ASCII only (a no-break space is not a space to kramdown)


class Span:
    """An element being read: its kind and its children (text and elements, in order)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.children: list[str | Span] = []

    def add_text(self, text: str) -> None:
        if self.children and isinstance(self.children[-1], str):
            self.children[-1] += text
        else:
            self.children.append(text)

    def element(self) -> etree.Element:
        element = etree.Element(TAGS[self.kind])
        last: etree.Element | None = None
        for child in self.children:
            if isinstance(child, str):
                if last is None:
                    element.text = (element.text or "") + child
                else:
                    last.tail = (last.tail or "") + child
            else:
                last = child.element()
                element.append(last)
        return element


def parse_emphasis(text: str, pos: int, stack: tuple[str, ...],
                   elements: dict[int, int] | None = None) -> tuple[Span | None, int]:
    """The emphasis starting at `pos` and where it ends, or (None, end of the delimiter run read as text)."""
    delimiter = START.match(text, pos)
    assert delimiter is not None
    run = delimiter.group()
    kind, char = ("strong" if len(run) == 2 else "em"), run[0]
    after = pos + len(run)
    if ((char == "_" and INTRAWORD.search(text, 0, pos)) or (after < len(text) and text[after] in RUBY_SPACE)
            or kind in stack):
        return None, after
    elements = elements or {}
    span, end = read_until(text, after, run, kind, stack, elements)
    if span is None and kind == "strong" and (not stack or stack[-1] != "em"):
        span, end = read_until(text, pos + 1, char, "em", stack, elements)
    return (span, end) if span is not None else (None, after)


def read_until(text: str, pos: int, delimiter: str, kind: str, stack: tuple[str, ...],
               elements: dict[int, int]) -> tuple[Span | None, int]:
    """kramdown's `parse_spans` with the stop rule of `parse_emphasis`; `elements`: where each inline
    HTML element starts and ends (its tags' placeholders), read as a whole."""
    span = Span(kind)
    inner = (*stack, kind)
    doubled = re.compile(re.escape(delimiter * 2) + "(?!" + re.escape(delimiter) + ")")
    alnum_after = re.compile(re.escape(delimiter) + r"[^\W_]")
    index = pos
    while index < len(text):
        if text.startswith(delimiter, index) and closes(text, index, kind, delimiter, doubled, alnum_after, span):
            return span, index + len(delimiter)
        if index in elements:
            span.add_text(text[index:elements[index]])
            index = elements[index]
            continue
        if text[index] in "*_":
            nested, end = parse_emphasis(text, index, inner, elements)
            if nested is None:
                span.add_text(text[index:end])
            else:
                span.children.append(nested)
            index = end
            continue
        following = min((found for found in (text.find("*", index), text.find("_", index),
                                             text.find("\x02", index + 1)) if found >= 0), default=len(text))
        span.add_text(text[index:following])
        index = following
    return None, index


def closes(text: str, index: int, kind: str, delimiter: str, doubled: re.Pattern, alnum_after: re.Pattern,
           span: Span) -> bool:
    return ((index == 0 or text[index - 1] not in RUBY_SPACE)
            and (kind != "em" or doubled.match(text, index) is None)
            and (delimiter[0] != "_" or alnum_after.match(text, index) is None)
            and bool(span.children))


class KramdownEmphasis(InlineProcessor):
    # The emphasis read here holds its inner emphasis already: Python-Markdown must not read its text again.
    ANCESTOR_EXCLUDES = ("em", "strong")

    def handleMatch(self, m, data):  # type: ignore[override]
        span, end = parse_emphasis(data, m.start(0), (), self.inline_elements(data))
        if span is None:
            return None, None, None
        return span.element(), m.start(0), end

    def inline_elements(self, data: str) -> dict[int, int]:
        """Where each inline HTML element in `data` starts and ends: its start tag's placeholder and
        the end of its end tag's (the innermost open element of that name)."""
        if "\x02" not in data:
            return {}
        stash = self.md.htmlStash.rawHtmlBlocks
        nodes = getattr(self.md.treeprocessors["inline"], "stashed_nodes", {})
        elements: dict[int, int] = {}
        open_tags: list[tuple[str, int]] = []
        for found in INLINE_STASHED.finditer(data):
            raw = STASHED.fullmatch(str(nodes.get(found[1], "")))
            tag = str(stash[int(raw[1])]) if raw and int(raw[1]) < len(stash) else ""
            end_tag = END_TAG_NAME.match(tag)
            if end_tag:
                name = end_tag[1].lower()
                for depth in range(len(open_tags) - 1, -1, -1):
                    if open_tags[depth][0] == name:
                        elements[open_tags[depth][1]] = found.end()
                        del open_tags[depth:]
                        break
                continue
            start_tag = START_TAG.fullmatch(tag)
            if start_tag and not start_tag[4] and start_tag[1].lower() not in VOID:
                open_tags.append((start_tag[1].lower(), found.start()))
        return elements
