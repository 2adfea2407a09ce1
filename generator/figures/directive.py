"""Find fenced `figure` blocks in a markdown body, validate them, leave placeholders.

Fences follow CommonMark: three or more backticks or tildes; a block closes at a
fence of the same character at least as long. Fences may be indented (inside list
items); the block's lines lose the opening fence's indentation before YAML parsing.
A `figure` fence inside another fenced block is code, not a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.cache import digest
from generator.content.yamldoc import FastSafeLoader
from generator.errors import FigureError, did_you_mean
from generator.figures import registry
from generator.figures.options import REQUIRED

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
FIGURE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
PLACEHOLDER = "<!--layerpress-figure:{}-->"


@dataclass
class FigureRequest:
    source_path: Path
    line: int  # line of the opening fence in the source file
    kind: str
    options: dict  # validated, defaults filled in
    figure_id: str
    model_refs: list[str]

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER.format(self.figure_id)

    def error(self, message: str, hint: str | None = None) -> FigureError:
        return FigureError(message, file=self.source_path, line=self.line, hint=hint)


@dataclass
class _Block:
    start: int  # index of the opening fence line in the body
    end: int  # index of the closing fence line (or last line when unclosed)
    indent: str
    text: str


def extract_figures(body: str, source_path: Path, body_line: int = 1) -> tuple[str, list[FigureRequest]]:
    """The body with each figure block replaced by its placeholder, and the parsed requests."""
    lines = body.split("\n")
    requests: list[FigureRequest] = []
    for block in _figure_blocks(lines):
        request = _parse_block(block, source_path, body_line + block.start)
        if any(r.figure_id == request.figure_id for r in requests):
            raise request.error(f"duplicate figure id '{request.figure_id}'",
                                "give each figure of a document its own id")
        requests.append(request)
    for block, request in reversed(list(zip(_figure_blocks(lines), requests))):
        # As many lines as the block, so that template errors further down name the file's own lines.
        padding = [""] * (block.end - block.start + 1 - 3)
        lines[block.start:block.end + 1] = ["", block.indent + request.placeholder, ""] + padding
    return "\n".join(lines), requests


def prose_lines(body: str):
    """(0-based index, line) of every line outside fenced code blocks."""
    lines = body.split("\n")
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening and not (opening["fence"][0] == "`" and "`" in opening["info"]):
            index = _closing_line(lines, index + 1, opening["fence"]) + 1
            continue
        yield index, lines[index]
        index += 1


def _figure_blocks(lines: list[str]):
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        end = _closing_line(lines, index + 1, opening["fence"])
        language = opening["info"].strip().split(" ")[0].strip("{}.")
        if language == "figure":
            indent = opening["indent"]
            content = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                       for line in lines[index + 1:end]]
            yield _Block(index, end, indent, "\n".join(content))
        index = end + 1


def _closing_line(lines: list[str], start: int, fence: str) -> int:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return index
    return len(lines) - 1


def _parse_block(block: _Block, source_path: Path, line: int) -> FigureRequest:
    def fail(message, hint=None, at=line):
        return FigureError(message, file=source_path, line=at, hint=hint)

    try:
        data = yaml.load(block.text, Loader=FastSafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = line + 1 + mark.line if mark else line
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise fail(f"YAML error in figure block: {problem}", at=where) from None
    if not isinstance(data, dict):
        raise fail("a figure block must be a YAML mapping of keys to values", "start with 'kind: ...'")
    kind = data.get("kind")
    if kind is None:
        raise fail("figure block has no 'kind'", "kinds: " + ", ".join(registry.KINDS))
    if kind not in registry.KINDS:
        raise fail(f"unknown figure kind '{kind}'",
                   did_you_mean(kind, registry.KINDS) or "kinds: " + ", ".join(registry.KINDS))
    options = _validated_options(data, kind, fail, line, _key_lines(block.text, line))
    problem = registry.check_options(kind, options)
    if problem:
        raise fail(problem)
    figure_id = options["id"] or f"{kind}-{digest(block.text)[:10]}"
    if not FIGURE_ID.fullmatch(figure_id):  # also a path segment and an HTML id: no markup, no '/'
        shown = str(figure_id).encode("unicode_escape").decode()
        raise fail(f"figure id '{shown}' may only hold letters, digits, '-' and '_'")
    return FigureRequest(source_path, line, kind, options, figure_id, registry.model_refs(kind, options))


def _validated_options(data: dict, kind: str, fail, line: int, key_lines: dict) -> dict:
    keys = registry.allowed_keys(kind)
    options = {}
    for name, value in data.items():
        if name not in keys:
            raise fail(f"unknown key '{name}' for kind {kind}",
                       did_you_mean(name, keys) or "keys: " + ", ".join(sorted(keys)),
                       at=key_lines.get(name, line))
        try:
            options[name] = keys[name].check(value)
        except ValueError as error:
            raise fail(f"key '{name}' must be {error}", at=key_lines.get(name, line)) from None
    for name, key in keys.items():
        if name not in options:
            if key.default is REQUIRED:
                raise fail(f"kind {kind} needs the key '{name}'")
            options[name] = key.default
    return options


def _key_lines(text: str, fence_line: int) -> dict[str, int]:
    """The file line of each top-level key, so a bad value is reported where it is."""
    lines: dict[str, int] = {}
    for offset, line in enumerate(text.split("\n")):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match[1], fence_line + 1 + offset)
    return lines
