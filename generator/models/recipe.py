"""The Keras code equivalent to a model spec: the network, compile and fit as layerpress makes them
(`build.build_model`, `train.train`), written as a reader would run them.

`recipe_code(spec, record)` is Python source: seeds, a `load_data()` line standing for layerpress's
data set (described from the record), the layers as written in the spec, the optimizer with its
learning-rate schedule, the loss and metrics, each epoch's batches in the order layerpress draws
them (a permutation seeded by (seed, epoch)), and the best-epoch checkpoint. tests/models/test_recipe.py
runs it and compares the network and the trained weights with the store's. `optimizer_settings(spec)`
is what a post may quote (optimizer, learning rate, batch size, epochs).
"""

from __future__ import annotations

import inspect
import json
import textwrap
from typing import Any

from generator.models.backend import import_keras
from generator.models.spec import LayerSpec, ModelSpec

INDENT = "    "
WIDTH = 88   # Black's line length: beyond it, a call takes one argument a line
COMMENT_WIDTH = 72   # comments are read whole: what a text column shows without scrolling
CHECKPOINT_FILE = "best.weights.h5"


def literal(value) -> str:
    """A YAML value as Python source: strings in double quotes, 1/n as `1 / n`, lists and mappings inside."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and 0 < value < 1 and 1 / round(1 / value) == value \
            and len(repr(value)) > len(f"1 / {round(1 / value)}"):
        return f"1 / {round(1 / value)}"   # Rescaling's 0.00392156862745098 is 1 / 255
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(key))}: {literal(item)}" for key, item in value.items()) + "}"
    return repr(value)


def call(function: str, positional: tuple = (), keywords: dict | None = None, *, depth: int = 0,
         prefix: int = 0) -> str:
    """`function(arguments)` on one line when it fits in WIDTH at `depth` indents, else one argument a line.
    A value may be a `Call` (a nested call, wrapped the same way)."""
    values = [*positional, *(keywords or {}).values()]
    names = [""] * len(positional) + [f"{key}=" for key in keywords or {}]

    def argument(name: str, value, level: int) -> str:
        return name + (value.source(level, len(name)) if isinstance(value, Call) else literal(value))

    one_line = f"{function}({', '.join(argument(n, v, depth) for n, v in zip(names, values))})"
    if len(INDENT * depth) + prefix + len(one_line) + 1 <= WIDTH or not values:   # 1: the comma after it
        return one_line
    inner = INDENT * (depth + 1)
    return (f"{function}(\n" + "".join(f"{inner}{argument(n, v, depth + 1)},\n" for n, v in zip(names, values))
            + f"{INDENT * depth})")


class Call:
    """A nested call, formatted where it stands."""

    def __init__(self, function: str, keywords: dict):
        self.function, self.keywords = function, keywords

    def source(self, depth: int, prefix: int = 0) -> str:
        return call(self.function, (), self.keywords, depth=depth, prefix=prefix)


def layer_line(layer: LayerSpec) -> str:
    return call(f"keras.layers.{layer.class_name}", layer.positional, layer.args, depth=1)


def optimizer_code(spec: ModelSpec) -> Call:
    """The optimizer layerpress compiles with (`spec.make_optimizer`), its learning rate always stated."""
    cls, config = _optimizer_class_and_config(spec)
    keywords = dict(config)
    rate = keywords.pop("learning_rate", _default(cls, "learning_rate"))
    if isinstance(rate, dict):
        schedule = import_keras().optimizers.schedules.deserialize(dict(rate))
        rate = Call(_public_path("optimizers.schedules", type(schedule)), dict(rate.get("config") or {}))
    return Call(_public_path("optimizers", cls), {"learning_rate": rate, **keywords})


def optimizer_settings(spec: ModelSpec) -> dict:
    """{optimizer, learning_rate, batch_size, epochs} and, with a schedule, its name: numbers a post quotes.
    A schedule's learning_rate is its initial one."""
    cls, config = _optimizer_class_and_config(spec)
    rate = config.get("learning_rate", _default(cls, "learning_rate"))
    settings: dict[str, Any] = {"optimizer": cls.__name__, "batch_size": spec.fit["batch_size"],
                                "epochs": spec.fit["epochs"]}
    if isinstance(rate, dict):
        schedule = import_keras().optimizers.schedules.deserialize(dict(rate))
        settings["schedule"] = type(schedule).__name__
        rate = schedule.get_config().get("initial_learning_rate")
    if rate is not None:
        settings["learning_rate"] = rate
    return settings


def _optimizer_class_and_config(spec: ModelSpec) -> tuple[type, dict]:
    keras = import_keras()
    optimizer = spec.compile["optimizer"]
    if isinstance(optimizer, str):
        return type(keras.optimizers.get(optimizer)), {}
    config = dict(optimizer.get("config") or {})
    config.pop("name", None)   # layerpress names it after its class; the name changes nothing in training
    return type(keras.optimizers.get({**optimizer, "config": {k: v for k, v in config.items()
                                                               if k != "learning_rate"}})), config


def _default(cls: type, argument: str):
    parameter = inspect.signature(cls).parameters.get(argument)
    return None if parameter is None or parameter.default is parameter.empty else parameter.default


def _public_path(module: str, cls: type) -> str:
    """`keras.optimizers.AdamW`: where Keras exports the class (a spec can name no other optimizer or schedule)."""
    keras = import_keras()
    exported = keras
    for part in module.split("."):
        exported = getattr(exported, part)
    if getattr(exported, cls.__name__, None) is not cls:
        raise ValueError(f"{cls.__name__} is not keras.{module}.{cls.__name__}")
    return f"keras.{module}.{cls.__name__}"


def recipe_code(spec: ModelSpec, record: dict) -> str:
    """The whole recipe as Python source (ends with a newline)."""
    sections = [_imports(spec), _seeds(spec), _model(spec, record), _compile(spec)]
    if spec.untrained:
        sections.append(f"# {spec.ref}: built and compiled, never fitted: these are its initial weights.")
    elif spec.trained_by_build:
        sections += [_data(spec, record), _batches(spec), _fit(spec, record)]
    return "\n\n".join(sections) + "\n"


def _imports(spec: ModelSpec) -> str:
    if spec.untrained or not spec.trained_by_build:
        return "import keras\nimport tensorflow as tf"
    return "import math\n\nimport keras\nimport numpy as np\nimport tensorflow as tf"


def _seeds(spec: ModelSpec) -> str:
    return ("# Seeds and reproducible ops, as layerpress trains\n"
            f"keras.utils.set_random_seed({spec.seed})\n"
            "tf.config.experimental.enable_op_determinism()")


def _model(spec: ModelSpec, record: dict) -> str:
    if spec.application or spec.load:
        raise ValueError("a recipe shows a model with declared layers")
    shape = tuple(record["input_shape"])
    lines = [f"{INDENT}keras.Input(shape={shape!r}),  # raw pixel values, 0..255"]
    lines += [f"{INDENT}{layer_line(layer)}," for layer in spec.layers or ()]
    text = "model = keras.Sequential([\n" + "\n".join(lines) + f"\n], name={literal(spec.name)})"
    if spec.weights:
        text += f"\nmodel.load_weights({literal(spec.written['weights'])})  # trained elsewhere: no fit"
    return text


def _compile(spec: ModelSpec) -> str:
    return call("model.compile", (), {"optimizer": optimizer_code(spec), "loss": spec.compile["loss"],
                                      "metrics": list(spec.compile["metrics"])})


def _data(spec: ModelSpec, record: dict) -> str:
    names = record.get("class_names") or []
    shape = "x".join(str(n) for n in record["input_shape"])
    validated = _validated(record)
    dataset = (spec.dataset or {}).get("name", "its")
    about = (f"load_data() stands for layerpress's {literal(dataset)} data set (dataset: in the spec): "
             f"x: {shape} images as pixel values 0..255, y: class numbers 0..{len(names) - 1}"
             + (f" ({', '.join(names)})" if names else "") + f"; {record['train_examples']:,} for training"
             + (f", {record['validation_examples']:,} held out for validation." if validated else "."))
    lines = textwrap.wrap(about, COMMENT_WIDTH, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)
    lines.append("x_train, y_train, x_val, y_val = load_data()" if validated else "x_train, y_train = load_data()")
    lines += _targets(spec, len(names), validated)
    return "\n".join(lines)


def _targets(spec: ModelSpec, classes: int, validated: bool) -> list[str]:
    """The labels as the loss takes them (`build.targets`): integers, floats for a binary loss, else one-hot."""
    name = str(spec.compile["loss"]).lower()
    if "sparse" in name:
        return []
    sets = ("y_train", "y_val") if validated else ("y_train",)
    if "binary" in name:
        return [f'{y} = {y}.astype("float32")' for y in sets]
    return [f'{y} = np.eye({classes}, dtype="float32")[{y}]' for y in sets]


def _batches(spec: ModelSpec) -> str:
    epochs, size = spec.fit["epochs"], spec.fit["batch_size"]
    return ("# Each epoch's order is drawn from (seed, epoch), as layerpress does\n"
            "def batches():\n"
            f"{INDENT}for epoch in range({epochs}):\n"
            f"{INDENT * 2}order = np.random.default_rng([{spec.seed}, epoch]).permutation(len(x_train))\n"
            f"{INDENT * 2}for start in range(0, len(order), {size}):\n"
            f"{INDENT * 3}batch = order[start:start + {size}]\n"
            f'{INDENT * 3}yield x_train[batch].astype("float32"), y_train[batch]')


def _validated(record: dict) -> bool:
    """Whether training reads a validation set (`train._fit`: when the data set holds one)."""
    return bool(record.get("validation_examples"))


def _fit(spec: ModelSpec, record: dict) -> str:
    epochs, size = spec.fit["epochs"], spec.fit["batch_size"]
    callbacks = [f"{INDENT * 2}keras.callbacks.TerminateOnNaN(),"]
    if spec.checkpoint:
        callbacks.append(f"{INDENT * 2}keras.callbacks.ModelCheckpoint(  # keeps the best epoch's weights\n"
                         f"{INDENT * 3}{literal(CHECKPOINT_FILE)}, monitor={literal(spec.checkpoint['monitor'])}, "
                         f"mode={literal(spec.checkpoint['mode'])},\n"
                         f"{INDENT * 3}save_best_only=True, save_weights_only=True),")
    validation = [f'{INDENT}validation_data=(x_val.astype("float32"), y_val),'] \
        if _validated(record) else []
    lines = ["model.fit(", f"{INDENT}batches(),", f"{INDENT}epochs={epochs},",
             f"{INDENT}steps_per_epoch=math.ceil(len(x_train) / {size}),", f"{INDENT}shuffle=False,", *validation,
             f"{INDENT}callbacks=[", *callbacks, f"{INDENT}],", ")"]
    if spec.checkpoint:
        lines.append(f"model.load_weights({literal(CHECKPOINT_FILE)})")
    return "\n".join(lines)
