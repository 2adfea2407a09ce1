"""kramdown's content models for HTML blocks: which part of an HTML block is raw HTML and which is
markdown (its `handle_kramdown_html_tag` and `parse_raw_html`).

An HTML block's element is raw, or holds blocks or spans of markdown: `markdown="0"`, `"block"`,
`"span"`, or `"1"` (the element's own model: blocks for `div`, `li`, `td` ..., spans for `p`,
headings, `th` ..., raw for the rest: `table`, `tr`, `ul`, `ol`, `pre` ...); without the attribute,
the element's own model under `parse_block_html: true` and raw otherwise. Inside a raw element every
element is raw unless its own `markdown` attribute says otherwise: a `<div markdown="1">` box inside
a table's cell is markdown, the cell and its other tags are not.

Python-Markdown's md_in_html reads a `markdown` attribute only on an element whose ancestors all
have one, so `split_raw_blocks` cuts such a block into what md_in_html reads as kramdown does: the
raw HTML around each markdown element stashed as it is (`store`), each markdown element a block of
its own with its model written out (`markdown="block"` or `"span"`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from generator.content.html_tags import END_TAG, START_TAG, TAG_LIKE, skipped_markup

CONTENT_MODEL_BLOCK = frozenset({
    "address", "applet", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "fieldset",
    "figure", "figcaption", "footer", "form", "header", "hgroup", "iframe", "li", "main", "map", "menu", "nav",
    "noscript", "object", "section", "summary", "td"})
CONTENT_MODEL_SPAN = frozenset({
    "a", "abbr", "acronym", "b", "bdo", "big", "button", "cite", "caption", "del", "dfn", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "i", "ins", "label", "legend", "optgroup", "p", "q", "rb", "rbc", "rp", "rt", "rtc",
    "ruby", "select", "small", "span", "strong", "sub", "sup", "th", "tt"})
# kramdown's HTML_SPAN_ELEMENTS: a line starting with one of these is a paragraph, not an HTML block.
SPAN_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn", "em", "i", "img",
    "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp", "rt", "rtc", "ruby", "samp",
    "select", "small", "span", "strong", "sub", "sup", "tt", "u", "var"})
WITHOUT_BODY = frozenset({
    "area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr"})
MARKDOWN_ATTRIBUTE = re.compile(r"""(?:^|\s)markdown\s*=\s*(?:(\w+)|(["'])(.*?)\2)""", re.DOTALL)
BLOCK_START = re.compile(r"^[ ]{0,3}(?=<)", re.MULTILINE)


class Markdown(NamedTuple):
    """An element inside a raw HTML block whose content kramdown reads as markdown."""

    start: int          # where its start tag begins
    tag_end: int        # where its start tag ends
    end: int            # where its end tag ends
    model: str          # "block" or "span"


def own_model(name: str) -> str:
    return "block" if name in CONTENT_MODEL_BLOCK else "span" if name in CONTENT_MODEL_SPAN else "raw"


def content_model(name: str, attributes: str, parse_block_html: bool, in_raw: bool) -> str:
    """kramdown's content model of an element (`name` in lower case, `attributes` as written)."""
    model = "raw" if in_raw or not parse_block_html else own_model(name)
    found = MARKDOWN_ATTRIBUTE.search(attributes)
    value = found and (found[1] if found[1] is not None else found[3])
    if value in ("0", "block", "span"):
        return {"0": "raw", "block": "block", "span": "span"}[value]
    return own_model(name) if value == "1" else model


def split_raw_blocks(text: str, parse_block_html: bool, store: Callable[[str], str]) -> str:
    """`text` with each raw HTML block that holds markdown elements cut around them (module docstring);
    other blocks are left as they are written."""
    last_attribute = text.rfind("markdown")
    out, position = [], 0
    skip_until = 0
    for start in BLOCK_START.finditer(text):
        if start.start() > last_attribute:     # no markdown element after here
            break
        if start.start() < skip_until:
            continue
        tag = START_TAG.match(text, start.end())
        if tag is None or tag[1].lower() in SPAN_ELEMENTS or tag[4] or tag[1].lower() in WITHOUT_BODY:
            continue
        model = content_model(tag[1].lower(), tag[2], parse_block_html, in_raw=False)
        if model == "block":    # its content is blocks, nested HTML blocks among them
            continue
        found = element_end(text, tag[1], tag.end()) if model == "span" else raw_element(text, tag)
        if found is None:       # kramdown reads the rest of the text as its content
            break
        end, inside = found if isinstance(found, tuple) else (found, [])
        skip_until = end
        if not inside:
            continue
        out.append(text[position:start.start()])
        cut = start.start()
        for element in inside:
            out += ["\n\n", store(text[cut:element.start].strip()), "\n\n", markdown_block(text, element), "\n\n"]
            cut = element.end
        if text[cut:end].strip():
            out += [store(text[cut:end].strip()), "\n\n"]
        position = end
    return "".join(out) + text[position:]


def raw_element(text: str, tag: re.Match) -> tuple[int, list[Markdown]] | None:
    """Where the raw element opened by `tag` ends (kramdown's `parse_raw_html`: an end tag closes only
    the element open innermost, another one is text), and the markdown elements inside it; None when
    it does not end."""
    stack = [tag[1].lower()]
    inside: list[Markdown] = []
    found = TAG_LIKE.search(text, tag.end())
    while found:
        position = found.start()
        end_tag = END_TAG.match(text, position)
        start_tag = START_TAG.match(text, position)
        if end_tag:
            if end_tag[1].lower() == stack[-1]:
                stack.pop()
                if not stack:
                    return end_tag.end(), inside
            position = end_tag.end()
        elif start_tag:
            name = start_tag[1].lower()
            model = content_model(name, start_tag[2], False, in_raw=True)
            if start_tag[4] or name in WITHOUT_BODY:
                position = start_tag.end()
            elif model != "raw":
                close = element_end(text, name, start_tag.end())
                if close is None:
                    return None
                inside.append(Markdown(position, start_tag.end(), close, model))
                position = close
            else:
                position = skipped_markup(text, position) or start_tag.end()
                if name not in ("script", "style"):
                    stack.append(name)
        else:
            position = skipped_markup(text, position) or position + 1
        found = TAG_LIKE.search(text, position)
    return None


def element_end(text: str, name: str, start: int) -> int | None:
    """Where the element `name` opened just before `start` ends (nested ones of its name counted)."""
    depth = 1
    for found in re.finditer(rf"<(/?){re.escape(name)}\b[^>]*>", text[start:], re.IGNORECASE):
        depth += -1 if found[1] else 1
        if depth == 0:
            return start + found.end()
    return None


def markdown_block(text: str, element: Markdown) -> str:
    """The element as a block of its own, its content model written out for md_in_html."""
    start_tag = text[element.start:element.tag_end]
    attributes = MARKDOWN_ATTRIBUTE.sub("", start_tag[:-1].rstrip("/"))
    return f'{attributes} markdown="{element.model}">' + text[element.tag_end:element.end]
