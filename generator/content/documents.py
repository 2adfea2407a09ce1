"""Read a Jekyll source folder: posts, drafts, pages (files with front matter) and static files."""

from __future__ import annotations

import fnmatch
import html
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.config import CACHE_DIR_NAME, CONFIG_NAME, JEKYLL_EXCLUDES, Config
from generator import confine
from generator.content import permalinks
from generator.content.defaults import with_defaults
from generator.content.collections import (Collection, collection_folder, collection_settings, document_placeholders,
                                           front_matter_date, sorted_docs, url_template)
from generator.content.dates import JekyllDate, SiteTime, page_date, parse_date, site_timezone
from generator.content.frontmatter import Parsed, has_front_matter, split_front_matter
from generator.content.notebooks import SUFFIX as NOTEBOOK_SUFFIX, read_notebook
from generator.errors import ContentError
from generator.names import name_problem, shown
from generator.readable import checked_size

POST_EXTENSIONS = {".md", ".markdown", ".html", NOTEBOOK_SUFFIX}
MARKDOWN_EXTENSIONS = {".md", ".markdown", NOTEBOOK_SUFFIX}
# Jekyll's DATE_FILENAME_MATCHER.
DATED_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$")
# What a skipped document is counted as in the build's one summary line, and how to keep it.
SKIPPED = {"future": ("future post", "--future"), "unpublished": ("unpublished", "--unpublished"),
           "draft": ("draft", "--drafts"), "undated": ("non-post file in _posts", None),
           "undated notebook": ("undated file in _notebooks", None)}
REASON_WORDS = {"future": "dated in the future", "unpublished": "published: false", "draft": "draft: true",
                "undated": "its name does not start with a date (YYYY-MM-DD-title.md), so Jekyll skips it too",
                "undated notebook": "its name does not start with a date (YYYY-MM-DD-title.ipynb), as fastpages wants"}

log = logging.getLogger(__name__)


@dataclass
class Document:
    """A post or a page: what the reader found, ready to be rendered."""

    source_path: Path
    relative_path: str
    kind: str                       # "post" or "page"
    front_matter: dict
    key_lines: dict
    default_sets: dict              # {key: index of the `defaults:` set of _config.yml that gave its value}
    body: str
    body_line: int
    url: str
    output_path: str
    slug: str
    date: JekyllDate | None
    title: str
    categories: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    layout: str | None = None
    is_markdown: bool = True
    draft: bool = False
    collection: str | None = None   # the label of a collection's document (kind "document")

    @property
    def excerpt_separator(self) -> str | None:
        """The front matter's own separator (None if it has none; '' means no excerpt, as in Jekyll)."""
        separator = self.front_matter.get("excerpt_separator")
        return None if separator is None else str(separator)

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)


@dataclass
class StaticFile:
    source_path: Path
    output_path: str


@dataclass
class SiteContent:
    posts: list          # newest first, as Jekyll's site.posts
    pages: list
    static_files: list
    skipped: dict = field(default_factory=dict)   # relative path -> reason (a key of SKIPPED)
    collections: list = field(default_factory=list)   # Collections (not posts), in _config.yml's order
    time: JekyllDate | None = None                      # site.time (collections' documents default to it)

    def documents_to_write(self) -> list:
        """Posts, pages and the documents of collections with `output: true`."""
        return self.posts + self.pages + [doc for collection in self.collections if collection.output
                                          for doc in collection.docs]


@dataclass
class ReadOptions:
    drafts: bool = False
    unpublished: bool = False
    future: bool = False
    excluded: tuple = ()           # absolute folders never read (the output folder)


def read_site(config: Config, options: ReadOptions) -> SiteContent:
    """Every document of the source folder, filtered by the draft/unpublished/future rules;
    what was left out is said in one summary line (and file by file with -v)."""
    zone = site_timezone(config.timezone, config.file)
    now = datetime.now(zone)
    skipped: dict[str, str] = {}
    # Posts: Jekyll's _posts/, and fastpages' notebooks (_notebooks/YYYY-MM-DD-title.ipynb).
    dated, undated = split_dated(inside_blog(config, [*content_files(config.source / "_posts"),
                                                      *notebook_files(config.source / "_notebooks")]))
    skipped.update(undated_reasons(config.source, undated))
    posts = [read_post(path, config, zone, draft=False) for path in dated]
    if options.drafts or config.show_drafts:
        posts += [read_post(path, config, zone, draft=True)
                  for path in inside_blog(config, content_files(config.source / "_drafts"))]
    posts = kept(posts, options, config, now, skipped)
    posts.sort(key=lambda post: (post.date, post.relative_path), reverse=True)
    pages, static_files = [], []
    for path in inside_blog(config, site_files(config, options.excluded)):
        if has_front_matter(path):
            pages += kept([read_page(path, config)], options, config, now, skipped)
        else:
            static_files.append(StaticFile(path, path.relative_to(config.source).as_posix()))
    time = SiteTime(config.source, zone)
    collections = [read_collection(config, label, settings, options, zone, time, now, skipped)
                   for label, settings in collection_settings(config).items()]
    static_files += [static for collection in collections if collection.output for static in collection.files]
    report_skipped(skipped)
    return SiteContent(posts, pages, static_files, skipped, collections, time.known)


def read_collection(config: Config, label: str, settings: dict, options: ReadOptions, zone, time: SiteTime,
                    now: datetime, skipped: dict[str, str]) -> Collection:
    """The documents (files with front matter) and static files of `_LABEL/`."""
    relative_directory = collection_folder(config, label)
    collection = Collection(label, settings, relative_directory)
    folder = config.source / relative_directory
    if not folder.is_dir():
        return collection
    files = inside_blog(config, sorted(path for path in folder.rglob("*") if path.is_file()
                                       and not any(part.startswith(".") for part in path.relative_to(folder).parts)))
    docs = []
    for path in files:
        if has_front_matter(path):
            docs.append(read_document(path, folder, config, label, settings, zone, time))
        else:
            collection.files.append(StaticFile(path, f"{label}/{path.relative_to(folder).as_posix()}"))
    collection.docs = sorted_docs(kept(docs, options, config, now, skipped), settings)
    return collection


def read_document(path: Path, folder: Path, config: Config, label: str, settings: dict, zone,
                  time: SiteTime) -> Document:
    relative = path.relative_to(config.source).as_posix()
    parsed = front_matter_of(read_text(path, config), path, config)
    fm, from_defaults = with_defaults(config, relative, label, parsed.front_matter)
    # Jekyll's `populate_title`: a name that starts with a date gives the date (unless the front matter
    # does), the slug and the title, as a post's does.
    dated = DATED_NAME.match(path.name)
    date = front_matter_date(fm, parsed, path, zone, (lambda: parse_date(dated.group(1), zone, file=path, line=1))
                             if dated else time)
    slug = str(fm.get("slug") or (re.sub(r"\.+$", "", dated.group(2)) if dated else path.stem))
    is_markdown = path.suffix in MARKDOWN_EXTENSIONS
    output_ext = ".html" if is_markdown else path.suffix
    categories = merged_categories(fm)
    in_collection = path.relative_to(folder).with_suffix("").as_posix()
    values = document_placeholders(date, slug, categories, output_ext, path, label, in_collection)
    if fm.get("permalink"):
        template, origin = str(fm["permalink"]), (path, parsed.key_lines.get("permalink"))
    else:
        template, origin = url_template(settings, config.permalink), (config.file, config.lines.get("collections"))
    url = build_url(template, values, *origin)
    return Document(
        source_path=path, relative_path=relative, kind="document", front_matter=fm,
        key_lines=parsed.key_lines, default_sets=from_defaults, body=parsed.body, body_line=parsed.body_line, url=url,
        output_path=permalinks.output_path(url, output_ext), slug=slug, date=date,
        title=display_text(fm.get("title", permalinks.titleize_slug(slug))),
        categories=categories, tags=merged_tags(fm), layout=layout_name(fm, None),
        is_markdown=is_markdown, collection=label)


def split_dated(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files of `_posts/` named as posts (a date first), and the others, which Jekyll skips."""
    dated = [path for path in paths if DATED_NAME.match(path.name)]
    return dated, [path for path in paths if not DATED_NAME.match(path.name)]


def undated_reasons(source: Path, undated: list[Path]) -> dict[str, str]:
    relative = [path.relative_to(source) for path in undated]
    return {path.as_posix(): "undated notebook" if path.parts[0] == "_notebooks" else "undated" for path in relative}


def kept(documents: list[Document], options: ReadOptions, config: Config, now: datetime,
         skipped: dict[str, str]) -> list[Document]:
    """The documents this build renders; the others go into `skipped` with their reason."""
    result = []
    for document in documents:
        reason = skip_reason(document, options, config, now)
        if reason:
            skipped[document.relative_path] = reason
        else:
            result.append(document)
    return result


def skip_reason(document: Document, options: ReadOptions, config: Config, now: datetime) -> str | None:
    if document.front_matter.get("published", True) is False and not (options.unpublished or config.unpublished):
        return "unpublished"
    if document.front_matter.get("draft") is True and not (options.drafts or config.show_drafts):
        return "draft"
    if document.kind == "post" and document.date is not None and document.date > now and not (options.future or config.future):
        return "future"
    return None


def report_skipped(skipped: dict[str, str]) -> None:
    """`skipped: 1 future post (use --future), 1 non-post file in _posts`, then each file with -v."""
    if not skipped:
        return
    counts = Counter(skipped.values())
    parts = []
    for reason, (noun, flag) in SKIPPED.items():
        if counts[reason]:
            plural = "s" if counts[reason] > 1 and reason in ("future", "draft") else ""
            parts.append(f"{counts[reason]} {noun}{plural}" + (f" (use {flag})" if flag else ""))
    log.info("skipped: %s", ", ".join(parts))
    for path, reason in sorted(skipped.items()):
        log.debug("skipped %s: %s", path, REASON_WORDS[reason])


def content_files(folder: Path) -> list[Path]:
    """Post-like files of a folder (recursively), hidden names skipped, in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*")   # a pipe too: reading refuses it, with its name
                  if not path.is_dir() and path.suffix in POST_EXTENSIONS
                  and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def notebook_files(folder: Path) -> list[Path]:
    return [path for path in content_files(folder) if path.suffix == NOTEBOOK_SUFFIX]


def read_text(path: Path, config: Config) -> str:
    kind = "sass" if path.suffix in (".scss", ".sass") else "document"
    return confine.read_text(config.source, path, kind, ContentError, what="document")


def inside_blog(config: Config, paths: list[Path]) -> list[Path]:
    """`paths`, after checking that each is a regular file of the blog (a symlink out of it would be
    published, a pipe would hang the build), as `confine.checked_file` checks.

    A file that is no symlink, in a folder that resolves inside the blog, is inside: each folder is
    resolved once, such a file only has its kind and size checked (one stat), and only the other files
    are resolved by `confine.checked_file` (resolving every file of a blog with hundreds of assets took
    half a second)."""
    real_source = config.source.resolve()
    folder_inside: dict[Path, bool] = {}
    for path in paths:
        folder = path.parent
        if folder not in folder_inside:
            folder_inside[folder] = Path(os.path.realpath(folder)).is_relative_to(real_source)
        if folder_inside[folder] and not path.is_symlink():
            checked_size(path, "static", error=ContentError, what="file", shown=confine.shown(config.source, path))
        else:
            confine.checked_file(config.source, path, "static", ContentError, what="file")
    return paths


def front_matter_of(text: str, path: Path, config: Config) -> Parsed:
    """The document's front matter and body; one never closed is a warning of the build."""
    parsed = split_front_matter(text, path)
    if parsed.problem is not None:
        config.warnings.append(parsed.problem)
    return parsed


def read_post(path: Path, config: Config, zone, *, draft: bool) -> Document:
    relative = path.relative_to(config.source).as_posix()
    notebook = path.suffix == NOTEBOOK_SUFFIX
    text = read_text(path, config)
    parsed = read_notebook(text, path) if notebook else front_matter_of(text, path, config)
    fm, from_defaults = with_defaults(config, relative, "draft" if draft else "post", parsed.front_matter)
    match = DATED_NAME.match(path.name)
    if draft or not match:   # read_site passes only dated names from _posts/
        stem, name_date = re.sub(r"\.[^.]+$", "", path.name), None
    else:
        name_date, stem = match.group(1), match.group(2)
    slug = str(fm.get("slug") or re.sub(r"\.+$", "", stem))
    if "date" in fm:
        date = parse_date(fm["date"], zone, file=path, line=parsed.key_lines.get("date"))
    elif name_date:
        date = parse_date(name_date, zone, file=path, line=1)
    else:
        date = parse_date(datetime.fromtimestamp(path.stat().st_mtime, zone), zone, file=path, line=1)
    categories = merged_categories(fm)
    output_ext = ".html"
    values = permalinks.post_placeholders(date, slug, categories, output_ext, path.stem)
    template = str(fm["permalink"]) if fm.get("permalink") else permalinks.style_template(config.permalink)
    url = build_url(template, values, *permalink_origin(fm, parsed, path, config))
    return Document(
        source_path=path, relative_path=relative, kind="post", front_matter=fm,
        key_lines=parsed.key_lines, default_sets=from_defaults, body=parsed.body, body_line=parsed.body_line, url=url,
        output_path=checked_output_path(url, output_ext, fm, parsed.key_lines, path), slug=slug, date=date,
        title=display_text(fm.get("title", permalinks.titleize_slug(slug))),
        categories=categories, tags=merged_tags(fm),
        layout=layout_name(fm, "post" if parsed.body_line > 1 or notebook else None),  # no front matter: no layout
        is_markdown=path.suffix in MARKDOWN_EXTENSIONS, draft=draft or fm.get("draft") is True)


def read_page(path: Path, config: Config) -> Document:
    relative = path.relative_to(config.source)
    parsed = front_matter_of(read_text(path, config), path, config)
    fm, from_defaults = with_defaults(config, relative.as_posix(), "page", parsed.front_matter)
    if "date" in fm:
        fm["date"] = page_date(fm["date"], site_timezone(config.timezone, config.file))
    is_markdown = path.suffix in MARKDOWN_EXTENSIONS
    output_ext = ".html" if is_markdown else path.suffix
    is_html = output_ext in (".html", ".htm")
    directory = relative.parent.as_posix().strip(".")
    values = {"path": directory, "basename": path.stem, "output_ext": output_ext}
    template = (str(fm["permalink"]) if fm.get("permalink")
                else permalinks.page_template(config.permalink, directory, path.stem, is_html))
    url = build_url(template, values, *permalink_origin(fm, parsed, path, config))
    return Document(
        source_path=path, relative_path=relative.as_posix(), kind="page", front_matter=fm,
        key_lines=parsed.key_lines, default_sets=from_defaults, body=parsed.body, body_line=parsed.body_line, url=url,
        output_path=checked_output_path(url, output_ext, fm, parsed.key_lines, path), slug=path.stem, date=None,
        title=display_text(fm.get("title", "")), categories=merged_categories(fm),
        tags=merged_tags(fm), layout=layout_name(fm, "page" if is_html else None),
        is_markdown=is_markdown)


def permalink_origin(fm: dict, parsed, path: Path, config: Config) -> tuple[Path, int | None]:
    """Where the permalink template was written: the front matter, or _config.yml."""
    if fm.get("permalink"):
        return path, parsed.key_lines.get("permalink")
    return config.file, config.lines.get("permalink")


def checked_output_path(url: str, output_ext: str, fm: dict, key_lines: dict, path: Path) -> str:
    """The document's output path, checked at the front matter key it comes from (or its file name's line 1).
    Categories also name the folders of their pages: each must be a name a file system takes."""
    for key in ("categories", "category"):
        for name in merged_categories({key: fm[key]}) if fm.get(key) else ():
            problem = name_problem(name)
            if problem:
                raise ContentError(f"category '{shown(name)}' {problem}", file=path, line=key_lines.get(key, 1),
                                   hint="a category names a folder of the site")
    line = next((key_lines[key] for key in ("permalink", "slug", "categories", "category")
                 if fm.get(key) and key in key_lines), 1)
    return permalinks.check_output_path(permalinks.output_path(url, output_ext), file=path, line=line)


def build_url(template: str, values: dict, path: Path, line: int | None) -> str:
    if ".." in re.split(r"/+", template):
        raise ContentError(f"permalink '{template}' escapes the site folder", file=path,
                           line=line or 1, hint="remove the '..' parts")
    return permalinks.expand(template, values, file=path, line=line or 1)


def display_text(value) -> str:
    """Front matter text as readers see it: entities such as &nbsp; become their characters."""
    return html.unescape(str(value)) if value is not None else ""


def layout_name(fm: dict, default: str | None) -> str | None:
    if "layout" not in fm:
        return default
    layout = fm["layout"]
    return None if layout in (None, "none", "null", False) else str(layout)


def merged_categories(fm: dict) -> list[str]:
    """Jekyll 4: `categories` (text split on spaces) then `category`, as text, duplicates dropped."""
    plural = fm.get("categories")
    plural = plural.split() if isinstance(plural, str) else list(plural or [])
    singular = fm.get("category") if "category" in fm else None
    extra = flatten([singular]) if singular is not None else plural
    return list(dict.fromkeys(str(c) for c in flatten(plural + extra) if c is not None))


def merged_tags(fm: dict) -> list[str]:
    """Jekyll's `pluralized_array_from_hash(data, "tag", "tags")`."""
    if fm.get("tag") is not None:
        return [str(t) for t in flatten([fm["tag"]])]
    tags = fm.get("tags")
    tags = tags.split() if isinstance(tags, str) else list(tags or [])
    return [str(t) for t in flatten(tags) if t is not None]


def flatten(items: list) -> list:
    flat = []
    for item in items:
        flat.extend(flatten(item) if isinstance(item, list) else [item])
    return flat


def site_files(config: Config, excluded_dirs) -> list[Path]:
    """Files Jekyll would copy or render: no `_`/`.` names, no excluded paths, no output folder."""
    source = config.source
    excluded_dirs = {Path(d).resolve() for d in excluded_dirs} | {(source / CACHE_DIR_NAME).resolve()}
    patterns = JEKYLL_EXCLUDES + [str(p) for p in config.exclude] + [CONFIG_NAME]
    included = [str(p) for p in config.include]
    found = []
    for walked, dirs, files in os.walk(source):
        folder = Path(walked)
        dirs[:] = sorted(d for d in dirs if (folder / d).resolve() not in excluded_dirs
                         and keep(folder / d, source, patterns, included))
        found += [folder / f for f in sorted(files) if keep(folder / f, source, patterns, included)]
    return found


def keep(path: Path, source: Path, patterns: list, included: list) -> bool:
    relative = path.relative_to(source).as_posix()
    if any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.name, p) for p in included):
        return True
    if path.name.startswith(("_", ".")):
        return False
    return not any(fnmatch.fnmatch(relative, p.rstrip("/")) or relative.startswith(p.rstrip("/") + "/")
                   for p in patterns)
