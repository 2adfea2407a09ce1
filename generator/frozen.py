"""The frozen results' store: what the site takes from computation, committed with the blog in `<source>/_freeze/`.

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
import shutil
from pathlib import Path

from generator.cache import MANIFEST, STAMPS, Store, canonical_json
from generator.errors import LayerpressError

FREEZE_DIR = "_freeze"
ABOUT = "frozen.json"
# Files of the entries (the cache's names: generator/models/store.py, generator/figures/draw.py).
RECORD_FILE = "record.json"
MODEL_FILE = "model.keras"
META = "meta.json"
# Frozen files are bytes to copy, never text to convert: no end-of-line changes on checkout.
GITATTRIBUTES = "* -text\n"


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

    def keep_only(self, key: str, files: list[str]) -> bool:
        """Rewrite a frozen model entry to hold only `files`, from its own copies (a model no longer published
        drops its .keras file); False when it holds exactly those already."""
        entry = self.models.get(key)
        if entry is None or sorted(self.models.manifest(key) or {}) == sorted(files):
            return False
        self.models.put(key, lambda folder: [shutil.copyfile(entry / name, folder / name) for name in files])
        return True

    def put_figure(self, key: str, entry: Path, post: str, figure_id: str, *, versions: dict,
                   replace: bool = False) -> bool:
        """Copy a figure's cache entry under `key`. `versions` (the libraries that drew it: the cache key
        holds them) goes into meta.json when an entry from an older layerpress lacks them."""
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


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
