"""The README's folder data-set example, built for real on images named the Kaggle way."""

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from generator.build import BuildOptions, build
from generator.models.store import ModelStore

README = Path(__file__).resolve().parents[2] / "README.md"
POST = """---
title: Cats and dogs
---
The network reaches {{ models.cats_vs_dogs.metrics.test_accuracy | percent }}.

```figure
kind: predictions
model: cats_vs_dogs
count: 6
caption: Six test images.
```
"""

pytestmark = pytest.mark.slow


def readme_folder_spec() -> str:
    """The YAML block of the README that starts with `# _models/cats_vs_dogs.yml`."""
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(), flags=re.DOTALL)
    return next(block for block in blocks if block.startswith("# _models/cats_vs_dogs.yml"))


def write_kaggle_folder(folder: Path, per_class: int = 40) -> None:
    """cat.N.jpg: warm noisy images; dog.N.jpg: cool noisy images (sizes vary, as photos do)."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for label, tint in (("cat", (200, 90, 40)), ("dog", (40, 90, 200))):
        for index in range(per_class):
            size = (int(rng.integers(70, 110)), int(rng.integers(70, 110)))
            noise = rng.integers(-50, 50, size=(size[1], size[0], 3))
            pixels = np.clip(np.array(tint) + noise, 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(folder / f"{label}.{index}.jpg", quality=90)
    (folder / "cat.999.jpg").write_bytes(b"not a jpeg")  # unreadable: skipped with a warning


def test_readme_folder_example_builds_a_blog(tmp_path):
    source = tmp_path / "blog"
    (source / "_models").mkdir(parents=True)
    (source / "_models" / "cats_vs_dogs.yml").write_text(readme_folder_spec())
    (source / "_posts").mkdir()
    (source / "_posts" / "2026-01-01-cats-and-dogs.md").write_text(POST)
    (source / "_config.yml").write_text("title: pets\n")
    write_kaggle_folder(source / "_data" / "dogs-vs-cats" / "train")

    result = build(BuildOptions(source=source, dest=tmp_path / "site", quiet=True))

    record = ModelStore(source, source / ".layerpress-cache").record("cats_vs_dogs")
    assert record["class_names"] == ["cat", "dog"]
    assert record["test_examples"] == 16  # 20% of the 80 readable images
    assert record["metrics"]["test_accuracy"] >= 0.9
    page = next((tmp_path / "site").rglob("cats-and-dogs.html")).read_text()
    assert f"{record['metrics']['test_accuracy'] * 100:.1f}%" in page
    assert [f["kind"] for f in result.figures] == ["explorer", "predictions"]
    assert (tmp_path / "site" / "models" / "cats_vs_dogs.keras").is_file()
