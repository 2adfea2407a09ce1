"""ModelStore: model specs in `_models/`, trained once and cached by a key of everything that matters.

Cheap paths import no TensorFlow/Keras: `names`, `spec`, `cache_key`, `is_cached` and
`record` of a cached model read YAML, the data-set fingerprint memo and JSON. Layer
classes and arguments are checked with Keras only when a model must be trained, before
any training starts; a cached model's spec passed that check when it was trained (its
canonical form is part of the key).
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import shutil
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import Store, canonical_json, digest, file_digest, write_atomically
from generator.confine import confined
from generator.console import NOTE
from generator.datasets import Dataset, dataset_fingerprint, load_dataset
from generator.errors import DataError, ModelSpecError, did_you_mean
from generator.frozen import MODEL_FILE, RECORD_FILE
from generator.models.applications import imagenet_files_read
from generator.models.reasons import why_training
from generator.models.saving import save_model
from generator.models.spec import (PUBLISH_MEGABYTES, ModelSpec, check_with_keras, parse_spec_file, read_spec,
                                   split_ref)
from generator.models.versions import versions
from generator.uptodate import FILES_ELSEWHERE
from generator.yaml_lines import LineDict

if TYPE_CHECKING:
    from generator.models.trained import TrainedModel

log = logging.getLogger(__name__)

# A model's .keras file is published (site/models/NAME.keras) when at most this big, unless its spec says
# `publish:` (the default blog's dense_mlp, 9.4 MB, says `publish: true`); ImageNet networks are over it.
PUBLISH_BUDGET = PUBLISH_MEGABYTES * 2**20
# Bump when training or the record changes in a way that makes old cache entries wrong.
# 2: model.keras without optimizer state (what `freeze` publishes).
KEY_VERSION = 2
# {application, arguments, input shape: the weights file Keras read for them}, in the cache's models folder:
# how a build keys `weights: imagenet` by the file's bytes without importing Keras (uptodate watches them).
IMAGENET_INDEX = Path(FILES_ELSEWHERE).name
# {path: ((size, mtime, ctime, inode), SHA-256)}: a weights file is hashed once per process while unchanged.
_WEIGHTS_DIGESTS: dict[Path, tuple[tuple, str]] = {}


class ModelStore:
    """`frozen` (a generator.freeze.FrozenResults) is looked up before the cache; `refresh` names
    models (NAME or NAME:VARIANT) to train again whatever is frozen or cached."""

    def __init__(self, source: Path, cache_dir: Path, *, force: bool = False,
                 frozen=None, refresh=(), safe: bool = False):
        self.source = Path(source)
        self.cache_dir = Path(cache_dir)
        self.force = force
        self.safe = safe          # --safe: no model file with Python code in it (Lambda layers) is loaded
        self.frozen = frozen
        self.refresh = set(refresh)
        self._store = Store(self.cache_dir / "models")
        self._specs: dict[str, ModelSpec] = {}
        self._parsed: dict[Path, LineDict] = {}
        self._keys: dict[str, str] = {}
        self._input_keys: dict[str, str] = {}
        self._key_inputs: dict[str, dict] = {}
        self._datasets: dict[str, Dataset] = {}
        self._imagenet_index: dict[str, str] | None = None
        self._forced: set[str] = set()
        self._told: set[tuple[str, str]] = set()
        self.trainings = 0
        self._names: list[str] | None = None
        # Models handed out by this store, and models this build trained, still in memory: a figure
        # or the explorer then runs them without loading the .keras file again (same weights, same bytes).
        self._handed_out: dict[str, TrainedModel] = {}
        self._trained: dict[str, object] = {}

    def without_overrides(self) -> ModelStore:
        """A store of the same blog and cache without force, frozen results or refresh (the explorer's:
        the figures stage has already retrained what those ask for), sharing what this one has read
        and computed (specs, keys, data sets) and the models this build trained."""
        other = ModelStore(self.source, self.cache_dir, safe=self.safe)
        other._specs, other._parsed, other._datasets = self._specs, self._parsed, self._datasets
        other._keys, other._input_keys, other._key_inputs = self._keys, self._input_keys, self._key_inputs
        other._names, other._trained, other._imagenet_index = self._names, self._trained, self._imagenet_index
        return other

    def names(self) -> list[str]:
        """The blog's model names (its `_models/*.yml`), listed once per store (a store lives for one build)."""
        if self._names is None:
            folder = self.source / "_models"
            self._names = sorted(p.stem for p in folder.glob("*.y*ml")
                                 if p.suffix in (".yml", ".yaml")) if folder.is_dir() else []
        return list(self._names)

    def spec(self, ref: str) -> ModelSpec:
        if ref not in self._specs:
            name, variant = split_ref(ref)
            path = self._spec_path(name)
            if path not in self._parsed:
                self._parsed[path] = parse_spec_file(path, self.source)
            # a copy: the variant's merge and the checks must not see another variant's values
            self._specs[ref] = read_spec(path, self.source, variant, parsed=copy.deepcopy(self._parsed[path]))
        return self._specs[ref]

    def refs(self) -> list[str]:
        """Every model and declared variant, as references."""
        return [ref for name in self.names() for ref in [name] + [f"{name}:{v}" for v in self.spec(name).variants]]

    def check_specs(self) -> None:
        """Read and check every spec of `_models/` and each of its variants (no Keras), also those no
        post uses: a mistake in one is found when it is made, not when a post first asks for it."""
        for ref in self.refs():
            self.spec(ref)

    def cache_key(self, ref: str) -> str:
        """The local cache's key: the inputs and the library versions that trained the model here."""
        if ref not in self._keys:
            self._keys[ref] = digest("model", KEY_VERSION, *self.key_inputs(ref).values())
        return self._keys[ref]

    def input_key(self, ref: str) -> str:
        """The frozen results' key: the inputs only (spec, files, data), whatever libraries run them. Not the
        ImageNet weights Keras fetched here: frozen results are found on a machine that never fetched them."""
        if ref not in self._input_keys:
            inputs = self.key_inputs(ref)
            self._input_keys[ref] = digest("model", KEY_VERSION, inputs["spec"], inputs["files"], inputs["data"])
        return self._input_keys[ref]

    def key_inputs(self, ref: str) -> dict:
        """Everything the cache key is made of (kept in the record, to tell why a model retrains)."""
        if ref not in self._key_inputs:
            self._key_inputs[ref] = self._read_key_inputs(ref)
        return self._key_inputs[ref]

    def _read_key_inputs(self, ref: str) -> dict:
        spec = self.spec(ref)
        files = {key: file_digest(path) for key, path in (("load", spec.load), ("weights", spec.weights)) if path}
        fingerprint = self._with_location(spec, lambda: dataset_fingerprint(
            spec.dataset, base_dir=self.source, cache_dir=self.cache_dir)) if spec.dataset else None
        inputs = {"spec": spec.canonical(), "files": files, "data": fingerprint, "versions": versions()}
        weights = self._imagenet_weights_digest(spec)
        return inputs | ({"imagenet_weights": weights} if weights else {})

    def _imagenet_weights_digest(self, spec: ModelSpec) -> str | None:
        """The SHA-256 of the ImageNet weights file Keras read for this application when it was last built with
        this cache, while that file is there; else None (Keras fetches it again, and the key is then known)."""
        if not _takes_imagenet(spec):
            return None
        remembered = self._read_imagenet_index().get(_application_key(spec))
        path = Path(remembered) if remembered else None
        stamp = _stamp(path) if path else None
        if path is None or stamp is None:
            return None
        known = _WEIGHTS_DIGESTS.get(path)
        if known is None or known[0] != stamp:
            known = _WEIGHTS_DIGESTS[path] = (stamp, file_digest(path))
        return known[1]

    def _read_imagenet_index(self) -> dict[str, str]:
        if self._imagenet_index is None:
            try:
                self._imagenet_index = json.loads((self._store.root / IMAGENET_INDEX).read_text())
            except (OSError, ValueError):
                self._imagenet_index = {}
        return self._imagenet_index

    def _remember_imagenet_file(self, spec: ModelSpec, path: Path) -> None:
        """Note the weights file Keras read for `spec`, and key every model of that application again."""
        index = self._read_imagenet_index()
        index[_application_key(spec)] = str(path.resolve())
        write_atomically(self._store.root / IMAGENET_INDEX, json.dumps(index, indent=1, sort_keys=True))
        for ref in [ref for ref in self._key_inputs if _application_key(self.spec(ref)) == _application_key(spec)]:
            self._key_inputs.pop(ref)
            self._keys.pop(ref, None)

    def is_cached(self, ref: str) -> bool:
        return self.frozen_entry(ref) is not None or self._store.get(self.cache_key(ref)) is not None

    def state(self, ref: str) -> tuple[str, Path | None]:
        """Where the model's results are, without training: ("frozen", entry), ("cached", entry) or ("missing", None)."""
        frozen = self.frozen_entry(ref)
        if frozen is not None:
            return "frozen", frozen
        entry = None if self.force or self.is_refreshed(ref) else self._store.get(self.cache_key(ref))
        return ("cached", entry) if entry is not None else ("missing", None)

    def is_refreshed(self, ref: str) -> bool:
        return ref in self.refresh or ref.split(":")[0] in self.refresh

    def frozen_entry(self, ref: str, *, with_model: bool = False) -> Path | None:
        """The frozen entry of `ref` (with its .keras file when `with_model`), unless refreshed or forced."""
        if self.frozen is None or self.force or self.is_refreshed(ref):
            return None
        entry = self.frozen.model_entry(self.input_key(ref), with_model=with_model)
        if entry is not None:
            self._debug_once(ref, "frozen", self.input_key(ref))
        return entry

    def check(self, refs) -> None:
        """Check every model of `refs` that must be trained against Keras, before any is trained."""
        for ref in refs:
            if self.force or self.is_refreshed(ref) or not self.is_cached(ref):
                check_with_keras(self.spec(ref))

    def record(self, ref: str) -> dict:
        return json.loads(((self.frozen_entry(ref) or self._entry(ref)) / RECORD_FILE).read_text())

    def get(self, ref: str) -> TrainedModel:
        """The model of `ref` with its record, once per store: later calls share its loaded Keras model."""
        if ref not in self._handed_out:
            from generator.models.trained import TrainedModel

            entry = self.frozen_entry(ref, with_model=True) or self._entry(ref, deep=True)
            record = json.loads((entry / RECORD_FILE).read_text())
            self._handed_out[ref] = TrainedModel(ref, self.spec(ref), self.cache_key(ref), record,
                                                 entry / MODEL_FILE, lambda: self.dataset(ref),
                                                 model=self._trained.get(record["cache_key"]), safe=self.safe)
        return self._handed_out[ref]

    def publishes(self, name: str) -> bool:
        """Whether models/NAME.keras goes into the site: the spec's `publish:`, else its size under the budget
        (the record's `file_bytes`, or the file's size for records made before it)."""
        spec = self.spec(name)
        if spec.publish is not None:
            return spec.publish
        return self.file_bytes(name) <= PUBLISH_BUDGET

    def note_unpublished(self, name: str) -> None:
        """One line (once per store) saying a model's .keras file stays out of the site for its size, and how to
        publish it; nothing when its spec says `publish: false` (the author's own choice needs no telling)."""
        if (name, "unpublished") in self._told or self.spec(name).publish is False:
            return
        self._told.add((name, "unpublished"))
        why = (f"{self.file_bytes(name) / 2**20:.1f} MB, over the {PUBLISH_BUDGET / 2**20:g} MB budget; "
               f"`publish: true` in _models/{self.spec(name).file.name} publishes it")
        log.log(NOTE, "model %s is not published as models/%s.keras (%s)", name, name, why)

    def file_bytes(self, ref: str) -> int:
        return self.record(ref).get("file_bytes") or self.publish_path(ref).stat().st_size

    def publish_path(self, ref: str) -> Path:
        return (self.frozen_entry(ref, with_model=True) or self._entry(ref)) / MODEL_FILE

    def cached_entry(self, ref: str) -> Path:
        """The local cache entry of `ref` (training first when missing): what `freeze` copies."""
        return self._entry(ref)

    def dataset(self, ref: str) -> Dataset | None:
        spec = self.spec(ref)
        if spec.dataset is None:
            return None
        key = digest(spec.dataset)
        if key not in self._datasets:
            self._datasets[key] = self._with_location(spec, lambda: load_dataset(
                spec.dataset, base_dir=self.source, cache_dir=self.cache_dir))
        return self._datasets[key]

    def _debug_once(self, ref: str, where: str, key: str) -> None:
        """`-v`: where a model came from, once per model and place."""
        if (ref, where) not in self._told:
            self._told.add((ref, where))
            log.debug("model %s: %s (%s)", ref, where, key[:12])

    def _spec_path(self, name: str) -> Path:
        for suffix in (".yml", ".yaml"):
            path = self.source / "_models" / f"{name}{suffix}"
            if path.exists() and not path.is_dir():   # a pipe too: reading refuses it, with its name
                return confined(self.source, path.relative_to(self.source), ModelSpecError, what="model spec",
                                file=path)
        raise ModelSpecError(f"unknown model '{name}'", hint=did_you_mean(name, self.names())
                             or f"models are in {self.source / '_models'}: {', '.join(self.names()) or 'none'}")

    def _entry(self, ref: str, *, deep: bool = False) -> Path:
        """The complete cache entry for `ref`, training first when missing, broken or forced."""
        key = self.cache_key(ref)
        forced = (self.force or self.is_refreshed(ref)) and key not in self._forced
        entry = None if forced else self._store.get(key, deep=deep)
        if entry is not None:
            self._debug_once(ref, "cached", key)
        if entry is None:
            entry = self._train(ref, key, fresh=forced)
            self._forced.add(self.cache_key(ref))   # its key now holds the ImageNet weights Keras read
        return entry

    def _train(self, ref: str, key: str, *, fresh: bool) -> Path:
        spec = self.spec(ref)
        check_with_keras(spec)
        dataset = self.dataset(ref)
        if fresh:
            shutil.rmtree(self._store.work_dir(key))
        from generator.models.train import DivergedError, train

        inputs = json.loads(canonical_json(self.key_inputs(ref)))
        reason = why_training(self._store.root, spec.name, spec.variant, inputs, forced=fresh)
        work_dir = self._store.work_dir(key)
        read: list[Path] = []
        try:
            with contextlib.ExitStack() as stack:
                if _takes_imagenet(spec):
                    read = stack.enter_context(imagenet_files_read())
                model, record = train(spec, dataset, work_dir, reason=reason, safe=self.safe)
        except DivergedError as diverged:
            shutil.rmtree(work_dir, ignore_errors=True)  # its checkpoints would only diverge again
            raise diverged.error from None
        if read:   # stored under the key with the file's bytes, which the next build computes without Keras
            self._remember_imagenet_file(spec, read[-1])
            key, inputs = self.cache_key(ref), json.loads(canonical_json(self.key_inputs(ref)))
        record = {"name": spec.name, "variant": spec.variant, "cache_key": key, **record,
                  "key_inputs": inputs, "trained_because": reason}

        def fill(folder: Path) -> None:
            save_model(model, folder / MODEL_FILE)
            record["file_bytes"] = (folder / MODEL_FILE).stat().st_size
            (folder / RECORD_FILE).write_text(json.dumps(record, indent=1, sort_keys=True))

        entry = self._store.put(key, fill)
        shutil.rmtree(work_dir, ignore_errors=True)
        self.trainings += 1
        self._trained[key] = _without_training_state(model)
        return entry

    @staticmethod
    def _with_location(spec: ModelSpec, load):
        """Run a data-set step; its errors point at the spec's `dataset:` line when they name no file."""
        try:
            return load()
        except DataError as error:
            if error.file is None:   # an error may name its option's key (`path`)
                key = getattr(error, "key", None)
                error.file = spec.file
                error.line = (spec.line(f"dataset.{key}") if key else None) or spec.line("dataset")
            raise



def _takes_imagenet(spec: ModelSpec) -> bool:
    return bool(spec.application) and spec.pretrained == "imagenet" and not spec.untrained


def _application_key(spec: ModelSpec) -> str:
    """What picks an application's ImageNet weights file: its constructor, arguments and input shape."""
    return canonical_json([spec.application, spec.arguments, spec.input_shape])


def _stamp(path: Path) -> tuple | None:
    """(size, mtime, ctime, inode) of a regular file, None when there is none."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def _without_training_state(model):
    """The model as figures use it: its optimizer slots and traced training functions released
    (what `compile` resets), so keeping it for the rest of the build costs only its weights."""
    model.optimizer = None
    model.train_function = model.test_function = model.predict_function = None
    return model
