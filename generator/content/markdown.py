"""Markdown -> HTML with Python-Markdown and pymdown-extensions, configured as GitHub writers expect."""

from __future__ import annotations

import markdown
from pymdownx import emoji

EXTENSIONS = [
    "toc", "tables", "footnotes", "md_in_html",
    "pymdownx.superfences", "pymdownx.highlight", "pymdownx.tasklist",
    "pymdownx.tilde", "pymdownx.emoji",
]


def extension_configs() -> dict:
    return {
        "toc": {"permalink": True, "permalink_title": "Link to this section"},
        "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
        "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
        # GitHub's emoji names, written as Unicode characters: no image CDN.
        "pymdownx.emoji": {"emoji_index": emoji.gemoji, "emoji_generator": emoji.to_alt},
    }


class MarkdownRenderer:
    """One configured converter, reset between documents (building it costs more than using it)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=extension_configs(),
                                     output_format="html")

    def convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)
