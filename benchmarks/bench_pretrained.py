"""A pretrained network by name: ResNet50 (`weights: none`, 224x224 probes), its figures and explorer.

A blog with one post: activations of `conv*_block1_out` (four layers of 256 to 2,048 channels, 64 shown
each), predictions of two probes over ImageNet's 1000 classes, and the summary; the explorer within its
2 MB budget; the 98 MB `.keras` file not published. Printed: the clean build's wall time and peak
memory (target: under 3 GB), and the figures and explorer drawn again with the model cached, as a
multiple of one forward pass of the network on the two probes (timed in a child process of its own).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_build import ROOT, child

SPEC = "application: ResNet50\nweights: none\ninput_shape: [224, 224, 3]\n"
POST = """---
title: ResNet50
---
{{ models.resnet.params | thousands }} parameters.

```figure
kind: activations
model: resnet
probes: [probes/chelsea.png, probes/coffee.png]
layers: ["conv*_block1_out"]
layout: strip
```

```figure
kind: predictions
model: resnet
probes: [probes/chelsea.png, probes/coffee.png]
```

```figure
kind: summary
model: resnet
```
"""
FORWARD_PASS = """\
import json, time
import numpy as np
from generator.models.backend import import_keras
keras = import_keras()
model = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
x = np.random.default_rng(0).uniform(0, 255, (2, 224, 224, 3)).astype("float32")
x = keras.applications.resnet.preprocess_input(x)
model(x, training=False)  # warm up: the first call traces
times = []
for _ in range(3):
    started = time.perf_counter()
    np.asarray(model(x, training=False))
    times.append(time.perf_counter() - started)
print(json.dumps({"seconds": min(times)}))
"""


def write_blog(folder: Path) -> Path:
    source = folder / "blog"
    (source / "_models").mkdir(parents=True)
    (source / "_posts").mkdir()
    (source / "probes").mkdir()
    (source / "_config.yml").write_text("title: ResNet50 benchmark\n")
    (source / "_models" / "resnet.yml").write_text(SPEC)
    (source / "_posts" / "2026-01-01-resnet.md").write_text(POST)
    for probe in ("chelsea.png", "coffee.png"):
        shutil.copy(ROOT / "content" / "probes" / probe, source / "probes" / probe)
    return source


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = write_blog(folder)
        build = [sys.executable, "-m", "generator", "build", "--source", str(source), "--dest",
                 str(folder / "site"), "--quiet"]
        wall, _, peak, _ = child(build)
        print(f"clean build with ResNet50 (weights: none, 224x224 probes): {wall:.1f} s wall, "
              f"peak memory {peak:.0f} MiB (target: under 3072 MiB)", flush=True)
        cache = source / ".layerpress-cache"
        for drawn in ("figures", "explore"):
            shutil.rmtree(cache / drawn, ignore_errors=True)
        shutil.rmtree(cache / "builds", ignore_errors=True)
        again, _, peak_again, _ = child(build)
        *_, out = child([sys.executable, "-c", FORWARD_PASS])
        forward = json.loads(out.strip().splitlines()[-1])["seconds"]
        explorer = sum(p.stat().st_size for p in (folder / "site" / "explore" / "resnet").rglob("*") if p.is_file())
        print(f"figures and explorer again, model cached: {again:.1f} s wall = {again / forward:.0f} forward passes "
              f"of ResNet50 on the two probes ({forward:.2f} s each); peak memory {peak_again:.0f} MiB")
        print(f"explorer data: {explorer / 2**20:.2f} MiB; models/resnet.keras published: "
              f"{(folder / 'site' / 'models' / 'resnet.keras').exists()}")
