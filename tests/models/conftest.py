from pathlib import Path

import pytest

TINY = """\
dataset: {name: shapes, image_size: [8, 8], per_class: 12, test_per_class: 4, validation_split: 0.25, seed: 3}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Conv2D: {filters: 3, kernel_size: 3, activation: relu}
  - Dropout: 0.25
  - Flatten
  - Dense: {units: 3, activation: softmax}
compile: {optimizer: adam, loss: sparse_categorical_crossentropy, metrics: [accuracy]}
fit: {epochs: 3, batch_size: 8}
checkpoint: {monitor: val_accuracy}
seed: 11
variants:
  sgd: {compile: {optimizer: sgd}, fit: {epochs: 2}}
"""


def write_blog(root: Path, specs: dict[str, str]) -> Path:
    (root / "_models").mkdir(parents=True, exist_ok=True)
    for name, text in specs.items():
        (root / "_models" / f"{name}.yml").write_text(text)
    return root


@pytest.fixture(scope="session")
def tiny_spec() -> str:
    """A spec that trains in about a second: 8x8 shapes, one small convolution, Dropout, 3 epochs."""
    return TINY


@pytest.fixture(scope="session")
def make_blog():
    """make_blog(root, {name: spec text}) -> a blog source folder with those model specs."""
    return write_blog
