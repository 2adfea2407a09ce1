"""Which folders a command may replace with a site, and which files inside them it keeps.

Every command that writes or reads a site (`build`, `serve`, `check`, `publish`,
`clean`) asks `check_destination` first. It refuses, before anything is touched:

- the source folder, a folder inside it that the build reads, or a folder holding it;
- the working folder, the user's home, or any folder holding one of them;
- a folder holding a git work tree (and a work tree's root, unless it is a site whose
  `.git` is kept);
- a non-empty folder that no layerpress build wrote (no MARKER file), unless forced.

Replacing a site keeps the entries named by `keep_files` in `_config.yml` (Jekyll's
key; default `.git` and `.svn`), so a `site/` that is a checkout of the Pages branch
survives a rebuild and `layerpress clean`.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from generator.config import CACHE_DIR_NAME, DEFAULT_KEEP_FILES
from generator.errors import LayerpressError, OutputError, display_path
from generator.themes import theme_of
from generator.builtin_theme import THEME_DIR

MARKER = ".layerpress-site"
MARKER_TEXT = ("This folder is a site written by layerpress. `layerpress build` replaces everything in it\n"
               "except the keep_files of _config.yml (default .git and .svn).\n")
VERSION_CONTROL = (".git", ".svn", ".hg")
# Folders inside the source that the build reads even though their names start with '_' or '.'.
READ_FOLDERS = ("_posts", "_drafts", "_models", "_data", "_layouts", "_includes", "_sass", CACHE_DIR_NAME)


def keep_files(config) -> list[str]:
    """`keep_files` of _config.yml as relative paths (Jekyll's default when absent)."""
    return list(config.keep_files) if config is not None else list(DEFAULT_KEEP_FILES)  # checked by load_config


def check_destination(source: Path, dest: Path, config=None, *, force: bool = False) -> Path:
    """The destination's real path, or an OutputError saying why the command must not touch it."""
    source_real, real = Path(source).expanduser().resolve(), Path(dest).expanduser().resolve()
    named = display_path(dest) or str(dest)

    def refuse(why: str, hint: str = "pass --dest with a folder of its own, such as site/") -> OutputError:
        return OutputError(f"refusing to use '{named}' as the destination: {why}", hint=hint)

    if real == source_real:
        raise refuse("it is the source folder")
    if source_real.is_relative_to(real):
        raise refuse("it holds the source folder")
    if real.is_relative_to(source_real) and reads_inside(source_real, real, config):
        raise refuse("it lies inside the source folder, where the build reads",
                     hint="use a folder beside the source, or one starting with '_' (such as _site) "
                          "that the build does not read")
    for what, folder in (("working folder", Path.cwd()), ("home folder", Path.home()),
                         ("layerpress program", Path(__file__).parent), ("default theme", theme_dir())):
        if folder.resolve().is_relative_to(real):
            raise refuse(f"it {'is' if folder.resolve() == real else 'holds'} {'your' if 'folder' in what else 'the'} "
                         f"{what}")
    jekyll_theme = jekyll_theme_dir(config)
    if jekyll_theme is not None and (jekyll_theme.is_relative_to(real) or real.is_relative_to(jekyll_theme)):
        relation = "is" if real == jekyll_theme else "holds" if jekyll_theme.is_relative_to(real) else "lies inside"
        raise refuse(f"it {relation} the Jekyll theme the build reads")
    if any(part in VERSION_CONTROL for part in real.parts):
        raise refuse("it lies inside a version-control folder (.git, .svn, .hg)")
    if real.exists() and not real.is_dir():
        raise refuse("it is a file, not a folder")
    if real.exists() and source_real.exists() and os.path.samefile(real, source_real):
        raise refuse("it is the source folder")  # e.g. another spelling on a case-insensitive disk
    ancestor = next(folder for folder in real.parents if folder.exists())
    if not ancestor.is_dir():
        raise refuse(f"{display_path(ancestor)} is a file, not a folder")
    if real.is_dir():
        check_contents(real, keep_files(config), force, refuse)
    return real


def theme_dir() -> Path:
    return THEME_DIR


def jekyll_theme_dir(config) -> Path | None:
    """The folder of the theme `theme:` names (read by the build), if it names one that exists."""
    if config is None or not config.theme:
        return None
    try:
        theme = theme_of(config)
    except LayerpressError:
        return None  # an unknown theme: the build reports it with its line
    return theme.root.resolve() if theme is not None else None


def reads_inside(source: Path, dest: Path, config) -> bool:
    """True when the build may read files under `dest` (a folder inside `source`)."""
    parts = dest.relative_to(source).parts
    if parts[0] in READ_FOLDERS:
        return True
    if parts[0].startswith(("_", ".")):
        return False  # never read as pages or static files (Jekyll's rule)
    excluded = [str(p).strip("/") for p in (config.exclude if config is not None else [])]
    relative = "/".join(parts)
    return not any(fnmatch.fnmatch(relative, p) or relative.startswith(p + "/") for p in excluded)


def check_contents(dest: Path, kept: list[str], force: bool, refuse) -> None:
    """Refuse an existing folder whose replacement would lose work that is not a site."""
    entries = {entry.name for entry in dest.iterdir()}
    if (dest / ".git").exists():
        if ".git" not in kept:
            raise refuse("it is a git work tree and keep_files does not keep its .git",
                         hint="add .git to keep_files in _config.yml, or pick another folder")
        if MARKER not in entries and entries - set(kept):
            raise refuse("it is a git work tree that no layerpress build wrote",
                         hint=f"if it is a checkout of your Pages branch, add an empty {MARKER} file to it")
    nested = nested_work_tree(dest, kept)
    if nested is not None:
        raise refuse(f"it holds the git work tree {display_path(nested)}")
    if MARKER not in entries and entries - set(kept) and not force:
        raise refuse("it is not empty and no layerpress build wrote it",
                     hint="`layerpress build --force` replaces its contents (do that once for a site built "
                          "before layerpress marked its sites); or pick an empty or new folder")


def nested_work_tree(dest: Path, kept: list[str]) -> Path | None:
    """The first git work tree below `dest` (not its own kept .git), looking through at most a few
    thousand folders: a site is small, a folder of projects is caught near the top."""
    budget = 5000
    for folder, dirs, files in os.walk(dest):
        top = Path(folder) == dest
        if not top and (".git" in dirs or ".git" in files):
            return Path(folder)
        dirs[:] = [d for d in dirs if not (top and d in kept) and d != ".git"]
        budget -= 1
        if budget <= 0:
            return None
    return None
