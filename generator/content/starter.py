"""`layerpress init [FOLDER]`: a new blog that builds at once.

The starter files are package data (`generator/starter/`): the blog in `content/` (a
`_config.yml` whose Liquid settings make a typo an error, a tiny model spec, a probe, a first
post with two figures, an about page), a `.gitignore` and the GitHub Actions workflow that
publishes from frozen results. Hidden files are stored under visible names (`gitignore`,
`pages.yml`) so that every packaging tool ships them.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from generator import __version__
from generator.errors import OutputError, display_path

STARTER = Path(__file__).resolve().parent.parent / "starter"
FIRST_POST = "content/_posts/first-post.md"
# Starter file -> where it goes in the new folder (the others keep their path).
RENAMED = {"gitignore": ".gitignore", "pages.yml": ".github/workflows/pages.yml"}


def write_starter_blog(folder: Path, today: datetime | None = None) -> list[Path]:
    """Write a new blog into `folder` (created, or empty); the paths written, in order."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "is not empty" if folder.is_dir() else "is a file"
        raise OutputError(f"refusing to start a blog in '{display_path(folder) or folder}': it {what}",
                          hint="name a new or empty folder: `layerpress init myblog`")
    day = (today or datetime.now(timezone.utc)).strftime("%Y-%m-%d")
    written = []
    for relative in starter_files():
        target = folder / destination(relative, day)
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative == "pages.yml":
            text = (STARTER / relative).read_text(encoding="utf-8")
            target.write_text(text.replace("@VERSION@", __version__), encoding="utf-8")
        else:
            shutil.copyfile(STARTER / relative, target)
        written.append(target)
    return written


def starter_files() -> list[str]:
    return sorted(path.relative_to(STARTER).as_posix() for path in STARTER.rglob("*") if path.is_file())


def destination(relative: str, day: str) -> str:
    if relative == FIRST_POST:
        return f"content/_posts/{day}-first-post.md"
    return RENAMED.get(relative, relative)
