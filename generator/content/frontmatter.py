"""Split a file into YAML front matter and body, as Jekyll does (`---` ... `---` or `...`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.yaml_lines import load_mapping
from generator.errors import ContentError

OPENING = re.compile(r"\A---[ \t]*\r?\n")
CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$\n?", re.MULTILINE)


@dataclass
class Parsed:
    front_matter: dict
    key_lines: dict      # front matter key -> line in the file
    body: str
    body_line: int       # 1-based line of the file where the body starts
    problem: ContentError | None = None   # a front matter never closed: the whole file is the body (a warning)


def has_front_matter(path: Path) -> bool:
    """Jekyll's test: the file's first line is `---`."""
    with open(path, "rb") as handle:
        return re.match(rb"---[ \t]*\r?\n", handle.readline()) is not None


def split_front_matter(text: str, path: Path) -> Parsed:
    """Front matter (a mapping, may be empty) and the body that follows it; a front matter never closed
    is none, its `---` and all the rest the body, with `problem` to warn of it."""
    opening = OPENING.match(text)
    if not opening:
        return Parsed({}, {}, text, 1)
    closing = CLOSING.search(text, opening.end())
    if not closing:   # Jekyll goes on: no front matter, the whole file is the body
        return Parsed({}, {}, text, 1, ContentError(
            "front matter is not terminated, so the whole file is read as text, as Jekyll reads it", file=path,
            line=1, hint="close it with a line holding only '---'"))
    yaml_text = text[opening.end(): closing.start()]
    data, lines = load_mapping(yaml_text, file=path, first_line=2, error=ContentError)
    body_line = text.count("\n", 0, closing.end()) + 1
    return Parsed(data, lines, text[closing.end():], body_line)
