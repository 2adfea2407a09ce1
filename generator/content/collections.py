"""Jekyll's collections: `collections:` in _config.yml names folders `_LABEL/` (under `collections_dir`)
whose files with front matter are documents (`site.LABEL`, `site.collections`, `site.documents`) and,
with `output: true`, pages of their own at the collection's `permalink`.

Jekyll's defaults: no layout unless front matter (or `defaults:`) names one, the URL
`/:collection/:path` with the site's permalink style's suffix, and a document without a `date`
is dated `site.time`. Files without front matter are the collection's static files (`files`),
copied when the collection is written.
"""

from __future__ import annotations

from collections.abc import Callable

from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Config
from generator.content import permalinks
from generator.content.dates import JekyllDate, parse_date
from generator.errors import ContentError


@dataclass
class Collection:
    label: str
    settings: dict                  # the collection's mapping in _config.yml (Liquid sees each key)
    relative_directory: str         # `_projects`, or `COLLECTIONS_DIR/_projects`
    docs: list = field(default_factory=list)        # Documents, sorted as Jekyll sorts them
    files: list = field(default_factory=list)       # StaticFiles

    @property
    def output(self) -> bool:
        return self.settings.get("output") is True


def collection_settings(config: Config) -> dict[str, dict]:
    """`collections:` as Jekyll reads it: a list of labels or a mapping of label to settings (posts aside)."""
    raw = config.data.get("collections") or {}
    if isinstance(raw, list):
        raw = {str(label): {} for label in raw}
    if not isinstance(raw, dict):
        raise ContentError("'collections' must be a list of names or a mapping of name to settings",
                           file=config.file, line=config.lines.get("collections"),
                           hint="collections:\n  projects:\n    output: true")
    return {str(label): dict(settings) if isinstance(settings, dict) else {}
            for label, settings in raw.items() if str(label) != "posts"}


def collection_folder(config: Config, label: str) -> str:
    """`_LABEL`, under `collections_dir` when the blog sets one (relative to the blog)."""
    base = str(config.data.get("collections_dir") or "").strip("/")
    return f"{base}/_{label}" if base else f"_{label}"


def url_template(settings: dict, style: str) -> str:
    """Jekyll's `Collection#url_template`: the collection's permalink, else `/:collection/:path` with the
    suffix the site's permalink style gives (`/` for pretty, `:output_ext` for date ...)."""
    if settings.get("permalink"):
        return str(settings["permalink"])
    return permalinks.add_permalink_suffix("/:collection/:path", style)


def document_placeholders(date: JekyllDate, slug: str, categories: list, output_ext: str, path: Path,
                          label: str, in_collection: str) -> dict:
    """Jekyll's `Document#url_placeholders`: a post's, with the collection and the path inside it."""
    return permalinks.post_placeholders(date, slug, categories, output_ext, path.stem) | {
        "collection": label, "path": in_collection}


def sorted_docs(docs: list, settings: dict) -> list:
    """`sort_by: KEY` (documents without it last, by path), else by date, then by path."""
    key = settings.get("sort_by")
    if key:
        having = [doc for doc in docs if key in doc.front_matter]
        rest = [doc for doc in docs if key not in doc.front_matter]
        return (sorted(having, key=lambda doc: (str(doc.front_matter[key]), doc.relative_path))
                + sorted(rest, key=lambda doc: doc.relative_path))
    return sorted(docs, key=lambda doc: (doc.date, doc.relative_path))


def front_matter_date(fm: dict, parsed, path: Path, zone, default: Callable[[], JekyllDate]) -> JekyllDate:
    if "date" in fm:
        return parse_date(fm["date"], zone, file=path, line=parsed.key_lines.get("date"))
    return default()

