"""kramdown shows an end tag that closes nothing (`</div>` after a closed div, `</span>` in prose) as
text, and so the end tag of an element that has none (`<source ...></source>`, `<img ...></img>`);
Python-Markdown passes them on and browsers drop them. `escape_stray_end_tags` writes such tags as
kramdown does: `&lt;/div&gt;`."""

from __future__ import annotations

from html.parser import HTMLParser

# kramdown's HTML_ELEMENTS_WITHOUT_BODY
VOID = {"area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
        "source", "track", "wbr"}


class StrayEndTags(HTMLParser):
    """The offsets of end tags with no open element of their name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.stray: list[tuple[int, int]] = []     # (line, column) of each stray end tag

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass
        else:
            self.stray.append(self.getpos())


def escape_stray_end_tags(html: str) -> str:
    if "</" not in html:
        return html
    parser = StrayEndTags()
    parser.feed(html)
    parser.close()
    if not parser.stray:
        return html
    starts = [0]     # the offset of each line, as the parser counts lines (by "\n" only)
    for text in html.split("\n"):
        starts.append(starts[-1] + len(text) + 1)
    for row, column in reversed(parser.stray):
        offset = starts[row - 1] + column
        end = html.index(">", offset) + 1
        html = html[:offset] + "&lt;" + html[offset + 1:end - 1] + "&gt;" + html[end:]
    return html
