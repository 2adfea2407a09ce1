"""Jekyll's data model as templates see it: `site`, `page` and `paginator`.

`site` holds every _config.yml key plus `time`, `posts` (newest first), `pages`, `tags`,
`categories`, `data` (from `_data/*.yml|yaml|json|csv|tsv`), `static_files`, `html_pages` and
`documents`. A page is a dict (the front matter plus Jekyll's computed keys); posts have
`previous` (older) and `next` (newer).
"""

from __future__ import annotations

import csv
import json
import math
from datetime import datetime
from pathlib import Path

from generator import confine
from generator.config import Config
from generator.content import permalinks
from generator.content.dates import reproducible_time, site_timezone, to_jekyll_date
from generator.content.documents import Document, SiteContent
from generator.errors import ContentError

DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")
# Keys layerpress gives a default but Jekyll does not: nil (false in Liquid) unless _config.yml sets them,
# so `{% if site.author %}` in a theme is false as in Jekyll. The built-in theme sees the defaults.
NIL_UNLESS_SET = ("title", "description", "author", "email", "url", "lang", "cname", "paginate", "strict")


class HTML(str):
    """Converted HTML (`content`, `excerpt`): Jinja's theme prints it as it is (`__html__`), and
    Liquid's filters treat it as the plain text it is (markupsafe's Markup would escape what
    `append` or `escape` add to it)."""

    def __html__(self) -> str:
        return self


def site_data(config: Config, content: SiteContent, pages: dict) -> dict:
    """`site` in templates; `pages` maps each document's source path to its page dict."""
    posts = [pages[post.source_path] for post in content.posts]
    site_pages = [pages[page.source_path] for page in content.pages]
    zone = site_timezone(config.timezone, config.file)
    unset = {key: None for key in NIL_UNLESS_SET if key not in config.lines}
    collections = {collection.label: [pages[doc.source_path] for doc in collection.docs]
                   for collection in content.collections}
    return dict(config.data) | unset | collections | {
        "time": content.time or build_time(config.source, zone),
        "posts": posts, "pages": site_pages,
        "html_pages": [page for page in site_pages if str(page["url"]).endswith(("/", ".html"))],
        "documents": posts + [page for docs in collections.values() for page in docs],
        "collections": [collection_data(config, "posts", {"output": True, "permalink": config.permalink},
                                        "_posts", posts, [])]
                       + [collection_data(config, collection.label, collection.settings,
                                          collection.relative_directory, collections[collection.label],
                                          collection.files) for collection in content.collections],
        "categories": grouped(content.posts, pages, "categories"),
        "tags": grouped(content.posts, pages, "tags"),
        "data": read_data(data_folder(config), config.source),
        "static_files": [static_file_data(static) for static in content.static_files],
    }


def build_time(source: Path, zone):
    """`site.time`, by the reproducible-builds convention: SOURCE_DATE_EPOCH when set, else the time of
    the blog's last git commit, else the clock (two builds of one commit give the same bytes)."""
    return to_jekyll_date(reproducible_time(source), zone)


def collection_data(config: Config, label: str, settings: dict, relative_directory: str, docs: list,
                    files: list) -> dict:
    """An item of `site.collections` (Jekyll's CollectionDrop): its settings, label, docs and files."""
    return dict(settings) | {
        "label": label, "docs": docs, "files": [static_file_data(static) for static in files],
        "relative_directory": relative_directory, "directory": str(config.source / relative_directory),
        "output": settings.get("output") is True,
        "permalink": str(permalinks.style_template(str(settings["permalink"]))) if settings.get("permalink") else None,
    }


def page_data(doc: Document) -> dict:
    """`page` in templates: the front matter plus the computed Jekyll variables."""
    url = doc.url
    return dict(doc.front_matter) | {
        "title": doc.title or None,   # nil (false in Liquid) for a page without one, as in Jekyll
        "date": doc.date if doc.kind != "page" else doc.front_matter.get("date"), "url": url, "slug": doc.slug,
        "id": url.removesuffix(".html").rstrip("/") if doc.kind != "page" else url,
        "categories": doc.categories, "tags": doc.tags, "layout": doc.layout,
        "path": doc.relative_path, "name": doc.source_path.name, "dir": url.rsplit("/", 1)[0] + "/",
        "collection": "posts" if doc.kind == "post" else doc.collection if doc.kind != "page"
        else doc.front_matter.get("collection"),   # a page has none of its own: its front matter's, as in Jekyll
        "draft": doc.draft, "output_path": doc.output_path, "content": HTML(""), "excerpt": HTML(""),
        "previous": None, "next": None,
    }


def link_neighbours(posts: list[Document], pages: dict) -> None:
    """Jekyll's page.previous (older) and page.next (newer); `posts` is newest first."""
    for index, post in enumerate(posts):
        page = pages[post.source_path]
        page["next"] = pages[posts[index - 1].source_path] if index > 0 else None
        page["previous"] = pages[posts[index + 1].source_path] if index + 1 < len(posts) else None


def grouped(posts: list[Document], pages: dict, attribute: str) -> dict:
    """`site.categories` / `site.tags` as Jekyll's `post_attr_hash` makes them: the names in the order the
    posts, oldest first, name them (a theme's listing by count keeps that order among equal counts),
    each with its posts newest first (`posts` is)."""
    groups: dict = {}
    for post in reversed(posts):
        for name in getattr(post, attribute):
            groups.setdefault(name, [])
    for post in posts:
        for name in dict.fromkeys(getattr(post, attribute)):
            groups[name].append(pages[post.source_path])
    return groups


def static_file_data(static) -> dict:
    path = Path(static.source_path)
    return {"path": "/" + static.output_path, "name": path.name, "basename": path.stem,
            "extname": path.suffix, "modified_time": datetime.fromtimestamp(path.stat().st_mtime)}


def data_folder(config: Config) -> Path:
    """`data_dir`, checked: a folder inside the blog (or a shared folder); the error is at the key,
    or names the folder when _config.yml does not set it."""
    line = config.lines.get("data_dir")
    return confine.confined(config.source, config.data_dir, ContentError, what="data_dir",
                            file=config.file if line else None, line=line)


def read_data(folder: Path, source: Path) -> dict:
    """`site.data`: each data file under its name (sub-folders nest), as Jekyll's DataReader."""
    data: dict = {}
    if not folder.is_dir():
        return data
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")):
            continue
        if path.is_dir():
            confine.confined(source, path, ContentError, what="data folder", file=path)
            data[path.name] = read_data(path, source)
        elif path.suffix.lower() in DATA_SUFFIXES:
            data[path.stem] = read_data_file(path, source)
    return data


def read_data_file(path: Path, source: Path):
    text = confine.read_text(source, path, "data", ContentError, what="data file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return list(csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ","))
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as problem:
            raise ContentError(f"malformed JSON: {problem.msg}", file=path, line=problem.lineno) from None
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        raise ContentError(f"malformed YAML: {getattr(problem, 'problem', problem)}", file=path,
                           line=mark.line + 1 if mark else None) from None


def paginator_data(posts: list, per_page: int, number: int, url_of) -> dict:
    """jekyll-paginate's `paginator` for page `number` (1-based); `url_of(n)` is page n's URL."""
    total = max(math.ceil(len(posts) / per_page), 1)
    return {
        "page": number, "per_page": per_page, "total_posts": len(posts), "total_pages": total,
        "posts": posts[(number - 1) * per_page: number * per_page],
        "previous_page": number - 1 if number > 1 else None,
        "previous_page_path": url_of(number - 1) if number > 1 else None,
        "next_page": number + 1 if number < total else None,
        "next_page_path": url_of(number + 1) if number < total else None,
    }
