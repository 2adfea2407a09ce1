"""`~~deleted~~` with pymdown-extensions' tilde extension, its pattern compiled on first use.

The tilde delimiter's boundary pattern holds Unicode's punctuation classes several times over:
compiling it costs half of building the whole Markdown converter, though most posts have no `~`.
`LazyStrikethroughExtension` is `pymdownx.tilde` as layerpress configures it (delete, no subscript),
registered the same way, with a `Delimiter` whose patterns are built on the first text with a `~`.
"""

from __future__ import annotations

import re

from pymdownx import util
from pymdownx.delimiterprocessor import Delimiter, DelimiterProcessor
from pymdownx.tilde import DeleteSubExtension


class LazyDelimiter(Delimiter):
    """A Delimiter whose `boundary`, `bad` and `max_size` are made by Delimiter's own code on first use."""

    PATTERNS = ("boundary", "bad", "max_size")

    def _build_patterns(self, token: str) -> str:
        self.token = token
        return re.escape(token)

    def __getattr__(self, name: str):   # only for attributes not set yet
        if name not in self.PATTERNS:
            raise AttributeError(name)
        Delimiter._build_patterns(self, self.token)
        return self.__dict__[name]


class LazyStrikethroughExtension(DeleteSubExtension):
    def extendMarkdown(self, md) -> None:
        """DeleteSubExtension.extendMarkdown for `delete: true, subscript: false`."""
        config = self.getConfigs()
        if not config["delete"] or config["subscript"]:
            raise ValueError("LazyStrikethroughExtension does `~~deleted~~` only (subscript: false)")
        md.registerExtension(self)
        util.escape_chars(md, ["~"])
        delimiter = LazyDelimiter("~", "del", smart=bool(config["smart_delete"]), no_space=bool(config["no_space"]),
                                  double=True, punct=True)
        if "delimiter" in md.inlinePatterns and isinstance(md.inlinePatterns["delimiter"], DelimiterProcessor):
            self.processor = md.inlinePatterns["delimiter"]
            self.processor.add(delimiter)
        else:
            self.processor = DelimiterProcessor(delimiter, md)
            md.inlinePatterns.register(self.processor, "delimiter", 60)
