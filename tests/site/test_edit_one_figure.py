"""Editing one figure block of a post redraws that figure only."""

import numpy as np
from PIL import Image

from generator.build import BuildOptions, build

FIGURES = """---
title: Two figures
---
First figure:

```figure
kind: conv-animation
id: first
probe: probes/p.png
size: [5, 5]
kernel: [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
```

Second figure:

```figure
kind: conv-animation
id: second
probe: probes/p.png
size: [5, 5]
kernel: [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
```
"""


def entries(cache):
    return {meta.parent.name: meta.stat().st_mtime_ns for meta in (cache / "figures").glob("*/*/meta.json")}


def test_editing_one_figure_block_redraws_only_that_figure(blog):
    (blog.source / "probes").mkdir()
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8) * 4).save(blog.source / "probes" / "p.png")
    post = blog.write("_posts/2020-01-01-figures.md", FIGURES)
    options = BuildOptions(source=blog.source, dest=blog.dest)
    first = {entry["id"]: entry for entry in build(options).figures}
    cache = blog.source / ".layerpress-cache"
    before = entries(cache)
    assert len(before) == 2

    post.write_text(FIGURES.replace("[[0, 1, 0], [1, -4, 1], [0, 1, 0]]", "[[0, -1, 0], [-1, 4, -1], [0, -1, 0]]"))
    second = {entry["id"]: entry for entry in build(options).figures}
    after = entries(cache)
    assert len(set(after) - set(before)) == 1  # one new drawing
    assert all(after[key] == stamp for key, stamp in before.items())  # nothing else redrawn or rewritten
    assert second["first"]["cache_key"] == first["first"]["cache_key"]
    assert second["second"]["cache_key"] != first["second"]["cache_key"]
    assert second["first"]["outputs"] == first["first"]["outputs"]
    assert second["second"]["outputs"] != first["second"]["outputs"]
