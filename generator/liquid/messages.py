"""Liquid's warnings as a reader needs them: once per template line and message, naming the page being
rendered (a layout's error happens on every page that uses it), in Liquid's words, not Python's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ContentError

# Python type names python-liquid and Python put in messages, in the words of Liquid's documentation.
LIQUID_WORDS = {"NoneType": "nil", "None": "nil", "datetime.datetime": "a date", "datetime.date": "a date",
                "datetime": "a date", "date": "a date", "str": "text", "int": "a number", "float": "a number",
                "Decimal": "a number", "list": "an array", "tuple": "an array", "dict": "a hash",
                "bool": "true or false"}
TYPE_NAME = re.compile(r"'?\b(NoneType|datetime\.datetime|datetime\.date|Decimal|str|int|float|list|tuple|dict|bool)\b'?")
TYPED_PHRASE = re.compile(r"(?:expected|found|type|types|operand|operands|object|not)\s*(?:\(s\))?\s*(?:for\s*[^:]*:)?\s*"
                          r"'?(?:NoneType|datetime\.datetime|datetime\.date|Decimal|str|int|float|list|tuple|dict|bool)\b")


def liquid_words(message: str) -> str:
    """`date expected datetime.datetime, found NoneType` -> `date expected a date, found nil`."""
    if not TYPED_PHRASE.search(message):
        return message
    message = TYPE_NAME.sub(lambda match: LIQUID_WORDS[match[1]], message)
    return message.replace("unsupported operand type(s)", "cannot combine")


@dataclass
class Repeats:
    base: str                   # the message without the page note
    first_page: str
    others: set = field(default_factory=set)


class PageWarnings:
    """The warnings of one environment (`items`), each once, with the page(s) rendered when it happened."""

    def __init__(self, source: Path, items: list[ContentError]) -> None:
        self.source = source
        self.items = items
        self.rendering: Path | None = None          # the document being rendered, set by the renderer
        self._repeats: dict[tuple, Repeats] = {}

    def page(self) -> str | None:
        if self.rendering is None:
            return None
        path = Path(self.rendering)
        return path.relative_to(self.source).as_posix() if path.is_relative_to(self.source) else str(path)

    def add(self, warning: ContentError) -> None:
        warning.message = liquid_words(warning.message)
        key = (str(warning.file), warning.line, warning.message)
        page = self.page()
        repeats = self._repeats.get(key)
        if repeats is None:
            self._repeats[key] = Repeats(warning.message, page or "")
            if page and Path(self.source, page) != Path(warning.file or ""):
                warning.message += f" (rendering {page})"
            self.items.append(warning)
            return
        if page and page != repeats.first_page:
            repeats.others.add(page)
            existing = next(item for item in self.items if (str(item.file), item.line) == key[:2]
                            and item.message.startswith(repeats.base))
            count = len(repeats.others)
            existing.message = (f"{repeats.base} (rendering {repeats.first_page} and {count} other "
                                f"page{'s' if count > 1 else ''})")


def named_page(problem: ContentError, page: str | None) -> ContentError:
    """An error that stops the build, in Liquid's words, with the page being rendered."""
    problem.message = liquid_words(problem.message)
    if page and not str(problem.file or "").endswith(page):
        problem.message += f" (rendering {page})"
    return problem
