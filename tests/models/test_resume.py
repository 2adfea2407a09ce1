"""A training killed after some epochs resumes and ends with the weights of an uninterrupted run."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from generator.models.store import ModelStore

pytestmark = pytest.mark.slow
EPOCHS = 12
TRAIN = "import sys; from pathlib import Path; from generator.models.store import ModelStore; " \
        "ModelStore(Path(sys.argv[1]), Path(sys.argv[2])).record('tiny')"
ROOT = Path(__file__).resolve().parents[2]


def kill_after_checkpoint(source: Path, cache: Path, min_epoch: int = 2) -> int:
    """Train in a subprocess, SIGKILL it once epoch `min_epoch` is checkpointed; the epochs done."""
    process = subprocess.Popen([sys.executable, "-c", TRAIN, str(source), str(cache)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            states = list((cache / "models" / ".work").glob("*/state.json"))
            if states and json.loads(states[0].read_text())["epoch"] >= min_epoch:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the training ended before it could be killed"
    return json.loads(states[0].read_text())["epoch"]


def test_killed_training_resumes_to_identical_weights(tmp_path, make_blog, tiny_spec):
    import keras

    spec = tiny_spec.replace("epochs: 3", f"epochs: {EPOCHS}").replace("per_class: 12", "per_class: 30")
    source = make_blog(tmp_path / "blog", {"tiny": spec})
    done = kill_after_checkpoint(source, tmp_path / "cache")
    assert 2 <= done < EPOCHS
    resumed_store = ModelStore(source, tmp_path / "cache")
    assert not resumed_store.is_cached("tiny")
    resumed = resumed_store.record("tiny")
    straight_store = ModelStore(source, tmp_path / "straight")
    straight = straight_store.record("tiny")
    assert resumed["resumed_at_epoch"] == done and straight["resumed_at_epoch"] is None
    assert resumed["epochs"] == straight["epochs"] == EPOCHS
    assert resumed["history"] == straight["history"]
    resumed_weights = keras.saving.load_model(resumed_store.publish_path("tiny"), compile=False).get_weights()
    straight_weights = keras.saving.load_model(straight_store.publish_path("tiny"), compile=False).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(resumed_weights, straight_weights))
    assert not list((tmp_path / "cache" / "models" / ".work").glob("*/state.json"))
