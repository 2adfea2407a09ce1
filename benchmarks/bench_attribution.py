"""The attribution kinds on the default blog's fashion_vgg (from its frozen results: nothing trains):
Grad-CAM of three test images (time, and the forward and backward passes per image, counted), filter
patterns of a 32-channel layer at 28x28 (target: under 10 s), integrated gradients with 64 steps and with
the default 256, batched (time and completeness error). Peak memory is the process's maximum resident set."""

from __future__ import annotations

import resource
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

from generator.figures import attribution
from generator.freeze import FrozenResults
from generator.models.store import ModelStore

SOURCE = Path(__file__).resolve().parents[1] / "content"
IMAGES = 3


class Counted:
    """A function that counts its calls (each one pass over a batch)."""

    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *arguments, **keywords):
        self.calls += 1
        return self.function(*arguments, **keywords)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def run() -> None:
    with tempfile.TemporaryDirectory() as cache:
        store = ModelStore(SOURCE, Path(cache), frozen=FrozenResults(SOURCE))
        model = store.get("fashion_vgg")
        images = model.dataset().x_test[:IMAGES].astype(np.float32)
        scorer = attribution.Scorer(model.keras_model)
        classes = model.predict(images).argmax(-1)
        attribution.grad_cam(scorer, "conv2d_3", images, classes)  # warm up: graph tracing, imports

        forward = Counted(scorer.feature_function("conv2d_3"))
        backward = Counted(attribution.gradients)
        scorer._features["conv2d_3"], attribution.gradients = forward, backward
        try:
            _, seconds = timed(lambda: attribution.grad_cam(scorer, "conv2d_3", images, classes))
        finally:
            attribution.gradients = backward.function
        # one batched forward pass to the layer, one forward-and-backward pass through the layers above it
        print(f"grad-cam of {IMAGES} images (fashion_vgg, conv2d_3): {seconds * 1000:.0f} ms, "
              f"{forward.calls} forward pass(es) to the layer and {backward.calls} forward-and-backward "
              f"pass(es) above it, for all {IMAGES} images together (the figure adds one prediction pass; "
              f"target: at most 3 passes per image); "
              f"peak memory {peak_mb():.0f} MB", flush=True)

        patterns, seconds = timed(lambda: attribution.filter_patterns(
            scorer, "conv2d_3", list(range(32)), (28, 28, 1), steps=64, step_size=8.0, jitter=1, blur=0.5,
            blur_every=8, seed=0, start=(0.0, 32.0)))
        fired = patterns.start > 0
        gain = np.median(patterns.end[fired] / patterns.start[fired])
        print(f"filter patterns of 32 channels at 28x28 (conv2d_3, 64 steps, one batch): {seconds:.2f} s "
              f"(target < 10 s), median gain {gain:.0f}x; peak memory {peak_mb():.0f} MB", flush=True)

        black = np.zeros_like(images)
        for steps in (64, 256):
            result, seconds = timed(partial(attribution.integrated_gradients, scorer, images, classes, black,
                                            steps=steps))
            print(f"integrated gradients of {IMAGES} images, {steps} steps batched ({IMAGES * (steps + 1)} points "
                  f"in chunks of {attribution.CHUNK}): {seconds * 1000:.0f} ms, largest completeness error "
                  f"{result.completeness.max():.2%}; peak memory {peak_mb():.0f} MB", flush=True)
