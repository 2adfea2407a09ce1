"""A no-change build: when nothing a build reads has changed since the last one wrote `dest`,
and `dest` is as that build left it, there is nothing to do.

What a build reads, compared by file size and modification time (no file is read): every file
of the blog folder except the cache and the output, the theme, layerpress's own code, the
folders Python imports libraries from (installing or upgrading a package changes them), the
build options and the documents the build keeps (a post dated in the future becomes due with
no file changing). The state is kept in `<cache_dir>/builds/`, one file per set of options,
with what the full build reported (pages written, figures, warnings) to report again.
"""

from __future__ import annotations

import json
import os
import sys
from operator import attrgetter
from pathlib import Path

from generator.cache import canonical_json, digest, write_atomically

CODE_DIR = Path(__file__).resolve().parent
STATE_VERSION = 1
# Folders no build reads (version control, environments, caches of other tools): not walked.
NEVER_READ = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache",
              ".jekyll-cache", ".sass-cache"}


def file_stats(root: Path, skip: tuple[Path, ...] = ()) -> list:
    """[relative path, size, mtime_ns] of every file under `root`, skipping the folders in `skip`
    (os.walk's order and choices: files first, sorted, then each folder; symlinked folders not entered, but
    listed with their target, as dangling symlinks are)."""
    skipped = {str(Path(folder).resolve()) for folder in skip}
    rows: list = []
    _add_stats(str(root), str(Path(root).resolve()) if skipped else "", "", skipped, rows)
    return rows


def _add_stats(folder: str, real: str, prefix: str, skipped: set[str], rows: list) -> None:
    """`real` is `folder` resolved (needed only with `skipped`): a folder entered is no symlink, so a
    subfolder's is `real` and its name, with no stat per part of the path."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=attrgetter("name"))
    except OSError:
        return
    subfolders = []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            subfolders.append(entry)
            continue
        try:
            stat = os.stat(entry.path)
        except OSError:
            if entry.is_symlink():   # dangling: a build may still refuse it (figures.lock)
                rows.append([prefix + entry.name, -1, os.readlink(entry.path)])
            continue
        rows.append([prefix + entry.name, stat.st_size, stat.st_mtime_ns])
    for entry in subfolders:
        real_entry = os.path.join(real, entry.name) if skipped else ""
        if entry.is_symlink():   # not entered (it may lead anywhere), but a new or changed link is a change
            rows.append([prefix + entry.name + "/", -1, os.readlink(entry.path)])
            continue
        if entry.name in NEVER_READ or real_entry in skipped:
            continue
        _add_stats(entry.path, real_entry, f"{prefix}{entry.name}/", skipped, rows)


def inputs_digest(options, environment: list, blog_files: list, kept_documents: list[str]) -> str:
    """`environment`: what `environment()` gives for this build; `blog_files`: `blog_files()`'s listing."""
    return digest(STATE_VERSION, os.environ.get("TZ"), os.environ.get("JEKYLL_ENV"), environment,
                  [options.drafts, options.unpublished, options.future, str(Path(options.dest).resolve())],
                  blog_files, sorted(kept_documents))


def blog_files(options, cache_dir: Path, shared: list[Path] | tuple = ()) -> list:
    """`file_stats` of the blog folder, without the cache and the output, then of each of its
    `layerpress.shared_folders` (`shared`, resolved: a build may read them as it reads the blog)."""
    rows = file_stats(Path(options.source), skip=(cache_dir, Path(options.dest)))
    for folder in shared:
        rows += [[f"{folder}/{row[0]}", *row[1:]] for row in file_stats(folder, skip=(cache_dir, Path(options.dest)))]
    return rows


def environment(dest: Path, theme_dir: Path) -> list:
    """What a build reads besides the blog: Python, the library folders, the built-in theme, layerpress's code."""
    # Installing or upgrading a package changes its folder's mtime. The folder the site is swapped
    # into changes with every build (often the working folder, on sys.path as '' or via -m): not a library.
    swapped_in = dest.resolve().parent
    libraries = [[entry, os.stat(entry).st_mtime_ns] for entry in sys.path
                 if entry and os.path.isdir(entry) and Path(entry).resolve() != swapped_in]
    return [sys.version, libraries, file_stats(theme_dir), file_stats(CODE_DIR)]


# Cache folders whose entries a build copies into the site: a damaged entry must make the next
# build a full one, which checks every entry it uses against its manifest.
RESULT_FOLDERS = ("models", "figures", "explore")


# Files outside the blog that cached models were built from (the ImageNet weights Keras read from its own
# cache): {what: path}, kept by the model store. One replaced there makes the next build a full one.
FILES_ELSEWHERE = "models/imagenet-weights.json"


def results_stats(cache_dir: Path) -> list:
    return [[folder, file_stats(Path(cache_dir) / folder)] for folder in RESULT_FOLDERS] + [elsewhere_stats(cache_dir)]


def elsewhere_stats(cache_dir: Path) -> list:
    """[path, size, mtime_ns] of each file FILES_ELSEWHERE names ([path, -1] when it is gone)."""
    try:
        paths = sorted(set(json.loads((Path(cache_dir) / FILES_ELSEWHERE).read_text(encoding="utf-8")).values()))
    except (OSError, ValueError, AttributeError):
        return []
    rows = []
    for path in paths:
        try:
            status = os.stat(path)
            rows.append([path, status.st_size, status.st_mtime_ns])
        except (OSError, TypeError, ValueError):
            rows.append([str(path), -1])
    return rows


def state_path(options, cache_dir: Path) -> Path:
    """One state per set of options: a build into another folder (`serve`'s) replaces it. A safe build's
    is its own (it must not stand on what a build that loaded model code computed)."""
    safe = ("safe",) if getattr(options, "safe", False) else ()
    where = digest(str(Path(options.source).resolve()), options.drafts, options.unpublished, options.future, *safe)
    return Path(cache_dir) / "builds" / f"{where}.json"


def copy_record_path(cache_dir: Path, dest: Path) -> Path:
    """Where the writer keeps which site files it found equal to their sources (writer.CopyRecord)."""
    return Path(cache_dir) / "builds" / f"copies-{digest(str(Path(dest).resolve()))}.json"


def spare_path(cache_dir: Path) -> Path:
    """Where the writer keeps the site it replaced last, to stage the next one in (SiteWriter.spare). One
    per cache, whatever the destination: the writer checks each file it keeps there against the site it
    replaces (one build at a time per source folder: buildlock)."""
    return Path(cache_dir) / "builds" / "spare-site"


def unchanged(options, cache_dir: Path, inputs: str) -> dict | None:
    """The state of the last build if its inputs were `inputs` and `dest` and the cached results are
    untouched since, else None. A build that computes on purpose (BuildOptions.computes_on_purpose) never
    stands on the last one."""
    if options.computes_on_purpose:
        return None
    try:
        state = json.loads(state_path(options, cache_dir).read_text())
    except (OSError, ValueError):
        return None
    if state.get("inputs") != inputs or state.get("dest") != file_stats(Path(options.dest)) \
            or state.get("results") != results_stats(cache_dir):
        return None
    return state


def remember(options, cache_dir: Path, inputs: str, results: list, *, pages_written: int, figures: list,
             warnings: list) -> None:
    """Write the state of a build that just succeeded (`results`: `results_stats` as it ended). A `--refresh`
    build wrote other results than a plain build would (this machine's, not the frozen ones): the next
    build must be a full one."""
    path = state_path(options, cache_dir)
    if options.refresh:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"inputs": inputs, "dest": file_stats(Path(options.dest)), "results": results,
             "pages_written": pages_written,
             "figures": figures, "warnings": warnings}
    write_atomically(path, canonical_json(state))
