"""Clean build of the default blog, in epochs of a fixed reference network, and its peak memory.

The reference: one epoch of benchmarks/reference/fashion_vgg.yml (the fashion_vgg spec when
the target was set) with bare Keras, `model.fit` on NumPy arrays of the same data, timed in a
child process before and after the build. The clean build runs `layerpress build` in a child
process with an empty cache and without the blog's `_freeze/` (which would train nothing).
Absolute times vary several-fold between machines and runs on a shared machine; the ratio,
measured in one run, is the number to compare.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "content"
REFERENCE = Path(__file__).resolve().parent / "reference" / "fashion_vgg.yml"
TARGETS = {"fashion_vgg": 0.91, "shapes_cnn": 0.995}

REFERENCE_EPOCH = """\
import json, sys, time
from pathlib import Path
from generator.models.backend import import_keras
from generator.models.build import build_model
from generator.models.store import ModelStore
keras = import_keras()
store = ModelStore(Path(sys.argv[1]), Path(sys.argv[2]))
spec, data = store.spec("reference"), store.dataset("reference")
keras.utils.set_random_seed(spec.seed)
model = build_model(spec, data.image_shape)
x, y = data.x_train.astype("float32"), data.y_train
validation = (data.x_val.astype("float32"), data.y_val)
wall, cpu = time.perf_counter(), time.process_time()
model.fit(x, y, epochs=1, batch_size=spec.fit["batch_size"], validation_data=validation, verbose=0)
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""


def child(command: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of one child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if process.returncode:
        raise RuntimeError(f"{command[:3]} exited with {process.returncode}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def reference_epoch(folder: Path) -> dict:
    """Wall and CPU seconds of one bare-Keras epoch of the reference network."""
    blog = folder / "reference-blog"
    if not blog.exists():
        (blog / "_models").mkdir(parents=True)
        shutil.copy(REFERENCE, blog / "_models" / "reference.yml")
        (blog / "_data").symlink_to(SOURCE / "_data")
    *_, out = child([sys.executable, "-c", REFERENCE_EPOCH, str(blog), str(folder / "reference-cache")])
    return json.loads(out.strip().splitlines()[-1])


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        before = reference_epoch(folder)
        print(f"reference epoch (bare Keras, fashion_vgg as fixed in benchmarks/reference/): "
              f"{before['wall']:.1f} s wall, {before['cpu']:.1f} s CPU", flush=True)
        # the blog without its cache and without its frozen results: every model trains, every figure is drawn
        source = folder / "content"
        shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns(".layerpress-cache", "_freeze"))
        cache = source / ".layerpress-cache"
        wall, cpu, peak, _ = child([sys.executable, "-m", "generator", "build", "--source", str(source),
                                    "--dest", str(folder / "site"), "--quiet"])
        after = reference_epoch(folder)
        print(f"reference epoch again after the build: {after['wall']:.1f} s wall, {after['cpu']:.1f} s CPU")
        epoch_wall, epoch_cpu = (before["wall"] + after["wall"]) / 2, (before["cpu"] + after["cpu"]) / 2
        print(f"clean build of the default blog: {wall:.1f} s wall = {wall / epoch_wall:.1f} reference epochs; "
              f"{cpu:.1f} s CPU = {cpu / epoch_cpu:.1f} reference epochs (target <= 5)")
        records = _records(cache)
        training = sum(record.get("train_seconds", 0) for record in records)
        print(f"  of which training and evaluating models: {training:.1f} s wall = {training / epoch_wall:.1f} "
              f"reference epochs; the rest (imports, data, figures, explorer, pages): {wall - training:.1f} s = "
              f"{(wall - training) / epoch_wall:.1f}")
        print(f"peak memory of the clean build: {peak:.0f} MiB (target: under 2048 MiB)")
        for record in records:
            accuracy = (record.get("metrics") or {}).get("test_accuracy")
            target = TARGETS.get(record["name"]) if record["variant"] is None else None
            ref = record["name"] + (f":{record['variant']}" if record["variant"] else "")
            print(f"  {ref:22s} {record.get('train_seconds', 0):6.1f} s "
                  f"({record.get('train_seconds', 0) / epoch_wall:4.2f} ref. epochs)  epochs {record.get('epochs')}  "
                  f"test accuracy {accuracy if accuracy is not None else float('nan'):.4f}"
                  + (f" (target >= {target})" if target else ""))


def _records(cache: Path) -> list[dict]:
    return sorted((json.loads(path.read_text()) for path in cache.glob("models/*/*/record.json")),
                  key=lambda record: (record["name"], record["variant"] or ""))
