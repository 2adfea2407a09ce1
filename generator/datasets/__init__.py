"""Data sets for the models: generated shapes, Fashion-MNIST, image folders; split and leak-checked.

A data-set source is a module satisfying `DatasetSource`, registered in `KINDS` under the name a
spec's `dataset: {name: ...}` uses (tests/datasets/test_sources_contract.py checks each)."""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from collections.abc import Callable

import numpy as np

from generator.cache import digest, write_atomically
from generator.datasets import fashion_mnist, folder, options as dataset_options, shapes
from generator.datasets.splits import carve, check_disjoint
from generator.errors import DataError, did_you_mean

if TYPE_CHECKING:
    from generator.datasets.arrays import Arrays


@runtime_checkable
class DatasetSource(Protocol):
    """The contract of a data-set source (a module)."""

    OPTIONS: dict[str, Any]   # its options besides the common ones (generator.datasets.options)
    ADDED_KEYS: tuple[str, ...]   # options added since its first version: left out of the resolved options at
    # their defaults, so that specs without them keep their cache keys (generator.datasets.options.resolve)

    def load(self, options: dict, base_dir: Path) -> Arrays:
        """The training and test images and labels for resolved `options`; files relative to `base_dir`
        (the blog). The validation split is carved from the training set afterwards."""
        ...

    def identity(self, options: dict, base_dir: Path) -> list:
        """What the data depends on, cheaply (file sizes and mtimes, a generator version): the
        fingerprint memo is reused while it is unchanged."""
        ...


KINDS: dict[str, DatasetSource] = {"shapes": shapes, "fashion-mnist": fashion_mnist, "folder": folder}
# Bump when loading, splitting or fingerprinting changes what a spec yields.
FINGERPRINT_VERSION = 1
# Data sets loaded by this process, by options and source identity: in a clean build the fingerprint
# (cache keys) and the training both need a data set, and drawing the shapes again costs seconds.
_LOADED: dict[str, Dataset] = {}
_LOADED_MAX = 8


@dataclass
class Dataset:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    fingerprint: str
    options: dict = field(default_factory=dict)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.x_train.shape[1:])


def resolve_options(spec: dict, line_of: Callable[[str], int | None] = lambda key: None, file=None) -> dict:
    """The data-set spec checked against its kind's options, defaults filled in."""
    name = spec.get("name")
    if name not in KINDS:
        raise DataError(f"dataset: unknown data set '{name}'", file=file, line=line_of("name"),
                        hint=did_you_mean(name, KINDS) or f"data sets are {', '.join(KINDS)}")
    return dataset_options.resolve(spec, KINDS[name].OPTIONS, line_of, file, KINDS[name].ADDED_KEYS)


def load_dataset(spec: dict, *, base_dir: Path, cache_dir: Path | None = None) -> Dataset:
    """Load, split and leak-check the data set; memoise its fingerprint under `cache_dir`/data, and
    keep its arrays there too: the next build (a figure edit, a new variant) reads them back in
    milliseconds instead of drawing or decompressing them again."""
    options = resolve_options(spec)
    key = source_key(options, base_dir)
    loaded_key = digest(key, str(Path(base_dir).resolve()))
    dataset = _LOADED.get(loaded_key)
    if dataset is None and cache_dir is not None:
        dataset = _read_arrays(_cached(cache_dir, "arrays", key + ".npz"), options)
    if dataset is None:
        dataset = _load(options, base_dir)
        if cache_dir is not None:
            _write_arrays(_cached(cache_dir, "arrays", key + ".npz"), dataset)
    check_classes(dataset.class_names)
    if cache_dir is not None and not _cached(cache_dir, "fingerprints", key).is_file():
        _write_memo(_cached(cache_dir, "fingerprints", key), dataset.fingerprint)
    if loaded_key not in _LOADED:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[loaded_key] = dataset
    return dataset


def check_classes(class_names: list[str]) -> None:
    """A classifier needs two classes: one class would end in a Keras shape error deep in training."""
    if len(class_names) < 2:
        found = f" ('{class_names[0]}')" if class_names else ""
        raise DataError(f"dataset: only {len(class_names)} class{found}: a classifier learns to tell two or more apart",
                        hint="add images of another class (folder: one sub-folder per class, or files named "
                             "LABEL.N.jpg), or list two or more in 'classes'")


def _load(options: dict, base_dir: Path) -> Dataset:
    x_train, y_train, x_test, y_test, class_names = KINDS[options["name"]].load(options, Path(base_dir))
    x_train, y_train, x_val, y_val = carve(x_train, y_train, options["validation_split"], options["seed"])
    check_disjoint({"train": x_train, "validation": x_val, "test": x_test})
    arrays = (x_train, y_train, x_val, y_val, x_test, y_test)
    fingerprint = _fingerprint(arrays, class_names, options)
    return Dataset(*arrays, class_names=class_names, fingerprint=fingerprint, options=options)


def dataset_fingerprint(spec: dict, *, base_dir: Path, cache_dir: Path | None = None) -> str:
    """The fingerprint, from the memo when the spec and the source files are unchanged (no loading)."""
    if cache_dir is not None:
        memo = _cached(cache_dir, "fingerprints", source_key(resolve_options(spec), base_dir))
        if memo.is_file():
            return memo.read_text()
    return load_dataset(spec, base_dir=base_dir, cache_dir=cache_dir).fingerprint


def source_key(options: dict, base_dir: Path) -> str:
    """The options, the kind's cheap source identity (sizes, mtimes) and the code version: the key of
    the fingerprint memo and the stored arrays (where the blog is is not part of it)."""
    return digest(options, KINDS[options["name"]].identity(options, Path(base_dir)), FINGERPRINT_VERSION)


def _cached(cache_dir: Path, folder: str, name: str) -> Path:
    return Path(cache_dir) / "data" / folder / name


def _fingerprint(arrays, class_names, options) -> str:
    # the same arrays from another folder are the same data: the location is not part of it
    hasher = hashlib.sha256(digest(class_names, {k: v for k, v in options.items() if k != "path"}).encode())
    for array in arrays:
        hasher.update(f"{array.dtype}{array.shape}".encode())
        hasher.update(np.ascontiguousarray(array).tobytes())
    return hasher.hexdigest()


ARRAY_NAMES = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def _read_arrays(path: Path, options: dict) -> Dataset | None:
    """The data set stored by an earlier build, or None when there is none or it is damaged."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in ARRAY_NAMES}
            class_names, fingerprint = stored["class_names"].tolist(), str(stored["fingerprint"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    return Dataset(**arrays, class_names=class_names, fingerprint=fingerprint, options=options)


def _write_arrays(path: Path, dataset: Dataset) -> None:
    """Uncompressed (reading it back is the point), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(scratch, **{name: getattr(dataset, name) for name in ARRAY_NAMES},
             class_names=np.array(dataset.class_names, dtype=str), fingerprint=np.array(dataset.fingerprint))
    os.replace(scratch, path)


def _write_memo(path: Path, fingerprint: str) -> None:
    write_atomically(path, fingerprint)
