"""One progress line per model while it trains: epoch, time left, and why it trains."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from generator.models.backend import import_keras

log = logging.getLogger(__name__)


def progress_callback(ref: str, reason: str, epochs: int, first_epoch: int, steps: int, stream=None):
    """A Keras callback drawing one tqdm bar (on a terminal) or logging one line per epoch (in a log)."""
    keras: Any = import_keras()
    stream = stream or sys.stderr
    interactive = stream.isatty()

    class TrainingProgress(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.started, self.bar = time.perf_counter(), None
            if interactive:
                from tqdm import tqdm

                self.bar = tqdm(total=epochs * steps, initial=first_epoch * steps, desc=f"{ref} ({reason})",
                                unit="step", file=stream, leave=True)

        def on_train_batch_end(self, batch, logs=None):
            if self.bar is not None:
                self.bar.update(1)

        def on_epoch_begin(self, epoch, logs=None):
            if self.bar is not None:
                self.bar.set_postfix_str(f"epoch {epoch + 1}/{epochs}", refresh=False)

        def on_epoch_end(self, epoch, logs=None):
            if self.bar is None:
                done = epoch + 1 - first_epoch
                left = (time.perf_counter() - self.started) / done * (epochs - epoch - 1)
                score = "".join(f", {key} {value:.4f}" for key, value in (logs or {}).items() if key.startswith("val_acc"))
                log.info("%s: epoch %d/%d, %s left%s (%s)", ref, epoch + 1, epochs, format_seconds(left), score, reason)

        def on_train_end(self, logs=None):
            if self.bar is not None:
                self.bar.close()

    return TrainingProgress()


def format_seconds(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}:{seconds:02d}"
