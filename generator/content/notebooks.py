"""Jupyter notebooks as posts: front matter, Markdown cells, highlighted code and stored outputs.

A notebook (`.ipynb` in `_posts/` or `_notebooks/`, the fastpages layout) becomes the text of
a Markdown post, never executed:

- front matter from the first cell when it is a raw cell holding `---` YAML `---` (Quarto,
  nbdev), or from fastpages' first Markdown cell (`# Title`, `> description`, `- key: value`);
- Markdown cells as they are (Liquid and `figure` blocks work in them; `attachment:` images
  become data URIs);
- code cells as fenced code in the kernel's language, then their stored outputs: text and
  errors as `<pre>` (ANSI colours dropped), images as data URIs, HTML and SVG as
  they are (inside `{% raw %}`, so Liquid leaves them alone), each in a
  `<div class="notebook-output">` (`notebook-output notebook-error` for errors);
- left out: cells tagged `remove_cell`/`hide` (or starting with fastpages' `#hide` or Quarto's
  `#| include: false`), inputs tagged `hide_input`/`remove_input` (`#hide_input`,
  `#| echo: false`), outputs tagged `hide_output`/`remove_output` (`#hide_output`,
  `#| output: false`). fastpages' `#collapse...` comments are dropped and the cell shown open.

Lines: when the notebook is stored as Jupyter writes it (one JSON line per source line), each
Markdown line of the text is put on the line it has in the `.ipynb` file, so that an error in a
Markdown cell names the file's own line.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.frontmatter import Parsed, split_front_matter
from generator.errors import ContentError
from generator.yaml_lines import load_mapping

SUFFIX = ".ipynb"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
REMOVE_CELL = {"remove_cell", "remove-cell", "hide", "hide_cell", "hide-cell"}
REMOVE_INPUT = {"remove_input", "remove-input", "hide_input", "hide-input"}
REMOVE_OUTPUT = {"remove_output", "remove-output", "hide_output", "hide-output"}
# Comments on a code cell's first lines (fastpages' `#hide`, Quarto's `#| echo: false`).
COMMENT_FLAGS = {"hide": "cell", "hide_input": "input", "hide-input": "input", "hide_output": "output",
                 "hide-output": "output", "include: false": "cell", "echo: false": "input",
                 "output: false": "output"}
COMMENT = re.compile(r"^\s*#\s*\|?\s*(?P<flag>[a-z_-]+(?::\s*\w+)?)\s*$")
COLLAPSE = re.compile(r"^\s*#\s*collapse[a-z_-]*\s*$")
# Which representation of an output is shown, best first (Jupyter's order, without scripts).
MIME_ORDER = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown",
              "text/plain")
FASTPAGES_KEY = re.compile(r"^-\s+([A-Za-z_][\w-]*)\s*:(.*)$")


@dataclass
class Piece:
    """Lines of the post's text, and the line of the .ipynb file the first one comes from (if known)."""

    lines: list[str]
    file_line: int | None = None


@dataclass
class Converted:
    front_matter: dict = field(default_factory=dict)
    key_lines: dict = field(default_factory=dict)
    pieces: list[Piece] = field(default_factory=list)


def read_notebook(text: str, path: Path) -> Parsed:
    """The notebook in `text` as a post's front matter and Markdown body (see the module's doc)."""
    notebook = parse(text, path)
    source_lines = cell_source_lines(text, notebook.cells)
    converted = Converted()
    cells = list(notebook.cells)
    language = notebook_language(notebook.metadata)
    if cells and front_matter_cell(cells[0], path, source_lines[0], converted):
        cells, source_lines = cells[1:], source_lines[1:]
    for number, (cell, first_line) in enumerate(zip(cells, source_lines), start=1):
        converted.pieces += cell_pieces(cell, first_line, language, number)
    body = laid_out(converted.pieces)
    return Parsed(converted.front_matter, converted.key_lines, body, 1)


def parse(text: str, path: Path):
    """The notebook as nbformat's version 4 node, or a ContentError naming what is wrong."""
    import nbformat  # 0.2 s of imports (jsonschema), paid only by blogs with notebooks
    from nbformat.warnings import MissingIDFieldWarning

    try:
        with warnings.catch_warnings():  # cells without the ids of nbformat 4.5: the build never writes it back
            warnings.simplefilter("ignore", MissingIDFieldWarning)
            notebook = nbformat.convert(nbformat.reader.reads(text), 4)
            nbformat.validate(notebook)
    except nbformat.reader.NotJSONError as error:
        raise ContentError(f"not a Jupyter notebook: {str(error).splitlines()[0][:200]}", file=path,
                           hint="save it again from Jupyter, or give it another extension") from None
    except (nbformat.ValidationError, ValueError, KeyError) as error:  # also an unknown nbformat version
        message = str(getattr(error, "message", error)).splitlines()[0][:200]
        raise ContentError(f"not a valid Jupyter notebook: {message}", file=path,
                           hint="open and save it in Jupyter, which repairs most such problems") from None
    return notebook


def notebook_language(metadata) -> str:
    info = metadata.get("language_info") or {}
    kernel = metadata.get("kernelspec") or {}
    return str(info.get("name") or kernel.get("language") or "python").lower()


def source_of(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_source_lines(text: str, cells) -> list[int | None]:
    """The line of the .ipynb file holding each cell's first source line, when the file is laid out
    as Jupyter writes it (`"source": [` then one JSON string per line); else None for every cell."""
    lines = text.splitlines()
    starts = [number for number, line in enumerate(lines, start=1) if re.match(r'^\s*"source":\s*\[\s*$', line)]
    found: list[int | None] = []
    for cell in cells:
        source = source_of(cell)
        if not source:
            found.append(None)
            continue
        start = next((s for s in starts if s + 1 <= len(lines) and matches(lines, s + 1, source)), None)
        if start is None:
            return [None] * len(cells)
        starts = [s for s in starts if s > start]
        found.append(start + 1)
    return found


def matches(lines: list[str], first: int, source: str) -> bool:
    """Whether the JSON strings on lines `first`... spell `source`, one line of it each."""
    expected = source.splitlines(keepends=True)
    for offset, part in enumerate(expected):
        if first + offset > len(lines):
            return False
        try:
            if json.loads(lines[first - 1 + offset].strip().rstrip(",")) != part:
                return False
        except ValueError:
            return False
    return True


def front_matter_cell(cell, path: Path, first_line: int | None, converted: Converted) -> bool:
    """Fill `converted`'s front matter from the first cell if it holds some; True when the cell is used up."""
    source = source_of(cell)
    offset = (first_line or 1) - 1
    if cell.cell_type == "raw" and source.lstrip().startswith("---"):
        parsed = split_front_matter(source.lstrip(), path)
        converted.front_matter = parsed.front_matter
        converted.key_lines = {key: line + offset for key, line in parsed.key_lines.items()}
        return True
    if cell.cell_type == "markdown" and source.startswith("# "):
        return fastpages_front_matter(source, path, offset, converted)
    return False


def fastpages_front_matter(source: str, path: Path, offset: int, converted: Converted) -> bool:
    """fastpages' first cell: `# Title`, `> description`, `- key: value` lines. The lines after
    them (if any) stay in the post as a Markdown cell of their own."""
    lines = source.splitlines()
    data: dict = {"title": unquoted(lines[0][2:])}
    key_lines = {"title": offset + 1}
    yaml_lines = []
    used = 1
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("> ") and "description" not in data:
            data["description"], key_lines["description"] = unquoted(line[2:]), offset + number
        elif FASTPAGES_KEY.match(line):
            yaml_lines.append((number, line[1:].strip()))
        elif line.strip():
            break
        used = number
    for number, line in yaml_lines:
        values, _ = load_mapping(line, file=path, first_line=offset + number, error=ContentError)
        data.update(values)
        key_lines.update({key: offset + number for key in values})
    converted.front_matter, converted.key_lines = data, key_lines
    rest = lines[used:]
    if any(line.strip() for line in rest):
        converted.pieces.append(Piece(rest, offset + used + 1))
    return True


def unquoted(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def cell_pieces(cell, first_line: int | None, language: str, number: int) -> list[Piece]:
    tags = set(cell.get("metadata", {}).get("tags", []))
    if tags & REMOVE_CELL:
        return []
    source = source_of(cell)
    if cell.cell_type == "markdown":
        return [Piece(with_attachments(source, cell.get("attachments") or {}).splitlines(), first_line)]
    if cell.cell_type == "raw":
        return raw_cell(cell, source, first_line)
    lines, flags = code_flags(source.splitlines())
    if "cell" in flags:
        return []
    pieces = []
    if not tags & REMOVE_INPUT and "input" not in flags and any(line.strip() for line in lines):
        pieces.append(Piece(fenced(lines, language)))
    if not tags & REMOVE_OUTPUT and "output" not in flags:
        pieces += output_pieces(cell.get("outputs", []), number)
    return pieces


def code_flags(lines: list[str]) -> tuple[list[str], set[str]]:
    """A code cell's lines without its leading `#hide`/`#collapse`/`#| echo: false` comments, and
    what those comments leave out ("cell", "input", "output")."""
    flags = set()
    while lines:
        comment = COMMENT.match(lines[0])
        if comment and comment.group("flag") in COMMENT_FLAGS:
            flags.add(COMMENT_FLAGS[comment.group("flag")])
        elif not COLLAPSE.match(lines[0]) and not re.match(r"^\s*#\|", lines[0]):
            break
        lines = lines[1:]
    return lines, flags


def raw_cell(cell, source: str, first_line: int | None) -> list[Piece]:
    """A raw cell is kept when it is meant for HTML or Markdown output, as nbconvert does."""
    metadata = cell.get("metadata", {})
    mime = str(metadata.get("format") or metadata.get("raw_mimetype") or "")
    if mime in ("text/html", "html", "text/markdown", "markdown"):
        return [Piece(source.splitlines(), first_line)]
    return []


def with_attachments(source: str, attachments: dict) -> str:
    """`attachment:name.png` links of a Markdown cell as data URIs."""
    for name, bundle in attachments.items():
        mime = next((m for m in MIME_ORDER if m.startswith("image/") and m in bundle), None)
        if mime:
            source = source.replace(f"attachment:{name}", data_uri(mime, bundle[mime]))
    return source


def data_uri(mime: str, data) -> str:
    text = "".join(data) if isinstance(data, list) else str(data)
    return f"data:{mime};base64,{''.join(text.split())}"


def output_pieces(outputs: list, number: int) -> list[Piece]:
    pieces: list[Piece] = []
    stream: list[str] = []
    for output in outputs:
        if output.output_type == "stream":
            stream.append(text_of(output.get("text", "")))
            continue
        if stream:
            pieces.append(text_output("".join(stream)))
            stream = []
        if output.output_type == "error":
            pieces.append(text_output("\n".join(output.get("traceback", [])), "notebook-error"))
        elif output.output_type in ("execute_result", "display_data"):
            pieces += rich_output(output.get("data", {}), output.get("metadata", {}), number)
    if stream:
        pieces.append(text_output("".join(stream)))
    return pieces


def text_output(text: str, extra_class: str = "") -> Piece:
    """Printed text (ANSI colours dropped) as a <pre>: output, not code to highlight."""
    pre = f"<pre>{html.escape(ANSI.sub('', text).rstrip(chr(10)), quote=False)}</pre>"
    return output_block(pre.splitlines(), extra_class)


def output_block(lines: list[str], extra_class: str = "") -> Piece:
    classes = " ".join(("notebook-output", extra_class)).strip()
    return Piece([f'<div class="{classes}">', *raw_liquid(lines), "</div>"])


def text_of(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def rich_output(data: dict, metadata: dict, number: int) -> list[Piece]:
    """The best representation of a display: HTML, an image, Markdown, or plain text."""
    mime = next((m for m in MIME_ORDER if m in data), None)
    if mime is None:
        return []
    value = text_of(data[mime])
    if mime == "text/plain":
        return [text_output(value)]
    if mime == "text/markdown":
        return [Piece(raw_liquid(value.splitlines()))]
    if mime in ("text/html", "image/svg+xml"):
        lines = value.splitlines()
    else:
        size = metadata.get(mime, {}) if isinstance(metadata.get(mime), dict) else {}
        attributes = "".join(f' {key}="{int(size[key])}"' for key in ("width", "height")
                             if isinstance(size.get(key), (int, float)))
        lines = [f'<img src="{data_uri(mime, data[mime])}" alt="Output of code cell {number}"{attributes}>']
    return [output_block(lines)]


def raw_liquid(lines: list[str]) -> list[str]:
    """Lines Liquid prints as they are (an output's own `{{` or `{%` is not a tag of the post)."""
    text = "\n".join(lines).replace("{% endraw %}", "{% endraw %}{{ '{% endraw %}' }}{% raw %}")
    return ("{% raw %}" + text + "{% endraw %}").split("\n")


def fenced(lines: list[str], language: str) -> list[str]:
    """Lines as a fenced code block, its fence longer than any run of backticks inside."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *lines, fence]


def laid_out(pieces: list[Piece]) -> str:
    """The post's text: pieces one after another with a blank line between them; when every piece
    from the file fits, each one starts on its own line of the .ipynb file (blank lines in between)."""
    lines: list[str] = []
    aligned = True
    for piece in pieces:
        wanted = piece.file_line
        if aligned and wanted is not None and len(lines) + 2 <= wanted:
            lines += [""] * (wanted - 1 - len(lines))
        else:
            if wanted is not None:
                aligned = False
            if lines:
                lines.append("")
        lines += piece.lines
    return "\n".join(lines) + "\n"
