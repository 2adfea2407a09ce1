"""Images in a folder: one sub-folder per class, or labels from file-name prefixes (`cat.12.jpg`).

The test set is a `test/` sub-folder laid out the same way when there is one, else a
seeded `test_split` fraction of the images.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from generator.confine import confined, is_confined
from generator.datasets.images import load_image
from generator.datasets.options import COMMON, Option
from generator.datasets.splits import carve
from generator.errors import DataError, did_you_mean

if TYPE_CHECKING:
    from generator.datasets.arrays import Arrays

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"}
TEST_FOLDER = "test"

OPTIONS = {
    **COMMON,
    "path": Option((str,), required=True, help="The folder of images, relative to the blog."),
    "color_mode": Option((str,), "rgb", choices=("grayscale", "rgb"), help="grayscale or rgb."),
    "layout": Option((str,), "auto", choices=("auto", "class-folders", "file-prefix"),
                     help="Labels from sub-folders (class-folders), file-name prefixes (file-prefix), or either."),
    "test_split": Option((float,), 0.2, help="The share of images held out for testing when there is no test/."),
    "on_error": Option((str,), "skip", choices=("skip", "fail"),
                       help="What an unreadable image does: skip it (with a warning) or fail the build."),
}
ADDED_KEYS: tuple[str, ...] = ()


def identity(options: dict, base_dir: Path) -> list:
    """Every file under the folder with its size and modification time."""
    root = _root(options, base_dir)
    return [[p.relative_to(root).as_posix(), p.stat().st_size, p.stat().st_mtime_ns]
            for p in sorted(root.rglob("*")) if p.is_file()]


def load(options: dict, base_dir: Path) -> Arrays:
    """(x_train, y_train, x_test, y_test, class_names)."""
    root = _root(options, base_dir)
    train_files = _inside(root, _labelled_files(root, options, skip=TEST_FOLDER))
    class_names = options["classes"] or sorted({label for _, label in train_files})
    x, y = _read(train_files, class_names, options)
    if (root / TEST_FOLDER).is_dir():
        x_test, y_test = _read(_inside(root, _labelled_files(root / TEST_FOLDER, options)), class_names, options)
    else:
        x, y, x_test, y_test = carve(x, y, options["test_split"], [options["seed"], 1])
    return x, y, x_test, y_test, list(class_names)


def _root(options: dict, base_dir: Path) -> Path:
    root = confined(base_dir, options["path"], DataError, what="dataset: path")
    if not root.is_dir():
        problem = DataError(f"dataset: folder {options['path']} not found", hint=missing_folder_hint(root, base_dir))
        problem.key = "path"
        raise problem
    return root


def missing_folder_hint(root: Path, base_dir: Path) -> str:
    """The nearest folder that exists, with a did-you-mean among its sub-folders."""
    parent = root.parent
    while not parent.is_dir() and parent != parent.parent:
        parent = parent.parent
    folders = sorted(p.name for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if parent.is_dir() else []
    missing = root.relative_to(parent).parts[0] if root.is_relative_to(parent) else root.name
    guess = did_you_mean(missing, folders)
    where = "the blog folder" if parent.resolve() == Path(base_dir).resolve() else f"{parent.relative_to(base_dir)}/"
    return " ".join(part for part in (guess, f"path is relative to the blog folder; {where} holds: "
                                      f"{', '.join(folders) or 'no folders'}") if part)


def _labelled_files(root: Path, options: dict, skip: str | None = None) -> list[tuple[Path, str]]:
    layout = options["layout"]
    if layout == "auto":
        layout = "file-prefix" if _images(root) else "class-folders"
    if layout == "file-prefix":
        files = [(p, p.name.split(".")[0]) for p in _images(root)]
    else:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name != skip)
        files = [(p, folder.name) for folder in folders for p in _images(folder)]
    if not files:
        raise DataError(f"dataset: no images in {root}", hint="use one sub-folder per class, or files named "
                        "LABEL.N.jpg")
    return files


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _inside(root: Path, files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """`files`, after checking that no symlink (of an image or a class folder) leads out of `root`."""
    for path, _ in files:
        if not is_confined(root, path):
            raise DataError("dataset: a symlink leads this image outside the data folder",
                            file=path, hint="copy the file into the blog instead")
    return files


def _read(files: list[tuple[Path, str]], class_names: list[str], options: dict):
    known = sorted({label for _, label in files})
    for name in class_names:
        if name not in known:
            raise DataError(f"dataset: class '{name}' has no images",
                            hint=did_you_mean(name, known) or f"classes with images: {', '.join(known)}")
    images, labels = [], []
    for path, label in files:
        if label not in class_names:
            continue
        try:
            images.append(load_image(path, options["image_size"], options["color_mode"]))
        except (OSError, ValueError) as error:
            if options["on_error"] == "fail":
                raise DataError(f"dataset: unreadable image {path}: {error}",
                                hint="remove it, or set on_error: skip") from None
            log.warning("skipped unreadable image %s: %s", path, error)
            continue
        labels.append(class_names.index(label))
    shapes = {image.shape for image in images}
    if len(shapes) > 1:
        raise DataError(f"dataset: images differ in size ({len(shapes)} sizes)",
                        hint="set image_size: [height, width]")
    return np.stack(images), np.array(labels, dtype=np.int64)
