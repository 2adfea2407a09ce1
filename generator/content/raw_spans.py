"""kramdown's raw span elements: inside a paragraph, an element whose content model is raw keeps its
content as written, no markdown and no math read in it (`<nobr>$$x$$</nobr>`, `<u>*a*</u>`,
`<kbd>`, `<font>`). kramdown's HTML_CONTENT_MODEL makes every element raw that it does not list as
block or span. Registered by `KramdownExtension` (generator/content/kramdown.py)."""

from __future__ import annotations

from markdown.inlinepatterns import HtmlInlineProcessor

# kramdown's HTML_CONTENT_MODEL_BLOCK, HTML_CONTENT_MODEL_SPAN, HTML_BLOCK_ELEMENTS (their tags in a
# paragraph are text or read otherwise) and HTML_ELEMENTS_WITHOUT_BODY: none of these is a raw span.
NOT_RAW = frozenset({
    "address", "applet", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "fieldset",
    "figure", "figcaption", "footer", "form", "header", "hgroup", "iframe", "li", "main", "map", "menu",
    "nav", "noscript", "object", "section", "summary", "td", "a", "abbr", "acronym", "b", "bdo", "big",
    "button", "cite", "caption", "del", "dfn", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins",
    "label", "legend", "optgroup", "p", "q", "rb", "rbc", "rp", "rt", "rtc", "ruby", "select", "small",
    "span", "strong", "sub", "sup", "th", "tt", "col", "colgroup", "hr", "html", "head", "ol", "pre",
    "table", "tbody", "tfoot", "thead", "tr", "ul", "area", "base", "br", "command", "embed", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr"})
# An element with its content up to its first end tag; none of its own start tags, no backtick (a code
# span that starts inside is read first, as kramdown reads from the left) in between.
RAW_SPAN = (r"(<(?P<tag>[A-Za-z][\w:.-]*)(?:\s+[^\s/>=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*\s*>"
            r"(?:(?!<(?P=tag)[\s>])[^`])*?</(?P=tag)\s*>)")


class KramdownRawSpan(HtmlInlineProcessor):
    def handleMatch(self, m, data):  # type: ignore[override]
        if m.group("tag").lower() in NOT_RAW or "markdown=" in m.group(1).split(">", 1)[0]:
            return None, None, None
        return super().handleMatch(m, data)
