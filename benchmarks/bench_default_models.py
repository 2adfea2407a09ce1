"""Training every model the default blog uses, from scratch, in one process (as a clean `make site` does).

Targets: about 90 s of training in all and peak memory under 3 GB on a 2-core CPU.
"""

import resource
import tempfile
import time
from pathlib import Path

from generator.models.store import ModelStore

CONTENT = Path(__file__).resolve().parent.parent / "content"
REFS = ["shapes_cnn", "conv_cnn", "dense_mlp:untrained", "dense_mlp:sgd", "dense_mlp:rmsprop",
        "dense_mlp:adagrad", "fashion_vgg"]


def run() -> None:
    with tempfile.TemporaryDirectory() as cache:
        store = ModelStore(CONTENT, Path(cache), quiet=True)
        started = time.perf_counter()
        training = 0.0
        for ref in REFS:
            record = store.record(ref)
            training += record["train_seconds"]
            print(f"{ref:22s} train {record['train_seconds']:6.1f} s   "
                  f"test accuracy {record['metrics'].get('test_accuracy', float('nan')):.4f}", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"all models: training {training:.1f} s, wall {time.perf_counter() - started:.1f} s, "
          f"peak memory {peak_mb:.0f} MB")
