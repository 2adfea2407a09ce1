"""Rendering a block or a template into a string."""

from __future__ import annotations


class TextBuffer:
    """A write-only text sink for rendering a block or a template into a string."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def value(self) -> str:
        return "".join(self.parts)
