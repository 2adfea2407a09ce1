"""Does training give the same weights with 1, 2 and 4 intra-op threads, with oneDNN on and off,
and on one core or all (with TensorFlow's thread default, and with layerpress's fixed count)?

Each configuration trains one small model (a shapes CNN, 16x16, a few epochs) in a fresh
process, through the real ModelStore, and prints the training time, the test metrics and
whether the weights equal the 1-thread ones (else their largest difference). Times on a
shared machine are noisy. Run alone with `python -m benchmarks determinism`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SMALL_MODEL = """\
dataset: {name: shapes, image_size: [16, 16], per_class: 150, test_per_class: 50, validation_split: 0.2, seed: 3}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Conv2D: {filters: 8, kernel_size: 3, padding: same, activation: relu}
  - MaxPooling2D: {pool_size: 2}
  - Conv2D: {filters: 16, kernel_size: 3, padding: same, activation: relu}
  - MaxPooling2D: {pool_size: 2}
  - Flatten
  - Dropout: 0.2
  - Dense: {units: 32, activation: relu}
  - Dense: {units: 3, activation: softmax}
compile: {optimizer: adam, loss: sparse_categorical_crossentropy, metrics: [accuracy]}
fit: {epochs: 4, batch_size: 32}
seed: 21
"""

# (label, intra-op threads or None for layerpress's setting, extra environment, run on one core only)
EVERY_CORE = {"LAYERPRESS_INTRA_OP_THREADS": "0"}
CONFIGURATIONS = [
    ("1 thread", 1, {}, False),
    ("2 threads", 2, {}, False),
    ("4 threads", 4, {}, False),
    ("1 thread, oneDNN off", 1, {"TF_ENABLE_ONEDNN_OPTS": "0"}, False),
    ("4 threads, oneDNN off", 4, {"TF_ENABLE_ONEDNN_OPTS": "0"}, False),
    ("TF default, all cores", None, EVERY_CORE, False),
    ("TF default, one core", None, EVERY_CORE, True),
    ("layerpress, all cores", None, {}, False),
    ("layerpress, one core", None, {}, True),
]

TRAIN_ONE = """
import hashlib, json, sys, time
from pathlib import Path
threads = json.loads(sys.argv[3])
from generator.models.backend import import_tensorflow
tf = import_tensorflow()
if threads is not None:
    tf.config.threading.set_intra_op_parallelism_threads(threads)
from generator.models.store import ModelStore
import keras
store = ModelStore(Path(sys.argv[1]), Path(sys.argv[2]))
started = time.perf_counter()
record = store.record("small")
seconds = time.perf_counter() - started
weights = keras.saving.load_model(store.publish_path("small"), compile=False).get_weights()
digest = hashlib.sha256(b"".join(w.tobytes() for w in weights)).hexdigest()
print(json.dumps({"digest": digest, "seconds": seconds, "accuracy": record["metrics"]["test_accuracy"],
                  "loss": record["metrics"]["test_loss"], "weights": [w.tolist() for w in weights]}))
"""


def train_in_a_fresh_process(blog: Path, cache: Path, threads, environment: dict, one_core: bool = False) -> dict:
    env = {**os.environ, **environment}
    pin = ["taskset", "-c", "0"] if one_core and shutil.which("taskset") else []
    result = subprocess.run([*pin, sys.executable, "-c", TRAIN_ONE, str(blog), str(cache), json.dumps(threads)],
                            env=env, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        blog = Path(folder) / "blog"
        (blog / "_models").mkdir(parents=True)
        (blog / "_models" / "small.yml").write_text(SMALL_MODEL)
        results = []
        for index, (label, threads, environment, one_core) in enumerate(CONFIGURATIONS):
            outcome = train_in_a_fresh_process(blog, Path(folder) / f"cache-{index}", threads, environment, one_core)
            results.append((label, outcome))
    import numpy as np

    reference = results[0][1]
    weight_sets: dict[str, str] = {}  # digest -> "A", "B", ...: configurations with one letter agree
    for label, outcome in results:
        letter = weight_sets.setdefault(outcome["digest"], chr(ord("A") + len(weight_sets)))
        largest = max(float(np.max(np.abs(np.subtract(a, b)))) for a, b in zip(outcome["weights"], reference["weights"]))
        print(f"{label:<24} training {outcome['seconds']:6.2f} s  test accuracy {outcome['accuracy']:.4f}  "
              f"loss {outcome['loss']:.6f}  weights {letter} (largest difference from 1 thread {largest:.2e})")
