"""The one fenced-code scanner: figure blocks, `{{ models.* }}` in prose, kramdown's line syntax.

Fences follow CommonMark: three or more backticks or tildes; a block closes at a line of
only the same character, at least as many; a backtick fence whose info string holds a
backtick is not a fence (it is inline code). `max_indent=3` is CommonMark's limit for
top-level fences; without it fences may be indented any amount (inside list items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterator

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")


@dataclass
class Fence:
    start: int      # index of the opening fence line
    end: int        # index of the closing fence line (the last line when unclosed)
    indent: str     # the opening fence's indentation
    marker: str     # e.g. "```" or "~~~~"
    info: str       # what follows the opening marker, e.g. "python" or "figure"
    closed: bool

    @property
    def language(self) -> str:
        """The info string's first word without Pandoc braces or dot: `{.figure}` -> figure."""
        return self.info.strip().split(" ")[0].strip("{}.")


def fences(lines: list[str], max_indent: int | None = None) -> Iterator[Fence]:
    """Every fenced block of `lines`, in order."""
    index = 0
    while index < len(lines):
        opening = _fence_line(lines[index], max_indent)
        if not opening or (opening["marker"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        closing = _closing_line(lines, index + 1, opening["marker"], max_indent)
        end = closing if closing is not None else len(lines) - 1
        yield Fence(index, end, opening["indent"], opening["marker"], opening["info"], closing is not None)
        index = end + 1


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(0-based index, line) of every line outside fenced code blocks."""
    lines = body.split("\n")
    start = 0
    for fence in fences(lines):
        yield from ((index, lines[index]) for index in range(start, fence.start))
        start = fence.end + 1
    yield from ((index, lines[index]) for index in range(start, len(lines)))


def _fence_line(line: str, max_indent: int | None):
    match = FENCE.match(line)
    if match and max_indent is not None and (len(match["indent"]) > max_indent or "\t" in match["indent"]):
        return None
    return match


def _closing_line(lines: list[str], start: int, marker: str, max_indent: int | None) -> int | None:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {marker[0]} and len(stripped) >= len(marker):
            indent = lines[index][:len(lines[index]) - len(lines[index].lstrip())]
            if max_indent is None or (len(indent) <= max_indent and "\t" not in indent):
                return index
    return None
