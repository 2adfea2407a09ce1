"""What post bodies see of the figures stage: `models` (the records of the models the text quotes)
and `percent`, the one way a share is written for readers (the Liquid filter, alt texts, notes, figures'
labels, `layerpress check`'s report)."""

from __future__ import annotations

import math
from typing import Any

from generator.errors import FigureError, did_you_mean


def percent(value, digits: int = 1) -> str:
    """0.9123 -> '91.2%', with more decimals where `digits` would print an untruth: a share under 1% shows
    two significant digits (0.0012 -> '0.12%', never '0%' for one that is not 0), and one short of 100% as
    many as it takes not to read '100%' (0.9997 -> '99.97%'), down to a hundredth of a point: beyond it
    float32 outputs hold no more truth, and '<0.01%' / '>99.99%' say what is known. `digits=0` -> '91%'."""
    points = value * 100
    if 0 < points < FINEST_POINTS:
        return f"<{FINEST_POINTS}%"
    if 100 - FINEST_POINTS < points < 100:
        return f">{100 - FINEST_POINTS}%"
    decimals = digits
    if 0 < abs(points) < 1:
        decimals = max(digits, 1 - math.floor(math.log10(abs(points))))
    while decimals < 12 and points != 100 and float(f"{points:.{decimals}f}") in (100, -100):
        decimals += 1
    return f"{points:.{decimals}f}%"


FINEST_POINTS = 0.01   # the smallest share `percent` writes in digits, in percentage points


# Why a record holds null for a key, and how to give the model what it lacks (quoting a null is an error:
# it would print "" or, through `percent`, "0.0%").
NULL_REASONS = {
    "metrics": ("was not tested: it has no test set", "add a `dataset:` with test images to _models/{name}.yml"),
    "confusion_matrix": ("was not tested: it has no test set",
                         "add a `dataset:` with test images to _models/{name}.yml"),
    "class_names": ("has no class names", "add `classes:` to _models/{name}.yml, or a `dataset:`"),
    "history": ("has no training history: the build did not train it",
                "a model with `layers:` and a `dataset:` is trained by the build"),
    "best_epoch": ("has no best epoch: the build did not train it with a checkpoint",
                   "a model with `layers:`, a `dataset:` and `checkpoint:` on has one"),
}
DATA_KEYS = ("dataset", "train_examples", "validation_examples", "test_examples")


class RecordView:
    """Attribute access to a model record for templates; a wrong key, or a value the model does not have
    (null), is a clear error."""

    def __init__(self, data: dict, path: str):
        self._data = data
        self._path = path

    def __getattr__(self, key: str):
        if key.startswith("_"):
            raise AttributeError(key)
        return self[key]

    def __getitem__(self, key: str):
        if key not in self._data:
            raise FigureError(f"{self._path} has no '{key}'",
                              hint=did_you_mean(key, self._data) or "keys: " + ", ".join(sorted(self._data)))
        value = self._data[key]
        if value is None:
            raise self._null(key)
        return RecordView(value, f"{self._path}.{key}") if isinstance(value, dict) else value

    def _null(self, key: str) -> FigureError:
        """`models.NAME.KEY` is null: say why, and what the spec needs."""
        parts = self._path.split(".")
        name = parts[1] if len(parts) > 1 else self._path
        if key in DATA_KEYS:
            reason, hint = "has no data set", "add a `dataset:` to _models/{name}.yml"
        elif key in NULL_REASONS:
            reason, hint = NULL_REASONS[key]
        else:
            return FigureError(f"{self._path}.{key} is null")
        return FigureError(f"{self._path}.{key}: model '{name}' {reason}", hint=hint.format(name=name))

    def __iter__(self):
        return iter(self._data)

    def __str__(self) -> str:
        return str(self._data)


class ModelsContext(RecordView):
    """`models` in templates: models.NAME.metrics.test_accuracy, models.NAME.variants.V.params ...;
    models["NAME:V"] is models.NAME.variants.V."""

    def __init__(self, records: dict[str, dict], names: list[str]):
        views: dict[str, Any] = {}
        for ref, record in records.items():
            name, _, variant = ref.partition(":")
            view = views.setdefault(name, {"variants": {}})
            if variant:
                view["variants"][variant] = record
            else:
                view.update(record)
        super().__init__(views, "models")
        self._names = names

    def __getitem__(self, key: str):
        name, _, variant = str(key).partition(":")
        if variant and name in self._data:
            return self[name].variants[variant]
        if key not in self._data and key not in self._names:
            raise FigureError(f"unknown model '{key}'", hint=did_you_mean(key, self._names)
                              or "models: " + ", ".join(self._names))
        return super().__getitem__(key)


class FiguresContext(RecordView):
    """`figures` in templates: the record a figure's kind wrote (grad-cam, saliency ...), by figure id:
    figures["gradcam-mistakes"].spearman.untrained. An id used by figures of two posts is ambiguous there:
    write "post-slug/id"."""

    def __init__(self, records: dict[str, dict]):
        """`records`: {"post-slug/id": record} of every figure with a record."""
        views: dict[str, Any] = dict(records)
        by_id: dict[str, list[str]] = {}
        for name in records:
            by_id.setdefault(name.split("/", 1)[1], []).append(name)
        for figure_id, names in by_id.items():
            if len(names) == 1:
                views[figure_id] = records[names[0]]
        super().__init__(views, "figures")
        self._ambiguous = {figure_id: names for figure_id, names in by_id.items() if len(names) > 1}

    def __getitem__(self, key: str):
        if key in self._ambiguous:
            raise FigureError(f"figures.{key} is ambiguous: figures of several posts have this id",
                              hint="write one of " + ", ".join(f'figures["{name}"]' for name in self._ambiguous[key]))
        return super().__getitem__(key)
