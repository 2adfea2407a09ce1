"""A build whose figures are all cached loads neither TensorFlow, Keras, matplotlib nor numpy;
a no-change build does not even load the Markdown extensions or Pillow."""

import json
import subprocess
import sys

import numpy as np
from PIL import Image

POST = """---
title: One figure
---
A figure that needs no model:

```figure
kind: conv-animation
probe: probes/p.png
size: [5, 5]
kernel: [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
```
"""

BUILD = """
import json, sys
from pathlib import Path
from generator.build import BuildOptions, build
from generator.lazy import is_loaded
build(BuildOptions(source=Path(sys.argv[1]), dest=Path(sys.argv[2])))
print(json.dumps(sorted({name.split(".")[0] for name in list(sys.modules) if is_loaded(name)})))
"""


def loaded_by_a_build(source, dest) -> set[str]:
    result = subprocess.run([sys.executable, "-c", BUILD, str(source), str(dest)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_cached_and_no_change_builds_load_no_heavy_library(blog, tmp_path):
    (blog.source / "probes").mkdir()
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8) * 4).save(blog.source / "probes" / "p.png")
    blog.write("_posts/2020-01-01-figure.md", POST)
    assert "numpy" in loaded_by_a_build(blog.source, tmp_path / "first")  # draws the figure
    cached = loaded_by_a_build(blog.source, tmp_path / "second")  # another folder: a full build, figure cached
    assert cached & {"tensorflow", "keras", "matplotlib", "numpy"} == set()
    assert {"jinja2", "markdown", "liquid"} <= cached
    assert "asyncio" not in cached   # python-liquid's import of it is deferred (generator/lazy.py)
    no_change = loaded_by_a_build(blog.source, tmp_path / "second")
    assert no_change & {"tensorflow", "keras", "matplotlib", "numpy", "PIL", "pygments", "liquid"} == set()
    assert "subprocess" not in no_change   # site.time asks git only when a document needs it (content/dates.SiteTime)
