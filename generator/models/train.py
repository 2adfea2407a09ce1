"""Training with seeds, op determinism, best-epoch checkpointing and resumable epochs.

One `fit` call reads a tf.data pipeline in which each epoch's order is drawn from
(seed, epoch). After every epoch a callback saves to the work folder the model (weights +
optimizer state), the history, the best epoch so far and every SeedGenerator state
(Dropout's; the `.keras` file does not hold them). A killed run resumes from the last
completed epoch and ends with the same weights as an uninterrupted one.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from generator import console
from generator.cache import write_atomically
from generator.datasets import Dataset
from generator.models.backend import import_keras, import_tensorflow
from generator.models.applications import default_class_names, preprocess_function, preprocess_name
from generator.models.build import build_model, targets
from generator.models.nesting import layer_entries
from generator.models.progress import progress_callback
from generator.models.spec import ModelSpec
from generator.models.trained import predict_eagerly
from generator.models.versions import versions

log = logging.getLogger(__name__)

STATE = "state.json"
BEST = "best.npz"


def train(spec: ModelSpec, dataset: Dataset | None, work_dir: Path, *, reason: str = "not in the cache",
          safe: bool = False):
    """(compiled Keras model with the kept weights, record without name/cache_key).
    `reason` says why it trains (shown in the progress line)."""
    keras, tf = import_keras(), import_tensorflow()
    keras.utils.set_random_seed(spec.seed)
    tf.config.experimental.enable_op_determinism()
    strategy, device = _strategy(tf)
    log.info("%s %s on %s (%s)", "training" if _trains(spec) else "evaluating", spec.ref, device, reason)
    started = time.perf_counter()
    work_dir.mkdir(parents=True, exist_ok=True)
    with strategy.scope():
        model = build_model(spec, dataset.image_shape if dataset else None, safe=safe)
    history, best_epoch, resumed_at = None, None, None
    if _trains(spec):
        assert dataset is not None, "read_spec: a model that trains has a dataset"
        history, best_epoch, resumed_at = _fit(model, spec, dataset, work_dir, reason)
    record = describe(model, spec, dataset, history, best_epoch)
    record.update(train_seconds=round(time.perf_counter() - started, 3), device=device, resumed_at_epoch=resumed_at)
    return model, record


def _trains(spec: ModelSpec) -> bool:
    """Only declared layers without saved weights are fitted; `untrained` keeps the initial weights."""
    return not (spec.untrained or spec.load or spec.weights or spec.application)


def _strategy(tf):
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy(), f"{len(gpus)} GPUs (MirroredStrategy)"
    return tf.distribute.get_strategy(), "GPU" if gpus else "CPU"


def _fit(model, spec: ModelSpec, dataset: Dataset, work_dir: Path, reason: str):
    n_classes = len(dataset.class_names)
    validation = None
    if len(dataset.x_val):
        validation = (dataset.x_val.astype("float32"), targets(dataset.y_val, spec.compile["loss"], n_classes))
    state = _resume(model, work_dir) or {"epoch": 0, "history": {}, "best_epoch": None, "best_value": None}
    resumed_at = state["epoch"] or None
    if resumed_at:
        log.info("resuming %s after epoch %s", spec.ref, resumed_at)
    if state["epoch"] < spec.fit["epochs"]:
        batches, steps = _epoch_batches(dataset.x_train, targets(dataset.y_train, spec.compile["loss"], n_classes),
                                        spec, state["epoch"])
        callbacks = [import_keras().callbacks.TerminateOnNaN(), _epoch_checkpointer(spec, state, work_dir)]
        if not console.is_quiet():  # Keras' own progress stays off (verbose=0): this callback is the one
            callbacks.append(progress_callback(spec.ref, reason, spec.fit["epochs"], state["epoch"], steps))
        with contextlib.redirect_stdout(io.StringIO()):  # TerminateOnNaN prints; progress goes to stderr
            model.fit(batches, epochs=spec.fit["epochs"], initial_epoch=state["epoch"], steps_per_epoch=steps,
                      shuffle=False, validation_data=validation, verbose=0, callbacks=callbacks)
    _check_finite(spec, state["history"])
    if spec.checkpoint and state["best_epoch"] is not None:
        _assign(model.weights, _read_arrays(work_dir / BEST))
    return state["history"], state["best_epoch"], resumed_at


class DivergedError(Exception):
    """Training produced a NaN or infinite loss: the store drops the run and reports the spec's error."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


def _check_finite(spec: ModelSpec, history: dict) -> None:
    """A NaN or infinite loss stops the build, naming the spec and the first bad epoch."""
    for key in ("loss", "val_loss"):
        for epoch, value in enumerate(history.get(key, []), start=1):
            if not np.isfinite(value):
                error = spec.error(f"training {spec.ref} diverged: {key} is {value} at epoch {epoch}", "compile",
                                   hint="lower the learning rate, or check the data and the loss")
                raise DivergedError(error)


def _epoch_batches(x: np.ndarray, y: np.ndarray, spec: ModelSpec, first_epoch: int):
    """(tf.data batches for epochs first_epoch.., steps per epoch); each epoch's order comes from (seed, epoch)."""
    tf = import_tensorflow()
    batch_size = spec.fit["batch_size"]
    orders = np.stack([np.random.default_rng([spec.seed, epoch]).permutation(len(x))
                       for epoch in range(first_epoch, spec.fit["epochs"])])
    images, labels = tf.constant(x), tf.constant(y)
    batches = (tf.data.Dataset.from_tensor_slices(orders)
               .flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
               .map(lambda index: (tf.cast(tf.gather(images, index), tf.float32), tf.gather(labels, index)))
               .prefetch(tf.data.AUTOTUNE))
    return batches, -(-len(x) // batch_size)


def _epoch_checkpointer(spec: ModelSpec, state: dict, work_dir: Path):
    """A callback that, after every epoch, extends the history, keeps the best weights and checkpoints."""
    keras: Any = import_keras()

    class EpochCheckpointer(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            for key, value in (logs or {}).items():
                state["history"].setdefault(key, []).append(float(value))
            _update_best(self.model, spec, state, epoch, work_dir)
            _save_checkpoint(self.model, state, epoch + 1, work_dir)

    return EpochCheckpointer()


def _update_best(model, spec: ModelSpec, state: dict, epoch: int, work_dir: Path) -> None:
    if not spec.checkpoint:
        return
    monitor, mode = spec.checkpoint["monitor"], spec.checkpoint["mode"]
    if monitor not in state["history"]:
        raise spec.error(f"checkpoint.monitor '{monitor}' is not logged by training", "checkpoint",
                         hint=f"logged: {', '.join(sorted(state['history']))}")
    value, best = state["history"][monitor][-1], state["best_value"]
    if best is None or (value > best if mode == "max" else value < best):
        _write_arrays(work_dir / BEST, model.weights)
        state["best_epoch"], state["best_value"] = epoch + 1, value


def _seed_generators(model) -> list:
    keras = import_keras()

    return [value for layer in model._flatten_layers() for value in vars(layer).values()
            if isinstance(value, keras.random.SeedGenerator)]


def _write_arrays(path: Path, variables) -> None:
    """The variables' values as an uncompressed .npz, written atomically (a snapshot, not a .keras save:
    it costs about a fifteenth of one, which matters when it runs after every epoch)."""
    scratch = path.with_name(f"{path.stem}-{os.getpid()}.tmp.npz")
    np.savez(scratch, *[np.asarray(variable.numpy()) for variable in variables])
    os.replace(scratch, path)


def _read_arrays(path: Path) -> list:
    with np.load(path) as arrays:
        return [arrays[f"arr_{index}"] for index in range(len(arrays.files))]


def _assign(variables, values) -> None:
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)


def _save_checkpoint(model, state: dict, epochs_done: int, work_dir: Path) -> None:
    """Snapshot the epoch's weights and optimizer state, then atomically switch state.json to them,
    then drop older snapshots."""
    checkpoint = f"epoch-{epochs_done:04d}.npz"
    _write_arrays(work_dir / checkpoint, [*model.weights, *model.optimizer.variables])
    state.update(epoch=epochs_done, checkpoint=checkpoint,
                 seed_states=[np.asarray(g.state.numpy()).tolist() for g in _seed_generators(model)])
    write_atomically(work_dir / STATE, json.dumps(state))
    for old in work_dir.glob("epoch-*.npz"):
        if old.name != checkpoint:
            old.unlink()


def _resume(model, work_dir: Path) -> dict | None:
    """The saved state with the model restored to it, or None when there is nothing to resume."""
    try:
        state = json.loads((work_dir / STATE).read_text())
        checkpoint = work_dir / state["checkpoint"]
    except (OSError, ValueError, KeyError):
        return None
    if not checkpoint.is_file() or checkpoint.suffix != ".npz":  # missing, or from an older layerpress
        return None
    model.optimizer.build(model.trainable_variables)
    variables = [*model.weights, *model.optimizer.variables]
    values = _read_arrays(checkpoint)
    if len(values) != len(variables):
        return None  # a snapshot of some other architecture: start again
    _assign(variables, values)
    for generator, value in zip(_seed_generators(model), state["seed_states"]):
        generator.state.assign(np.asarray(value, dtype=generator.state.dtype))
    return state


def describe(model, spec: ModelSpec, dataset: Dataset | None, history, best_epoch) -> dict:
    """The stored record: history, test metrics, confusion matrix, layers, sizes, versions."""
    record = {
        "history": history, "metrics": None, "confusion_matrix": None,
        "class_names": class_names(model, spec, dataset),
        "params": int(model.count_params()),
        "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "epochs": len(next(iter(history.values()), [])) if history else 0, "best_epoch": best_epoch,
        "versions": versions(),
        "layers": layer_entries(model),
        "input_shape": list(model.inputs[0].shape[1:]),
        **({"application": spec.application, "preprocess": preprocess_name(spec)} if spec.application else {}),
        "dataset": dataset.options if dataset else None,
        "train_examples": len(dataset.x_train) if dataset else None,
        "validation_examples": len(dataset.x_val) if dataset else None,
        "test_examples": len(dataset.x_test) if dataset else None,
    }
    if dataset is not None:
        record.update(_test_metrics(model, spec, dataset))
    return record


def class_names(model, spec: ModelSpec, dataset: Dataset | None) -> list[str] | None:
    """The spec's `classes:`, else the data set's; as many as the model has outputs (one sigmoid: two)."""
    names = spec.classes or (dataset.class_names if dataset else None) or default_class_names(spec, model)
    if names is None:
        return None
    if dataset is not None and len(names) != len(dataset.class_names):
        raise spec.error(f"'classes' names {len(names)} classes, the data set has {len(dataset.class_names)}",
                         "classes")
    outputs = model.outputs[0].shape[-1]
    if spec.classes and len(model.outputs[0].shape) == 2 and len(names) != max(outputs or 0, 2):
        raise spec.error(f"'classes' names {len(names)} classes, the model has {outputs} outputs", "classes")
    return list(names)


def _scores(model, y: np.ndarray, probabilities: np.ndarray) -> dict:
    """What `model.evaluate` returns (loss and compiled metrics), from predictions already made:
    one pass over the test set instead of two, and no evaluation function to trace."""
    keras = import_keras()
    model.reset_metrics()
    loss = model.compute_loss(y=y, y_pred=probabilities, training=False)
    results = {**model.compute_metrics(None, y, probabilities, sample_weight=None), "loss": loss}
    return {key: float(keras.ops.convert_to_numpy(value)) for key, value in results.items()}


def _test_metrics(model, spec: ModelSpec, dataset: Dataset) -> dict:
    x = dataset.x_test.astype("float32")
    if tuple(model.inputs[0].shape[1:]) != tuple(x.shape[1:]):
        raise spec.error(f"the model takes inputs of shape {tuple(model.inputs[0].shape[1:])}, "
                         f"the data set has {tuple(x.shape[1:])}", "dataset",
                         hint="set dataset.image_size and dataset.color_mode to match")
    y = targets(dataset.y_test, spec.compile["loss"], len(dataset.class_names))
    prepare = preprocess_function(preprocess_name(spec))
    probabilities = predict_eagerly(model, prepare(x) if prepare else x)
    scores = _scores(model, y, probabilities)
    predicted = (probabilities[:, 0] > 0.5).astype(int) if probabilities.shape[-1] == 1 else probabilities.argmax(-1)
    n = len(dataset.class_names)
    matrix = np.zeros((n, n), dtype=int)
    np.add.at(matrix, (dataset.y_test, predicted), 1)
    return {"metrics": {f"test_{key}": float(value) for key, value in scores.items()},
            "confusion_matrix": matrix.tolist()}
