"""Fashion-MNIST from the official IDX `.gz` files, wherever they are, checked by SHA-256.

A folder is accepted when its four files have the published hashes of the full set, or
match a `SHA256SUMS` file inside it (the subset shipped with a blog). Both hold the
same first training images byte for byte, so `[:train_examples]` is the same array from
every source.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from generator.cache import file_digest
from generator.datasets.images import convert_arrays
from generator.datasets.options import COMMON, Option
from generator.errors import DataError, did_you_mean

if TYPE_CHECKING:
    from generator.datasets.arrays import Arrays

FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
# SHA-256 of the official files (github.com/zalandoresearch/fashion-mnist, as packaged by
# Debian's dataset-fashion-mnist); Keras's loader records no hash to cross-check.
OFFICIAL_SHA256 = {
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SYSTEM_FOLDERS = [Path("~/.keras/datasets/fashion-mnist"), Path("/usr/share/datasets/fashion-mnist")]
HOW_TO_GET = ("install the Debian package dataset-fashion-mnist, or run "
              "keras.datasets.fashion_mnist.load_data() once to fill ~/.keras/datasets")

OPTIONS = {
    **COMMON,
    "path": Option((str,), help="A folder with the four IDX .gz files; default: _data/, Keras's cache, Debian's."),
    "train_examples": Option((int,), help="The first N training images; default: all."),
    "test_examples": Option((int,), help="The first N test images; default: all."),
}
ADDED_KEYS: tuple[str, ...] = ()


def candidates(options: dict, base_dir: Path) -> list[Path]:
    """Folders to try, in order: the spec's `path`, the blog's `_data/`, Keras's cache, Debian's."""
    folders = [base_dir / options["path"]] if options["path"] else []
    folders.append(base_dir / "_data" / "fashion-mnist")
    return folders + [folder.expanduser() for folder in SYSTEM_FOLDERS]


def identity(options: dict, base_dir: Path) -> list:
    """Cheap identity of the folder that would be used: path, sizes and modification times."""
    for folder in candidates(options, base_dir):
        if _unusable(folder, options, verify=False) is None:
            return [str(folder.resolve())] + [[p.name, p.stat().st_size, p.stat().st_mtime_ns]
                                              for p in sorted(folder.iterdir()) if p.is_file()]
    return []


def load(options: dict, base_dir: Path) -> Arrays:
    """(x_train, y_train, x_test, y_test, class_names) from the first folder that fits."""
    reasons = []
    for folder in candidates(options, base_dir):
        reason = _unusable(folder, options, verify=True)
        if reason is None:
            return _read(folder, options)
        reasons.append(f"{folder} ({reason})")
    raise DataError(f"dataset: Fashion-MNIST not found; tried {'; '.join(reasons)}", hint=HOW_TO_GET)


def _unusable(folder: Path, options: dict, *, verify: bool) -> str | None:
    """Why `folder` cannot serve these options, or None if it can."""
    missing = [name for name in FILES.values() if not (folder / name).is_file()]
    if missing:
        return "missing " + ", ".join(missing) if len(missing) < len(FILES) else "no files"
    for split in ("train", "test"):
        wanted, count = options[f"{split}_examples"], _count(folder / FILES[f"y_{split}"])
        if wanted is not None and count < wanted:
            return f"{count} {split} images, {wanted} wanted"
    if verify:
        return _hash_mismatch(folder)
    return None


def _hash_mismatch(folder: Path) -> str | None:
    expected = dict(OFFICIAL_SHA256)
    sums = folder / "SHA256SUMS"
    if sums.is_file():
        expected = {name.lstrip("*"): digest for digest, name in
                    (line.split(maxsplit=1) for line in sums.read_text().splitlines() if line.strip())}
    for name in FILES.values():
        if expected.get(name) != file_digest(folder / name):
            return f"{name} does not match its SHA-256" + (" in SHA256SUMS" if sums.is_file() else "")
    return None


def _count(labels_file: Path) -> int:
    with gzip.open(labels_file) as handle:
        return int.from_bytes(handle.read(8)[4:], "big")


def _read_idx(path: Path) -> np.ndarray:
    data = gzip.decompress(path.read_bytes())
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def _read(folder: Path, options: dict):
    arrays = {key: _read_idx(folder / name) for key, name in FILES.items()}
    x_train, y_train = arrays["x_train"][: options["train_examples"]], arrays["y_train"][: options["train_examples"]]
    x_test, y_test = arrays["x_test"][: options["test_examples"]], arrays["y_test"][: options["test_examples"]]
    class_names = list(options["classes"] or CLASS_NAMES)
    x_train, y_train = _subset(x_train, y_train, class_names)
    x_test, y_test = _subset(x_test, y_test, class_names)
    size, mode = options["image_size"], options["color_mode"]
    return convert_arrays(x_train, size, mode), y_train, convert_arrays(x_test, size, mode), y_test, class_names


def _subset(x: np.ndarray, y: np.ndarray, class_names: list[str]):
    """Only the examples of `class_names`, relabelled 0..len-1 in that order."""
    for name in class_names:
        if name not in CLASS_NAMES:
            raise DataError(f"dataset: unknown Fashion-MNIST class '{name}'",
                            hint=did_you_mean(name, CLASS_NAMES) or f"classes are {', '.join(CLASS_NAMES)}")
    original = np.array([CLASS_NAMES.index(name) for name in class_names])
    keep = np.isin(y, original)
    relabel = np.full(len(CLASS_NAMES), -1)
    relabel[original] = np.arange(len(original))
    return x[keep], relabel[y[keep]].astype(np.int64)
