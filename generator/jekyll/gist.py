"""{% gist ID [FILE] %}: jekyll-gist's script tag (GitHub Pages loads the plugin for every blog).

jekyll-gist also fetches the gist at build time for a `<noscript>` copy; layerpress builds offline,
as Jekyll does without a network, when jekyll-gist writes the script tag alone."""

from __future__ import annotations

import re
import sys
from html import escape
from typing import TextIO

from liquid.ast import Node
from liquid.tag import Tag

from generator.errors import ContentError
from generator.liquid.tag_text import tag_text

# jekyll-gist's `determine_arguments`: an id (`123abc` or `user/123abc`), then an optional file name.
ARGUMENTS = re.compile(r"\A(\S+|.*(?=/).+)\s?(\S*)\Z")
VARIABLE = re.compile(r"\A[a-zA-Z_]\w*(?:\.\w+)+\Z")


def gist_script(gist_id: str, filename: str = "") -> str:
    url = f"https://gist.github.com/{gist_id}.js" + (f"?file={filename}" if filename else "")
    return f'<script src="{escape(url)}"> </script>'


class GistNode(Node):
    __slots__ = ("arguments",)

    def __init__(self, token, arguments: str) -> None:
        super().__init__(token)
        self.arguments = arguments
        self.blank = False

    def __str__(self) -> str:
        return f"{{% gist {self.arguments} %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        match = ARGUMENTS.match(self.arguments.strip())
        if match is None:
            raise ContentError(f"gist: '{self.arguments}' is not a gist id",
                               hint="write {% gist 1234567 %} or {% gist user/1234567 file.py %}")
        parts = [self.resolved(context, part.strip()) for part in (match[1], match[2])]
        return buffer.write(gist_script(*parts))

    @staticmethod
    def resolved(context, word: str) -> str:
        """A variable name (`page.gist`) stands for its value, as in jekyll-gist."""
        if VARIABLE.match(word):
            value = context.resolve(word.split(".")[0], default=None)
            for key in word.split(".")[1:]:
                value = value.get(key) if hasattr(value, "get") else None
            return "" if value is None else str(value)
        return word


class GistTag(Tag):
    name = sys.intern("gist")
    block = False

    def parse(self, stream) -> GistNode:
        return GistNode(*tag_text(stream, self.name))
