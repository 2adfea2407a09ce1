"""`layerpress new "Title"`: a dated post file with front matter, ready to edit."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from generator.config import load_config
from generator.content.dates import site_timezone
from generator.content.permalinks import slugify
from generator.errors import ContentError
from generator.names import NAME_MAX


def write_new_post(source: Path, title: str, now: datetime | None = None) -> Path:
    """Write `_posts/YYYY-MM-DD-slug.md`; refuses to overwrite an existing post."""
    config = load_config(source)
    now = now or datetime.now(site_timezone(config.timezone, config.file))
    slug = slugify(title)
    if not slug:
        raise ContentError(f"the title '{title}' has no letters or digits to make a file name from")
    path = Path(source) / "_posts" / f"{now:%Y-%m-%d}-{fitting(slug, NAME_MAX - len('YYYY-MM-DD-.md'))}.md"
    if path.exists():
        raise ContentError("a post with this name already exists", file=path, hint="choose another title")
    front_matter = {"layout": "post", "title": title, "date": now.strftime("%Y-%m-%d %H:%M:%S %z"),
                    "categories": []}
    text = yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, default_flow_style=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{text}---\n\nWrite the first paragraph here: it becomes the excerpt.\n",
                    encoding="utf-8")
    return path


def fitting(slug: str, size: int) -> str:
    """`slug` cut after its last whole word that fits in `size` UTF-8 bytes (the title stays whole)."""
    if len(slug.encode()) <= size:
        return slug
    cut = slug.encode()[:size].decode(errors="ignore")
    return cut.rsplit("-", 1)[0] if "-" in cut else cut
