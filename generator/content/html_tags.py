"""What kramdown reads as an HTML tag (its parser's `HTML_TAG_RE`, built on REXML's names), and raw
HTML written as kramdown writes it: a `<` that does not start a tag kramdown reads is text.

kramdown's tag is stricter than a browser's: attributes are separated by whitespace and an unquoted
value is word characters only, so `<p style=a:b>`, `<img src=x.png>` and
`<svg height="24px"viewBox="0 0 24 24">` are text (`&lt;p style=a:b&gt;`) in a paragraph and inside
an HTML block alike (their end tags then close nothing, and stray_tags.py writes those as text).
"""

from __future__ import annotations

import re

SPACE = r"[ \t\n\r\f\v]"                       # Ruby's `\s`
NAME = r"(?:[^\W\d][-\w.]*:)?[^\W\d][-\w.]*"   # REXML's UNAME_STR
START_TAG = re.compile(
    rf"<(?>({NAME})){SPACE}*((?>{SPACE}+{NAME}(?:{SPACE}*={SPACE}*(?:\w+|(\"|').*?\3))?)*){SPACE}*(/)?>", re.DOTALL)
END_TAG = re.compile(rf"</({NAME}){SPACE}*>")
# kramdown's HTML_RAW_START: what may begin a tag, a comment or a processing instruction.
TAG_LIKE = re.compile(r"<(?=[^\W\d]|/|!--|\?)")
RAW_TEXT = frozenset({"script", "style"})      # their content is text up to their end tag
# What kramdown reads at a `<` (a comment, a processing instruction, a script or style with its
# content, a tag), else a `<` that may begin a tag but does not: text.
ATTRIBUTES = rf"(?>{SPACE}+{NAME}(?:{SPACE}*={SPACE}*(?:\w+|\"[^\"]*\"|'[^']*'))?)*"
MARKUP_OR_LT = re.compile(
    rf"(?P<markup><!--.*?-->|<\?.*?\?>|<(script|style)(?=[\s/>])[^>]*(?<!/)>.*?(?:</\2{SPACE}*>|\Z)"
    rf"|<(?>{NAME}){SPACE}*{ATTRIBUTES}{SPACE}*/?>|</{NAME}{SPACE}*>)"
    r"|<(?=[^\W\d]|/|!--|\?)", re.DOTALL | re.IGNORECASE)


def is_start_tag(tag: str) -> bool:
    """Whether kramdown reads `tag` (`<p class="x">`) as a start tag."""
    return START_TAG.fullmatch(tag) is not None


def escape_non_tags(html: str) -> str:
    """`html` with each `<` that starts no tag, end tag, comment or processing instruction written
    `&lt;`, as kramdown writes raw HTML (the content of `<script>` and `<style>` kept as it is)."""
    if "<" not in html:
        return html
    return MARKUP_OR_LT.sub(lambda found: found[0] if found.lastgroup == "markup" else "&lt;", html)


def skipped_markup(html: str, start: int) -> int | None:
    """Where the markup kramdown reads at `start` ends (a script's or style's content with it), or None."""
    for opening, closing in (("<!--", "-->"), ("<?", "?>")):
        if html.startswith(opening, start):
            close = html.find(closing, start + len(opening))
            return None if close < 0 else close + len(closing)
    end_tag = END_TAG.match(html, start)
    if end_tag:
        return end_tag.end()
    tag = START_TAG.match(html, start)
    if tag is None:
        return None
    if tag[1].lower() in RAW_TEXT and not tag[4]:
        content_end = re.compile(rf"</{tag[1]}{SPACE}*>", re.IGNORECASE).search(html, tag.end())
        return len(html) if content_end is None else content_end.end()
    return tag.end()
