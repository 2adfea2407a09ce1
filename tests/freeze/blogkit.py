"""A tiny blog with one tiny model (and a variant) and two figures, and the helpers the freeze tests share."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

TINY_MODEL = """\
dataset: {name: shapes, image_size: [12, 12], per_class: 12, validation_split: 0.25, seed: 3}
layers:
  - Conv2D: {filters: 4, kernel_size: 3, activation: relu}
  - Flatten
  - Dense: {units: 3, activation: softmax}
compile: {optimizer: adam, loss: categorical_crossentropy, metrics: [accuracy]}
fit: {epochs: 1, batch_size: 8}
seed: 5
variants:
  sgd: {compile: {optimizer: sgd}}
  same: {compile: {optimizer: adam}}   # equal to the base spec: one key, one frozen entry
"""

POST = """\
---
title: Kernels
---
The tiny model reaches {{ models.tiny.metrics.test_accuracy | percent: 3 }};
with SGD {{ models.tiny.variants.sgd.metrics.test_accuracy | percent }}
({{ models.tiny.variants.same.params }} parameters).

```figure
id: kernels
kind: filters
model: tiny
caption: The four kernels.
```

```figure
id: curves
kind: curves
model: tiny
metrics: [accuracy, loss]
```
"""
POST_PATH = "_posts/2026-01-02-kernels.md"

# Run by a child process before anything else: TensorFlow, Keras and matplotlib cannot be
# imported, and their distributions look uninstalled, as on a machine without them.
NO_TENSORFLOW = """\
import importlib.metadata as metadata
import sys

HIDDEN = ("tensorflow", "tensorflow-cpu", "tf-nightly", "keras", "matplotlib")
for name in HIDDEN:
    sys.modules[name] = None  # `import name` raises ImportError
_version = metadata.version


def version(name):
    if name in HIDDEN:
        raise metadata.PackageNotFoundError(name)
    return _version(name)


metadata.version = version
"""


def make_blog(folder: Path) -> Path:
    (folder / "_posts").mkdir(parents=True)
    (folder / "_models").mkdir()
    (folder / "_config.yml").write_text("title: Frozen\nurl: https://example.org\nbaseurl: \"\"\n")
    (folder / "_models" / "tiny.yml").write_text(TINY_MODEL)
    (folder / POST_PATH).write_text(POST)
    return folder


def layerpress(*args, cwd: Path, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd, env=env,
                            capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def without_tensorflow(tmp_path: Path) -> dict:
    """An environment whose Python cannot import TensorFlow, Keras or matplotlib."""
    shim = tmp_path / "no-tensorflow"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(NO_TENSORFLOW)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(REPO)])}


def tree_hash(folder: Path) -> str:
    """A digest of every file's relative path and bytes."""
    hasher = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def clone(blog: Path, target: Path) -> Path:
    """The blog as a fresh clone has it: sources and _freeze/, no cache."""
    shutil.copytree(blog, target, ignore=shutil.ignore_patterns(".layerpress-cache"))
    return target
