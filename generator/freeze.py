"""Frozen results: what the site takes from computation, committed with the blog in `<source>/_freeze/`.

A build looks a result up here first, then in the local cache, and computes it only when
both miss. Frozen entries are keyed by *input keys*: the digest of what the author
controls (model spec, data, probe files, drawing options, the code's VERSION constants),
without the library versions the local cache adds, so that a clone on another machine,
with other library builds or no TensorFlow at all, finds them and writes the author's
bytes. Layout, the same as the cache's (generator/cache.py):

    _freeze/models/<key[:2]>/<key>/   record.json, model.keras (published models only), MANIFEST.json
    _freeze/figures/<key[:2]>/<key>/  figure.png|gif, data.npz, meta.json, frozen.json, MANIFEST.json
    _freeze/explore/<key[:2]>/<key>/  an explorer's index.json, layer data and probes, MANIFEST.json

`layerpress freeze` (or `freeze: auto` in _config.yml, on every build) copies into it every
result the build used that is not frozen yet; an entry nothing references any more is
*stale*, reported in one line and removed by `freeze --prune`.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import MANIFEST, STAMPS, Store, canonical_json
from generator.config import FREEZE_AUTO
from generator.console import NOTE
from generator.errors import LayerpressError, did_you_mean

log = logging.getLogger(__name__)

FREEZE_DIR = "_freeze"
ABOUT = "frozen.json"
# Frozen files are bytes to copy, never text to convert: no end-of-line changes on checkout.
GITATTRIBUTES = "* -text\n"
AUTO = FREEZE_AUTO


class FreezeError(LayerpressError):
    """A frozen result cannot be written or a --refresh name is unknown."""


class FrozenStore(Store):
    """A read-only tier during builds: a damaged entry is a miss, never deleted behind the author's back."""

    def get(self, key: str, *, deep: bool = False) -> Path | None:
        path = self.entry_path(key)
        manifest = self._read_manifest(path)
        return path if manifest is not None and self._damaged(path, manifest, deep=deep) is None else None

    def _write_stamps(self, path: Path, manifest: dict) -> None:
        """Frozen entries are committed: no machine-specific stamps (inodes, ctimes) inside them."""

    def keys(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(entry.name for prefix in self.root.iterdir() if len(prefix.name) == 2 and prefix.is_dir()
                      for entry in prefix.iterdir() if entry.is_dir())


class FrozenResults:
    """`<source>/_freeze/`: model records and published models, figures, by input key."""

    def __init__(self, source: Path):
        self.root = Path(source) / FREEZE_DIR
        self.models = FrozenStore(self.root / "models")
        self.figures = FrozenStore(self.root / "figures")
        self.explorers = FrozenStore(self.root / "explore")

    def exists(self) -> bool:
        return self.root.is_dir()

    def model_entry(self, key: str, *, with_model: bool = False) -> Path | None:
        from generator.models.store import MODEL_FILE

        entry = self.models.get(key)
        return entry if entry is not None and (not with_model or (entry / MODEL_FILE).is_file()) else None

    def figure_entry(self, key: str) -> Path | None:
        return self.figures.get(key)

    def explorer_entry(self, key: str) -> Path | None:
        return self.explorers.get(key)

    def size(self) -> int:
        """Bytes of every file in the folder."""
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file()) if self.exists() else 0

    # -- writing (`layerpress freeze`, `freeze: auto`) --

    def put_model(self, key: str, entry: Path, files: list[str], *, replace: bool = False) -> bool:
        """Copy `files` of a cache entry under `key`; False when such an entry is frozen already."""
        if not replace and self.models.get(key) is not None and sorted(self.models.manifest(key) or {}) == sorted(files):
            return False
        self._start()
        self.models.put(key, lambda folder: [shutil.copyfile(entry / name, folder / name) for name in files])
        return True

    def put_figure(self, key: str, entry: Path, post: str, figure_id: str, *, versions: dict,
                   replace: bool = False) -> bool:
        """Copy a figure's cache entry under `key`. `versions` (the libraries that drew it: the cache key
        holds them) goes into meta.json when an entry from an older layerpress lacks them."""
        from generator.figures.draw import META

        if not replace and self.figures.get(key) is not None:
            return False
        self._start()

        def fill(folder: Path) -> None:
            for file in sorted(entry.iterdir()):
                if file.is_file() and file.name not in (MANIFEST, STAMPS):
                    shutil.copyfile(file, folder / file.name)
            meta = json.loads((folder / META).read_text())
            if "versions" not in meta:
                (folder / META).write_text(canonical_json({**meta, "versions": versions}))
            (folder / ABOUT).write_text(json.dumps({"post": post, "id": figure_id}, sort_keys=True) + "\n")

        self.figures.put(key, fill)
        return True

    def put_explorer(self, key: str, entry: Path) -> bool:
        """Copy an explorer's cache entry under `key`; False when it is frozen already."""
        if self.explorers.get(key) is not None:
            return False
        self._start()
        self.explorers.put(key, lambda folder: shutil.copytree(entry, folder, dirs_exist_ok=True,
                                                               ignore=shutil.ignore_patterns(MANIFEST, STAMPS)))
        return True

    def _start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        attributes = self.root / ".gitattributes"
        if not attributes.is_file():
            attributes.write_text(GITATTRIBUTES)

    # -- stale entries --

    def stale(self, used_models: set[str], used_figures: set[str]) -> list[tuple[str, str, str]]:
        """(what, name, key) of every frozen entry nothing in this build references."""
        found = []
        for key in self.models.keys():
            if key not in used_models:
                record = _read_json(self.models.entry_path(key) / "record.json")
                ref = ":".join(part for part in (record.get("name", "?"), record.get("variant")) if part)
                found.append(("model", ref, key))
        for key in self.figures.keys():
            if key not in used_figures:
                about = _read_json(self.figures.entry_path(key) / ABOUT)
                found.append(("figure", f"'{about.get('id', '?')}' in {about.get('post', '?')}", key))
        return found

    def stale_explorers(self, used: set[str]) -> list[str]:
        return [key for key in self.explorers.keys() if key not in used]

    def remove(self, what: str, key: str) -> None:
        {"model": self.models, "figure": self.figures, "explorer": self.explorers}[what].remove(key)


@dataclass
class FreezeReport:
    written: list[tuple[str, str]] = field(default_factory=list)   # ("model", "shapes_cnn"), ("figure", "'x' in post")
    computed: list[tuple[str, str]] = field(default_factory=list)  # used but not frozen, and no freezing asked
    stale: list[tuple[str, str, str]] = field(default_factory=list)   # (what, name, key)
    pruned: list[tuple[str, str, str]] = field(default_factory=list)


def freeze_mode(config) -> str | None:
    """`freeze:` in _config.yml: 'auto' keeps _freeze/ current on every build; absent or false: read only."""
    return AUTO if config.freeze == AUTO else None   # checked by load_config


def check_refresh_names(names, models: list[str], figure_ids: list[str]) -> None:
    """Every --refresh NAME must be a model (NAME or NAME:VARIANT) or a figure id of this blog."""
    for name in names:
        if name.split(":")[0] not in models and name not in figure_ids:
            hint = did_you_mean(name, models + figure_ids) or "models: " + ", ".join(models or ["none"])
            raise FreezeError(f"--refresh {name}: no model or figure of that name", hint=hint)


def require_complete(stage) -> None:
    """`build --frozen` (CI): fail, before anything is computed, when a result the site needs is not frozen."""
    store, frozen = stage.store, stage.frozen
    if frozen is None:
        return
    missing = [f"model {ref}" for ref in stage.text_refs if store.frozen_entry(ref) is None]
    missing += [f"model {name} (its .keras file)" for name in sorted({r.split(":")[0] for r in stage.model_refs()})
                if store.frozen_entry(name) is None
                or (store.publishes(name) and store.frozen_entry(name, with_model=True) is None)]
    missing += [f"figure '{figure.request.figure_id}' in {figure.post}" for figure in stage.figures
                if frozen.figure_entry(stage.input_key(figure.request)) is None]
    if missing:
        raise FreezeError(f"{_count(len(missing), 'result')} not frozen: {_listing(missing)}",
                          file=frozen.root, hint="run `layerpress freeze` and commit the folder")


def record_results(stage, *, write: bool, prune: bool = False) -> FreezeReport:
    """After a build's compute stage: freeze what it used (when `write`), find and prune stale entries."""
    from generator.figures.keys import library_versions
    from generator.models.store import MODEL_FILE, RECORD_FILE

    store, frozen = stage.store, stage.frozen
    report = FreezeReport()
    published = {name for name in {ref.split(":")[0] for ref in stage.model_refs()} if store.publishes(name)}
    used_models: dict[str, list[str]] = {}  # a variant equal to its base spec shares its key
    for ref in stage.model_refs():
        used_models.setdefault(store.input_key(ref), []).append(ref)
    for key, refs in sorted(used_models.items(), key=lambda item: item[1]):
        ref, with_model = refs[0], any(r in published for r in refs)
        files = [RECORD_FILE] + ([MODEL_FILE] if with_model else [])
        if store.frozen_entry(ref, with_model=with_model) is not None:
            continue
        if not write:
            report.computed.append(("model", ref))
        elif frozen.put_model(key, store.cached_entry(ref), files, replace=any(map(store.is_refreshed, refs))):
            report.written.append(("model", ref))
    for figure in stage.figures:
        if figure.entry.is_relative_to(frozen.root):
            continue
        name = f"'{figure.request.figure_id}' in {figure.post}"
        if not write:
            report.computed.append(("figure", name))
        elif frozen.put_figure(figure.input_key, figure.entry, figure.post, figure.request.figure_id,
                               versions=library_versions(), replace=stage.is_refreshed(figure)):
            report.written.append(("figure", name))
    report.stale = frozen.stale(set(used_models), {figure.input_key for figure in stage.figures})
    if write and not prune:  # a figure or model frozen again under a new key replaces its old entry
        replaced = set(report.written)
        for what, name, key in report.stale:
            if (what, name) in replaced:
                frozen.remove(what, key)
        report.stale = [item for item in report.stale if item[:2] not in replaced]
    if prune:
        for what, _, key in report.stale:
            frozen.remove(what, key)
        report.pruned, report.stale = report.stale, []
    return report


def summary_lines(report: FreezeReport, frozen: FrozenResults) -> list[tuple[int, str]]:
    """(log level, line): at most two lines for a build's output; nothing when the frozen results are
    complete and current."""
    lines = []
    if report.written:
        lines.append((logging.INFO, f"froze {_count(len(report.written), 'result')} into {frozen.root}: "
                                    f"{_listing(_names(report.written))}"))
    if report.computed and frozen.exists():
        lines.append((NOTE, f"{_count(len(report.computed), 'result')} computed here, not frozen "
                            f"({_listing(_names(report.computed))}); `layerpress freeze` keeps them"))
    if report.stale:
        lines.append((NOTE, f"{_count(len(report.stale), 'frozen result')} no longer used "
                            f"({_listing(_names(report.stale))}); `layerpress freeze --prune` removes them"))
    if report.pruned:
        lines.append((logging.INFO, f"pruned {_count(len(report.pruned), 'frozen result')}: "
                                    f"{_listing(_names(report.pruned))}"))
    return lines


def log_summary(report: FreezeReport, frozen: FrozenResults) -> None:
    for level, line in summary_lines(report, frozen):
        log.log(level, line)


def freeze_blog(source: Path, *, prune: bool = False, refresh=(), cache_dir: Path | None = None) -> FreezeReport:
    """`layerpress freeze`: run the compute stage of a build (no site written) and freeze its results."""
    from generator.build import BuildOptions
    from generator.config import load_config
    from generator.content.documents import ReadOptions, read_site
    from generator.explore.stage import add_explorer
    from generator.figures.stage import compute

    options = BuildOptions(source=Path(source), cache_dir=cache_dir, refresh=tuple(refresh),
                           freeze=True, prune=prune)
    config = load_config(Path(source))
    content = read_site(config, ReadOptions())
    computed = compute(config, content.posts + content.pages, options)
    add_explorer(config, computed, options)  # the explorer pages' data, frozen like the figures
    assert computed.freeze_report is not None  # freeze=True
    return computed.freeze_report


def _names(items) -> list[str]:
    return [f"{item[0]} {item[1]}" for item in items]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _listing(names: list[str], shown: int = 3) -> str:
    more = f", and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
