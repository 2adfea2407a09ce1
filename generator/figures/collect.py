"""Collecting and validating: every figure block and `models.*` reference of every document,
checked before anything trains or draws (no TensorFlow)."""

from __future__ import annotations

import copy
import json
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.confine import confined
from generator.errors import FigureError, did_you_mean
from generator.figures import registry
from generator.cache import digest, write_atomically
from generator.figures.directive import FigureRequest, extract_figures, parse_block_text, prose_lines
from generator.models import UNTRAINED

JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
STRING_LITERAL = re.compile(r"""'[^']*'|"[^"]*\"""")
# `models.NAME` as a whole word of an expression: not `three-generative-models.png` in a string.
MODEL_REF = re.compile(r"""(?<![\w.$/-])models(?:\.(\w+)|\[\s*['"]([\w:-]+)['"]\s*\])(?:\.variants(?:\.(\w+)|\[\s*['"]([\w-]+)['"]\s*\]))?""")  # noqa: E501


@dataclass
class Figure:
    """One figure block of a document, and where its drawing is (filled in by the stage)."""

    request: FigureRequest
    slug: str
    post: str = ""                     # the document's path relative to the source folder
    key: str = ""                      # the local cache's key
    input_key: str = ""                # the frozen results' key (no library versions)
    entry: Path | None = None          # the cache (or frozen) entry holding its files


@dataclass
class Extracted:
    """One document's figure blocks (parsed, not yet checked against the blog) and `models.*` references."""

    document: Any                      # a document: source_path, body, body_line, slug
    post: str                          # its path relative to the source folder
    body: str                          # the body with each block replaced by its placeholder
    requests: list[FigureRequest]
    text_refs: list[tuple[str, int]]   # (ref, line in the source file)


def extract_documents(documents, source: Path, parsed: ParsedBlocks | None = None) -> list[Extracted]:
    """Parse every document's figure blocks and find its model references (no model or probe is read)."""
    extracted, root = [], Path(source).resolve()
    for document in documents:
        body, requests = extract_figures(document.body, document.source_path, document.body_line,
                                         parsed.request if parsed is not None else None)
        refs = [(ref, document.body_line + index) for ref, index in model_refs_in_text(document.body)]
        extracted.append(Extracted(document, _relative_to(document.source_path, root), body, requests, refs))
    return extracted


class ParsedBlocks:
    """The figure blocks a build parsed, by their text, for the next build: after a prose edit it parses
    none again (nor imports the figure kinds to validate them). A request depends on its block's text
    alone, for one version of the code (`version`). Kept in one file: the blocks of the last build."""

    def __init__(self, path: Path, version: str):
        self.path, self.version = Path(path), version
        self.known = self._read()
        self.used: dict[str, tuple] = {}

    def _read(self) -> dict:
        try:
            stored = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return {}   # none yet or damaged: every block is parsed again
        ok = isinstance(stored, dict) and stored.get("version") == self.version
        return stored["blocks"] if ok else {}

    def request(self, text: str, source_path: Path, line: int) -> FigureRequest:
        key = digest(text)
        parsed = self.known.get(key)
        if parsed is None:
            request = parse_block_text(text, source_path, line)
            parsed = (request.kind, request.options, request.figure_id, request.model_refs, request.key_offsets)
        self.used[key] = parsed
        kind, options, figure_id, model_refs, offsets = copy.deepcopy(parsed)   # each request its own options
        return FigureRequest(source_path, line, kind, options, figure_id, model_refs, offsets)

    def save(self) -> None:
        """Keep the blocks this build used, when they are not what the file holds."""
        if self.used == self.known:
            return
        write_atomically(self.path, pickle.dumps({"version": self.version, "blocks": self.used},
                                                 pickle.HIGHEST_PROTOCOL))


class Collection:
    """The figures, documents and text references of a build, each checked against the blog's models
    and probe files. `add_documents` rewrites each document's body in place (blocks become placeholders).
    `probe_memo` (a JSON file) remembers the probes found readable, by size and mtime, so a build
    decodes only new or changed ones."""

    def __init__(self, store, source: Path, probe_memo: Path | None = None):
        self.store = store
        self.source = Path(source)
        self.figures: list[Figure] = []
        self.sources: list[Path] = []
        self.text_refs: list[str] = []
        self._memo_path = probe_memo
        self._memo = _read_memo(probe_memo)
        self._memo_changed = False

    def add_documents(self, documents) -> None:
        self.add_extracted(extract_documents(documents, self.source))

    def add_extracted(self, extracted: list[Extracted]) -> None:
        """Check the blocks and references `extract_documents` found, and rewrite each body."""
        for item in extracted:
            document = item.document
            document.body = item.body
            self.sources.append(document.source_path)
            for request in item.requests:
                for ref in request.model_refs:
                    self._check_ref(ref, request.source_path, request.line)
                for probe in registry.probe_paths(request.options):
                    self._check_probe(probe, request)
                self.figures.append(Figure(request, document.slug, item.post))
            for ref, line in item.text_refs:
                self._check_ref(ref, document.source_path, line)
                if ref not in self.text_refs:
                    self.text_refs.append(ref)
        self._write_memo()

    def model_refs(self) -> list[str]:
        """Every model a figure draws from or the text quotes."""
        return sorted({ref for f in self.figures for ref in f.request.model_refs} | set(self.text_refs))

    def _check_ref(self, ref: str, file, line: int) -> None:
        name = ref.split(":")[0]
        names = self.store.names()
        if name not in names:
            hint = did_you_mean(name, names)
            listing = "models: " + (", ".join(names) or "none in _models/")
            raise FigureError(f"unknown model '{name}'", file=file, line=line,
                              hint=f"{hint} {listing}" if hint else listing)
        if ":" in ref:
            # A mistake in the spec is reported at the spec's line (read_spec's errors); only a variant
            # the spec does not declare is the post's mistake.
            variant = ref.split(":", 1)[1]
            declared = [*self.store.spec(name).variants, UNTRAINED]
            if variant not in declared:
                raise FigureError(f"model '{name}' has no variant '{variant}'", file=file, line=line,
                                  hint=did_you_mean(variant, declared) or "variants: " + ", ".join(declared))
            self.store.spec(ref)

    def _check_probe(self, probe: str, request: FigureRequest) -> None:
        from generator.datasets.images import ImageProblem, open_image

        path = confined(self.source, probe, FigureError, what="probe", file=request.source_path, line=request.line)
        if not path.exists():
            siblings = [p.name for p in path.parent.iterdir()] if path.parent.is_dir() else []
            raise request.error(f"probe '{probe}' not found", did_you_mean(path.name, siblings))
        stamp = _stamp(path)
        if self._memo.get(probe) == stamp:
            return  # decoded fine by an earlier figure or build, and unchanged since
        try:
            open_image(path)
        except ImageProblem as problem:
            raise request.error(f"probe '{probe}' {problem}") from None
        self._memo[probe] = stamp
        self._memo_changed = True

    def _write_memo(self) -> None:
        if self._memo_path is None or not self._memo_changed:
            return
        write_atomically(self._memo_path, json.dumps(self._memo, sort_keys=True))
        self._memo_changed = False


def model_refs_in_text(body: str) -> list[tuple[str, int]]:
    """(ref, 0-based line) for each `models.NAME` / `models.NAME.variants.V` / `models["NAME:V"]` inside
    {{ }} or {% %} (which may span lines, as a long claim() does), outside fenced code."""
    if "models." not in body and "models[" not in body:   # a Jekyll blog's: none, and finding the prose costs
        return []
    prose = [""] * body.count("\n") + [""]
    for index, line in prose_lines(body):
        prose[index] = line
    text = "\n".join(prose)
    refs = []
    for span in JINJA_SPAN.finditer(text):
        strings = [literal.span() for literal in STRING_LITERAL.finditer(span.group(0))]
        for match in MODEL_REF.finditer(span.group(0)):
            if any(start < match.start() < end for start, end in strings):
                continue
            name, variant = match[1] or match[2], match[3] or match[4]
            name, _, variant = name.partition(":") if ":" in name else (name, "", variant)
            refs.append((f"{name}:{variant}" if variant else name, text.count("\n", 0, span.start() + match.start())))
    return refs


def _stamp(path: Path) -> list:
    """Which file, as it is now: its real path, size and modification time."""
    stat = path.stat()
    return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]


def _read_memo(path: Path | None) -> dict:
    try:
        memo = json.loads(path.read_text()) if path is not None else {}
    except (OSError, ValueError):
        return {}  # missing or damaged: every probe is decoded again
    return memo if isinstance(memo, dict) else {}


def _relative_to(path: Path, resolved_root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(resolved_root).as_posix()
    except ValueError:
        return Path(path).as_posix()
