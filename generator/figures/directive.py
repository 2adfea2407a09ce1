"""Find fenced `figure` blocks in a markdown body, validate them, leave placeholders.

Fences are found by generator/content/fences.py (CommonMark; they may be indented, inside
list items); the block's lines lose the opening fence's indentation before YAML parsing.
A `figure` fence inside another fenced block is code, not a figure. Keys are checked by
the option framework (generator/options.py) against COMMON_KEYS and the kind's KEYS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.cache import digest
from generator.content.fences import FENCE, fences, prose_lines
from generator.errors import FigureError, did_you_mean
from generator.figures import registry
from generator.figures.types import PLACEHOLDER, FigureRequest
from generator.options import Where, validate
from generator.yaml_lines import LineDict, load_with_lines

__all__ = ["FigureRequest", "extract_figures", "prose_lines", "PLACEHOLDER"]

FIGURE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass
class _Block:
    start: int  # index of the opening fence line in the body
    end: int  # index of the closing fence line (or last line when unclosed)
    indent: str
    text: str


def extract_figures(body: str, source_path: Path, body_line: int = 1,
                    parse_block=None) -> tuple[str, list[FigureRequest]]:
    """The body with each figure block replaced by its placeholder, and the parsed requests
    (`parse_block(text, source_path, line)`: parse_block_text by default, or a memo of it)."""
    lines = body.split("\n")
    if not any("figure" in line and FENCE.match(line) for line in lines):   # a Jekyll blog's documents:
        return body, []                                                      # no block to find the fences of
    parse_block = parse_block or parse_block_text
    requests: list[FigureRequest] = []
    blocks = list(_figure_blocks(lines))
    for block in blocks:
        request = parse_block(block.text, source_path, body_line + block.start)
        if any(r.figure_id == request.figure_id for r in requests):
            raise request.error(f"duplicate figure id '{request.figure_id}'",
                                "give each figure of a document its own id")
        requests.append(request)
    for block, request in reversed(list(zip(blocks, requests))):
        # As many lines as the block, so that template errors further down name the file's own lines.
        padding = [""] * (block.end - block.start + 1 - 3)
        lines[block.start:block.end + 1] = ["", block.indent + request.placeholder, ""] + padding
    return "\n".join(lines), requests


def _figure_blocks(lines: list[str]):
    for fence in fences(lines):
        if fence.language == "figure":
            indent = fence.indent
            content = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                       for line in lines[fence.start + 1:fence.end]]
            yield _Block(fence.start, fence.end, indent, "\n".join(content))


def parse_block_text(text: str, source_path: Path, line: int) -> FigureRequest:
    """A figure block's YAML (`line`: its opening fence's), validated; the request depends on `text` alone."""
    def fail(message, hint=None):
        return FigureError(message, file=source_path, line=line, hint=hint)

    data = load_with_lines(text, file=source_path, first_line=line + 1, error=FigureError)
    if not isinstance(data, LineDict):
        raise fail("a figure block must be a YAML mapping of keys to values", "start with 'kind: ...'")
    kind = data.get("kind")
    if kind is None:
        raise fail("figure block has no 'kind'", "kinds: " + ", ".join(registry.KINDS))
    if kind not in registry.KINDS:
        raise fail(f"unknown figure kind '{kind}'",
                   did_you_mean(kind, registry.KINDS) or "kinds: " + ", ".join(registry.KINDS))
    given_id = data.get("id")
    label = f"figure '{given_id}'" if isinstance(given_id, str) and FIGURE_ID.fullmatch(given_id) else f"{kind} figure"
    where = Where(source_path, lambda key: data.line(key, line), FigureError, label)
    options = validate(data, registry.allowed_keys(kind), where, given_order=True)
    problem = registry.check_options(kind, options)
    if problem:
        raise fail(problem)
    figure_id = options["id"] or f"{kind}-{digest(text)[:10]}"
    if not FIGURE_ID.fullmatch(figure_id):  # also a path segment and an HTML id: no markup, no '/'
        shown = str(figure_id).encode("unicode_escape").decode()
        raise fail(f"figure id '{shown}' may only hold letters, digits, '-' and '_'")
    offsets = {key: (data.line(key, line) or line) - line for key in data}
    return FigureRequest(source_path, line, kind, options, figure_id, registry.model_refs(kind, options), offsets)
