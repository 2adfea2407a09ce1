"""Jekyll's Liquid forms that Jinja spells differently, rewritten before a body is rendered.

Existing Jekyll posts use `{{ page.date | date: "%b %d" }}`, `{% highlight python %}`,
`{% include note.html %}`, `{% post_url 2017-01-29-slug %}`, `{% assign %}`, `{% capture %}`,
`{% unless %}` and `{% elsif %}`. Each is rewritten into the Jinja equivalent on the same
line, so error line numbers still point at the author's file. Text inside
`{% raw %}...{% endraw %}` (and so inside protected code blocks) is left alone.
"""

from __future__ import annotations

import re

HIGHLIGHT_OPEN = re.compile(r"^(?P<indent>[ \t]*)\{%-?\s*highlight\s+(?P<lang>[\w+#.-]+)(?P<options>[^%]*?)-?%\}[ \t]*$",
                            re.MULTILINE)
HIGHLIGHT_CLOSE = re.compile(r"^(?P<indent>[ \t]*)\{%-?\s*endhighlight\s*-?%\}[ \t]*$", re.MULTILINE)
RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
SPAN = re.compile(r"(\{\{-?)(.*?)(-?\}\})|(\{%-?)(.*?)(-?%\})", re.DOTALL)
PIPE_OUTSIDE_QUOTES = re.compile(r"""\|(?=(?:[^"']|"[^"]*"|'[^']*')*$)""")
FILTER_WITH_ARGUMENTS = re.compile(r"^\s*(\w+)\s*:\s*(.+?)\s*$", re.DOTALL)
INCLUDE_PARAMETER = re.compile(r"""(\w+)\s*=\s*("[^"]*"|'[^']*'|[\w.\[\]'"]+)""")
TAG_RENAMES = {"elsif": "elif", "endunless": "endif", "endcapture": "endset"}


def highlight_blocks_to_fences(body: str) -> str:
    """`{% highlight lang [linenos] %}` ... `{% endhighlight %}` as a fenced code block (one line each)."""
    def fence(m: re.Match) -> str:
        numbers = ' linenums="1"' if re.search(r"\blinenos\b", m["options"]) else ""
        return f"{m['indent']}```{m['lang']}{numbers}"
    body = HIGHLIGHT_OPEN.sub(fence, body)
    return HIGHLIGHT_CLOSE.sub(lambda m: f"{m['indent']}```", body)


def liquid_to_jinja(source: str) -> str:
    """Rewrite Liquid-only syntax outside raw blocks; everything else passes through."""
    pieces, position = [], 0
    for raw in RAW_BLOCK.finditer(source):
        pieces.append(SPAN.sub(_rewrite_span, source[position:raw.start()]))
        pieces.append(raw.group(0))
        position = raw.end()
    pieces.append(SPAN.sub(_rewrite_span, source[position:]))
    return "".join(pieces)


def _rewrite_span(match: re.Match) -> str:
    if match.group(1):
        return match.group(1) + _filters_with_arguments(match.group(2)) + match.group(3)
    return _rewrite_tag(match.group(4), match.group(5), match.group(6))


def _filters_with_arguments(expression: str) -> str:
    """`x | date: "%Y", y` -> `x | date("%Y", y)`."""
    parts = PIPE_OUTSIDE_QUOTES.split(expression)
    rewritten = [parts[0]]
    for part in parts[1:]:
        call = FILTER_WITH_ARGUMENTS.match(part)
        rewritten.append(f" {call[1]}({call[2]}) " if call else part)
    return "|".join(rewritten)


def _rewrite_tag(opening: str, inside: str, closing: str) -> str:
    words = inside.split(None, 1)
    if not words:
        return opening + inside + closing
    name, rest = words[0], words[1] if len(words) > 1 else ""
    if name == "include" and rest and rest.strip()[0] not in "\"'":
        return _include(rest.strip(), opening, closing)
    if name == "post_url":
        return "{{ post_url(" + repr(rest.strip()) + ") }}"
    if name == "assign":
        return f"{opening} set {_filters_with_arguments(rest)}{closing}"
    if name == "capture":
        return f"{opening} set {rest}{closing}"
    if name == "unless":
        return f"{opening} if not ({_filters_with_arguments(rest).strip()}) {closing}"
    if name in TAG_RENAMES:
        return f"{opening} {TAG_RENAMES[name]} {_filters_with_arguments(rest)}{closing}"
    if name in ("if", "elif", "for", "set"):
        return f"{opening} {name} {_filters_with_arguments(rest)}{closing}"
    return opening + inside + closing


def _include(arguments: str, opening: str, closing: str) -> str:
    """`{% include note.html title="x" %}`: parameters are `include.title` inside the file, as in Jekyll."""
    name, _, parameters = arguments.partition(" ")
    pairs = ", ".join(f"{key!r}: {value}" for key, value in INCLUDE_PARAMETER.findall(parameters))
    return f"{opening} with include = {{{pairs}}} {closing}{opening} include {name!r} {closing}{opening} endwith {closing}"
