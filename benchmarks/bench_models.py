"""Models stage: layerpress training vs a bare model.fit, activations, warm cache keys, shapes speed."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

SPEC = """\
dataset: {name: shapes, image_size: [28, 28], per_class: 600, validation_split: 0.2, seed: 1}
layers:
  - Rescaling: {scale: 0.00392156862745098}
  - Conv2D: {filters: 16, kernel_size: 3, activation: relu}
  - MaxPooling2D: 2
  - Conv2D: {filters: 32, kernel_size: 3, activation: relu}
  - MaxPooling2D: 2
  - Dropout: 0.3
  - Flatten
  - Dense: {units: 3, activation: softmax}
compile: {optimizer: adam, loss: sparse_categorical_crossentropy, metrics: [accuracy]}
fit: {epochs: 6, batch_size: 32}
seed: 3
"""
PAIRS = 5  # a bare fit then layerpress, alternating: load from other processes hits both alike


def _bare_fit(store, dataset) -> float:
    """The same model on the same data with nothing but Keras: build, fit, evaluate."""
    import keras

    from generator.models.build import build_model

    spec = store.spec("bench")
    started = _clocks()
    keras.utils.set_random_seed(spec.seed)
    model = build_model(spec, dataset.image_shape)
    model.fit(dataset.x_train.astype("float32"), dataset.y_train, epochs=spec.fit["epochs"],
              batch_size=spec.fit["batch_size"], validation_data=(dataset.x_val.astype("float32"), dataset.y_val),
              verbose=0)
    model.evaluate(dataset.x_test.astype("float32"), dataset.y_test, verbose=0)
    return _since(started)


def _layerpress_fit(store, dataset, work_dir: Path) -> float:
    from generator.models.train import train

    started = _clocks()
    train(store.spec("bench"), dataset, work_dir)
    return _since(started)


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    """(wall seconds, CPU seconds): the CPU time is steadier on a machine shared with others."""
    return tuple(now - then for now, then in zip(_clocks(), started))


def run() -> None:
    from generator.models.store import ModelStore

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "blog"
        (source / "_models").mkdir(parents=True)
        (source / "_models" / "bench.yml").write_text(SPEC)
        store = ModelStore(source, Path(folder) / "cache")
        started = time.perf_counter()
        dataset = store.dataset("bench")
        images = len(dataset.x_train) + len(dataset.x_val) + len(dataset.x_test)
        print(f"shapes: {images} 28x28 images generated and leak-checked in {time.perf_counter() - started:.2f} s "
              f"({images / (time.perf_counter() - started):.0f} images/s)")
        _bare_fit(store, dataset)  # warm-up: TensorFlow import, graph tracing
        runs = [(_bare_fit(store, dataset), _layerpress_fit(store, dataset, Path(folder) / f"work{i}"))
                for i in range(PAIRS)]
        for clock, index in (("wall", 0), ("CPU", 1)):
            bare, ours = (statistics.median(run[side][index] for run in runs) for side in (0, 1))
            ratio = statistics.median(run[1][index] / run[0][index] for run in runs)
            print(f"training 6 epochs, {len(dataset.x_train)} images ({clock}, median of {PAIRS} pairs): bare "
                  f"model.fit {bare:.2f} s, layerpress {ours:.2f} s, ratio {ratio:.3f} (target <= 1.05)")

        model = store.get("bench")
        probes = dataset.x_test[:16]
        names = model.layer_names()
        model.activations(names, probes)
        started = time.perf_counter()
        outputs = model.activations(names, probes)
        print(f"activations of all {len(outputs)} layers for 16 probes, one forward pass: "
              f"{(time.perf_counter() - started) * 1000:.1f} ms")

        warm = ModelStore(source, Path(folder) / "cache")
        started = time.perf_counter()
        warm.cache_key("bench"), warm.is_cached("bench"), warm.record("bench")
        print(f"no-change path (spec, cache key, is_cached, record) on a warm cache: "
              f"{(time.perf_counter() - started) * 1000:.1f} ms")
