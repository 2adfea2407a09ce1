"""Model specs: `_models/NAME.yml` -> a validated ModelSpec whose errors say `file:line`.

Two levels of checking. `read_spec` checks structure, types and the data-set options
without Keras (cheap; a build with nothing to train runs only this). `check_with_keras`
checks layer classes, their arguments, the optimizer and the loss against the installed
Keras; the store runs it before any model is trained and remembers specs that passed.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.datasets import resolve_options
from generator import confine
from generator.confine import confined
from generator.errors import ModelSpecError, did_you_mean, display_path
from generator.models import UNTRAINED
from generator.models.backend import import_keras
from generator.options import (TYPE_PHRASES, Invalid, Option, Where, any_value, check_keys, check_value, choice,
                               expects, named, of_type, positive_int, shown, string, validate)
from generator.yaml_lines import LineDict, deep_merge, load_with_lines


@expects("a non-empty list such as '- Dense: {units: 10}'")
def non_empty_list(value) -> list:
    if not isinstance(value, list) or not value:
        raise Invalid()
    return value


@expects("a list of class names, or a file of them (.txt: one a line; .json: a list or an index mapping)")
def class_names_or_file(value) -> list | str:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, list) and value and all(isinstance(name, (str, int)) and not isinstance(name, bool)
                                                 for name in value):
        return [str(name) for name in value]
    raise Invalid()


@expects("[height, width, channels], three positive integers")
def image_shape(value) -> list:
    if not (isinstance(value, list) and len(value) == 3
            and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value)):
        raise Invalid()
    return value


@expects("a positive number of megabytes")
def megabytes(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise Invalid()
    return value


# Defaults of `publish:` (a model's .keras file is published when at most this big) and `explorer_budget:`.
PUBLISH_MEGABYTES = 5
EXPLORER_MEGABYTES = 2

# What `weights:` may name for an `application:` besides a file.
PRETRAINED = ("imagenet", "none")
# The ways a spec gives its network: exactly one of them.
SOURCES = ("layers", "load", "application")

# The keys of a spec file; a null value takes the default.
TOP_KEYS = named({
    "description": Option(any_value, None, "What the model is (shown by `layerpress models`)."),
    "dataset": Option(of_type(str, dict, phrase="a data-set name or a mapping"), None,
                      "The data set it trains on: a name, or a mapping of data-set options."),
    "layers": Option(non_empty_list, None, "Keras layers in order: '- Class' or '- Class: {argument: value}'."),
    "load": Option(string, None, "A saved Keras model (.keras or .h5) used instead of 'layers'."),
    "application": Option(string, None, "A pretrained network by its keras.applications constructor "
                                        "(MobileNetV2, ResNet50, ...), used instead of 'layers'."),
    "weights": Option(string, None, "With 'layers': a weights file (.h5) loaded instead of training. With "
                                    "'application': imagenet (the default), none (random), or a weights file."),
    "input_shape": Option(image_shape, None, "An application's input [height, width, channels]; default its "
                                             "own (224x224x3 for most). Probes are resized to it."),
    "arguments": Option(of_type(dict), {}, "An application constructor's other arguments (alpha, include_top, "
                                           "pooling, classes, ...), checked against its signature."),
    "preprocess": Option(of_type(bool), True, "Pass an application's inputs (probes, data) through its own "
                                              "preprocess_input; false: it takes 0..255 pixels as they are."),
    "publish": Option(of_type(bool), None, "Publish the model as site/models/NAME.keras for readers to download: "
                                           f"true, false, or by default when the file is at most {PUBLISH_MEGABYTES} MB."),
    "explorer_budget": Option(megabytes, None, f"The most its explorer page's data may weigh, in MB (default "
                                               f"{EXPLORER_MEGABYTES}): above it, the explorer keeps fewer "
                                               "channels, then fewer layers."),
    "classes": Option(class_names_or_file, None,
                      "The class of each output, in order: a list, or a file (.txt, one a line; .json, a list or "
                      "{index: name}). Default: the data set's classes. `predictions` needs them."),
    "compile": Option(of_type(dict), {}, "Optimizer, loss and metrics (COMPILE_KEYS)."),
    "fit": Option(of_type(dict), {}, "Epochs and batch size (FIT_KEYS)."),
    "checkpoint": Option(of_type(bool, dict), True,
                         "Keep the best epoch's weights: true, false, or {monitor, mode} (CHECKPOINT_KEYS)."),
    "seed": Option(of_type(int), 0, "The seed of initial weights, shuffling and dropout."),
    "variants": Option(of_type(dict), {}, "Named overrides merged into this spec: NAME: {key: value}."),
})
COMPILE_KEYS = named({
    "optimizer": Option(of_type(str, dict, phrase="a name or a Keras config mapping"), "rmsprop",
                        "A Keras optimizer name, or a Keras config {class_name, config}."),
    "loss": Option(string, "sparse_categorical_crossentropy", "A Keras loss name."),
    "metrics": Option(of_type(list), ["accuracy"], "Keras metric names."),
})
FIT_KEYS = named({
    "epochs": Option(positive_int, 10, "Training epochs."),
    "batch_size": Option(positive_int, 32, "Examples per training step."),
})
CHECKPOINT_KEYS = named({
    "monitor": Option(string, None, "The metric whose best epoch is kept; default val_loss, or loss "
                                    "without a validation split."),
    "mode": Option(choice("min", "max"), None, "min or max; default max for an accuracy, else min."),
})


@dataclass
class LayerSpec:
    class_name: str
    args: dict
    positional: tuple
    line: int
    arg_lines: dict = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.arg_lines.get(key, self.line)


@dataclass
class ModelSpec:
    name: str
    variant: str | None
    file: Path
    lines: dict
    dataset: dict | None
    layers: list[LayerSpec] | None
    load: Path | None
    weights: Path | None
    compile: dict
    fit: dict
    checkpoint: dict | None
    seed: int
    variants: list[str] = field(default_factory=list)
    written: dict = field(default_factory=dict)  # 'load' / 'weights' / 'classes' as the author wrote them
    classes: list[str] | None = None
    application: str | None = None
    arguments: dict = field(default_factory=dict)   # the application constructor's other arguments
    input_shape: list[int] | None = None
    pretrained: str | None = None                   # an application's weights: imagenet, none, or file
    preprocess: bool = True
    publish: bool | None = None                     # None: when the file is under the budget
    explorer_budget: float | None = None            # MB; None: explore.budget.DEFAULT_MEGABYTES

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.variant}" if self.variant else self.name

    @property
    def untrained(self) -> bool:
        return self.variant == UNTRAINED

    @property
    def trained_by_build(self) -> bool:
        """Declared layers the build fits (not a saved model, saved weights or a pretrained network)."""
        return not (self.load or self.weights or self.application)

    def line(self, key: str) -> int | None:
        return self.lines.get(key)

    def error(self, message: str, key: str | None = None, *, line: int | None = None, hint=None) -> ModelSpecError:
        return ModelSpecError(message, file=self.file, line=line or (self.line(key) if key else None), hint=hint)

    def canonical(self) -> dict:
        """Everything that determines the trained model, as plain JSON-able data (paths relative)."""
        return {
            # An override variant is fully described by its merged spec: one equal to the base spec
            # (e.g. `rmsprop` when the base already uses RMSprop) shares the base model's cache entry.
            "untrained": self.variant == "untrained", "dataset": self.dataset,
            "layers": [[layer.class_name, layer.positional, dict(layer.args)] for layer in self.layers] if self.layers else None,
            "load": self.written.get("load"), "weights": self.written.get("weights"),
            "compile": self.compile, "fit": self.fit, "checkpoint": self.checkpoint, "seed": self.seed,
            # keys added since: present only when given, so that older models keep their keys
            **({"classes": self.classes} if self.classes is not None else {}),
            **({"application": {"name": self.application, "arguments": self.arguments, "weights": self.pretrained,
                                "input_shape": self.input_shape, "preprocess": self.preprocess}}
               if self.application else {}),
        }


def split_ref(ref: str) -> tuple[str, str | None]:
    name, _, variant = str(ref).partition(":")
    return name, variant or None


def parse_spec_file(path: Path, source: Path) -> LineDict:
    """The spec file's YAML, with the line of every key (no checks beyond its being a mapping)."""
    text = confine.read_text(source, path, "spec", ModelSpecError, what="model spec")
    raw = load_with_lines(text, file=path, error=ModelSpecError)
    if not isinstance(raw, LineDict):
        raise ModelSpecError("a model spec must be a mapping (dataset, layers, compile, fit, ...)", file=path, line=1)
    return raw


def read_spec(path: Path, source: Path, variant: str | None = None, *, parsed: LineDict | None = None) -> ModelSpec:
    """Parse and structurally validate a spec file (no Keras); `parsed`: the file's `parse_spec_file`
    already made (a store parses each file once for all its variants)."""
    raw = parsed if parsed is not None else parse_spec_file(path, source)
    where = Where(path, raw.line, ModelSpecError)
    check_keys(raw, TOP_KEYS, where)
    variants = check_value(TOP_KEYS["variants"], "variants", raw.get("variants") or LineDict(), where)
    if UNTRAINED in variants:
        raise where.fail(f"variant name '{UNTRAINED}' is built in", line=variants.line(UNTRAINED))
    if variant is not None and variant != UNTRAINED:
        if variant not in variants:
            raise where.fail(f"model '{path.stem}' has no variant '{variant}'", line=raw.line("variants", 1),
                             hint=did_you_mean(variant, [*variants, UNTRAINED]))
        in_variants = Where(path, variants.line, ModelSpecError, prefix="variants.")
        check_value(TOP_KEYS["variants"], variant, variants[variant], in_variants)
        check_keys(variants[variant], [k for k in TOP_KEYS if k != "variants"],
                   in_variants.section(variant, variants[variant].line))
        raw = deep_merge(raw, variants[variant])
    return _build_spec(raw, path, Path(source), variant, list(variants), where)


def _build_spec(raw: LineDict, path: Path, source: Path, variant, variants, where: Where) -> ModelSpec:
    given = sorted((key for key in SOURCES if key in raw), key=lambda key: raw.line(key) or 1)
    if not given:
        raise where.fail("a model spec needs one of 'layers', 'load' or 'application'", line=1)
    if len(given) > 1:
        raise where.fail(f"'{given[0]}' and '{given[1]}' exclude each other", given[1])
    if "weights" in raw and "load" in raw:
        raise where.fail("'weights' needs 'layers' or 'application' (the architecture to load them into)", "weights")
    if raw.get("weights") in PRETRAINED and "application" not in raw:
        raise where.fail(f"'weights: {raw['weights']}' needs 'application' (a pretrained network by name)", "weights",
                         hint="with 'layers', 'weights' names a weights file")
    for key in ("input_shape", "arguments", "preprocess"):
        if key in raw and "application" not in raw:
            raise where.fail(f"'{key}' is an option of 'application'", key)
    top = validate(raw, TOP_KEYS, where, null_is_default=True)
    dataset = _dataset(raw, path, source)
    if dataset is None and "layers" in raw:
        raise where.fail("a model with 'layers' needs a 'dataset' to train on", "layers")
    return ModelSpec(
        name=path.stem, variant=variant, file=path, lines=_flat_lines(raw), dataset=dataset,
        layers=_layers(raw, where) if "layers" in raw else None,
        load=_file(raw, "load", source, where),
        weights=None if raw.get("weights") in PRETRAINED else _file(raw, "weights", source, where),
        compile=_section(raw, "compile", COMPILE_KEYS, where), fit=_section(raw, "fit", FIT_KEYS, where),
        checkpoint=_checkpoint(raw, top["checkpoint"], dataset, where), seed=top["seed"], variants=variants,
        written={key: raw[key] for key in ("load", "weights", "classes") if key in raw},
        classes=_classes(raw, top["classes"], dataset, source, where),
        application=top["application"], arguments=dict(top["arguments"]), input_shape=top["input_shape"],
        pretrained=_pretrained(raw) if "application" in raw else None, preprocess=top["preprocess"],
        publish=top["publish"], explorer_budget=top["explorer_budget"])


def _pretrained(raw: LineDict) -> str:
    """An application's weights: imagenet (the default), none, or a file."""
    weights = raw.get("weights")
    return "imagenet" if weights is None else weights if weights in PRETRAINED else "file"


def _flat_lines(raw: LineDict) -> dict:
    """Lines of the top-level keys and of `section.key` for keys one level down."""
    lines = dict(raw.lines)
    for section, value in raw.items():
        if isinstance(value, LineDict):
            lines.update({f"{section}.{key}": line for key, line in value.lines.items()})
    return lines


def _dataset(raw: LineDict, path: Path, source: Path) -> dict | None:
    if raw.get("dataset") is None:
        return None
    spec = raw["dataset"]
    if isinstance(spec, str):
        spec = LineDict(name=spec)
        spec.lines, spec.start = {"name": raw.line("dataset")}, raw.line("dataset")
    line_of = lambda key: spec.line(key, spec.start or raw.line("dataset"))  # noqa: E731
    options = resolve_options(spec, line_of=line_of, file=path)
    if options["name"] == "folder":  # fashion-mnist's `path` may be anywhere: its files must match known SHA-256s
        confined(source, options["path"], ModelSpecError, what="dataset.path", file=path, line=line_of("path"))
    return options


def _section(raw: LineDict, key: str, options: dict[str, Option], where: Where) -> dict:
    """A nested mapping (compile, fit) checked against its options, defaults filled in."""
    section = raw.get(key) or LineDict()
    return validate(section, options, where.section(key, lambda sub: section.line(sub, raw.line(key))),
                    null_is_default=True)


def _checkpoint(raw: LineDict, value, dataset: dict | None, where: Where) -> dict | None:
    if value is False:
        return None
    section = value if isinstance(value, LineDict) else LineDict()
    inside = where.section("checkpoint", lambda sub: section.line(sub, raw.line("checkpoint")))
    given = validate(section, CHECKPOINT_KEYS, inside, null_is_default=True)
    validated = dataset is not None and dataset["validation_split"] > 0
    monitor = given["monitor"] or ("val_loss" if validated else "loss")
    if monitor.startswith("val_") and not validated:
        raise inside.fail(f"checkpoint.monitor '{monitor}' needs a validation split", "monitor",
                          hint="set dataset.validation_split, or monitor 'loss'")
    return {"monitor": monitor, "mode": given["mode"] or ("max" if "acc" in monitor else "min")}


def _classes(raw: LineDict, value, dataset: dict | None, source: Path, where: Where) -> list[str] | None:
    """The class names `classes:` gives (a list, or a file read here), checked against the data set's."""
    if value is None:
        return None
    names = value if isinstance(value, list) else read_class_names(_file(raw, "classes", source, where), where)
    known = dataset.get("classes") if dataset else None
    if isinstance(known, list) and len(known) != len(names):
        raise where.fail(f"'classes' names {len(names)} classes, the data set has {len(known)}", "classes")
    return names


def read_class_names(path: Path | None, where: Where) -> list[str]:
    """Class names from a .txt file (one a line) or a .json file: a list of names, or a mapping from the
    output index to a name or to [id, name] (Keras's imagenet_class_index.json)."""
    assert path is not None
    text = path.read_text(encoding="utf-8", errors="replace")
    names: list | None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as error:
            raise where.fail(f"classes: {path.name} is not JSON: {error}", "classes") from None
        names = _json_class_names(data)
    else:
        names = [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise where.fail(f"classes: {path.name} holds no class names", "classes",
                         hint="a .txt file with one name a line, or a .json list of names")
    return names


def _json_class_names(data) -> list[str] | None:
    if isinstance(data, list) and all(isinstance(name, str) for name in data):
        return data
    if isinstance(data, dict) and all(str(key).isdigit() for key in data):
        entries = [data[key] for key in sorted(data, key=int)]
        return [entry[-1] if isinstance(entry, list) and entry else str(entry) for entry in entries]
    return None


def _file(raw: LineDict, key: str, source: Path, where: Where) -> Path | None:
    if key not in raw:
        return None
    path = confined(source, raw[key], ModelSpecError, what=key, file=where.file, line=raw.line(key))
    if not path.exists() or path.is_dir():
        raise where.fail(f"{key}: file {raw[key]} not found (paths are relative to {display_path(source)})", key)
    return confine.checked_file(source, path, "model", ModelSpecError, what=key, where=where.file,
                                line=raw.line(key))


def _layers(raw: LineDict, where: Where) -> list[LayerSpec]:
    entries = check_value(TOP_KEYS["layers"], "layers", raw["layers"], where)
    layers = []
    for index, entry in enumerate(entries):
        line = entries.lines[index]
        if isinstance(entry, str):
            layers.append(LayerSpec(entry, {}, (), line))
        elif isinstance(entry, dict) and len(entry) == 1:
            (class_name, value), = entry.items()
            if isinstance(value, dict):
                layers.append(LayerSpec(str(class_name), dict(value), (), line, dict(getattr(value, "lines", {}))))
            else:
                layers.append(LayerSpec(str(class_name), {}, () if value is None else (value,), line))
        else:
            raise where.fail("a layer must be a class name or one 'Class: arguments' pair", line=line,
                             hint="e.g. '- Flatten' or '- Conv2D: {filters: 8, kernel_size: 3}'")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", layers[-1].class_name):
            raise where.fail(f"'{layers[-1].class_name}' is not a layer class name", line=line)
        _check_sizes(layers[-1], where)
    return layers


# Layer arguments that are sizes: every integer in them must be positive.
SIZE_ARGUMENTS = ("units", "filters", "kernel_size", "pool_size", "strides", "size", "target_shape", "dims",
                  "output_dim", "input_dim")
# Layers whose positional argument (`- Dense: 10`) is a size.
SIZED_BY_POSITION = re.compile(r"Dense|Conv\dD(Transpose)?|SeparableConv\dD|(Max|Average)Pooling\dD|UpSampling\dD|Embedding")


def _check_sizes(layer: LayerSpec, where: Where) -> None:
    values = dict(layer.args)
    if layer.positional and SIZED_BY_POSITION.fullmatch(layer.class_name):
        values[None] = layer.positional[0]
    for key, value in values.items():
        if key is not None and key not in SIZE_ARGUMENTS:
            continue
        numbers = value if isinstance(value, list) else [value]
        bad = [n for n in numbers if isinstance(n, int) and not isinstance(n, bool) and n < 1]
        if bad:
            name = f"argument '{key}'" if key else "its size"
            raise where.fail(f"{layer.class_name}: {name} must be positive, not {value}",
                             line=layer.line_of(key) if key else layer.line)


def snake_case(name: str) -> str:
    """Keras's default layer-name stem for a class name (Conv2D -> conv2d)."""
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def layer_kwargs(spec: ModelSpec) -> list[tuple[type, dict]]:
    """(layer class, keyword arguments) per declared layer, checked against Keras; names as Keras would give."""
    keras = import_keras()

    counts: dict[str, int] = {}
    built = []
    for layer in spec.layers or ():
        cls = _layer_class(spec, layer, keras)
        kwargs = _arguments(spec, layer, cls, keras)
        stem = snake_case(layer.class_name)
        if "name" not in kwargs:
            kwargs["name"] = stem if not counts.get(stem) else f"{stem}_{counts[stem]}"
            counts[stem] = counts.get(stem, 0) + 1
        built.append((cls, kwargs))
    return built


def check_with_keras(spec: ModelSpec) -> None:
    """Validate layers (class, arguments, types, construction), optimizer and loss with Keras."""
    keras = import_keras()

    if spec.application:
        check_application(spec)
    if spec.layers:
        for (cls, kwargs), layer in zip(layer_kwargs(spec), spec.layers):
            try:
                cls(**kwargs)
            except (TypeError, ValueError) as error:
                key, hint = _identifier_hint(kwargs, keras)
                raise spec.error(f"{layer.class_name}: {_first_line(error)}",
                                 line=layer.line_of(key) if key else layer.line, hint=hint) from None
    _check_optimizer(spec, keras)
    try:
        keras.losses.get(spec.compile["loss"])
    except (TypeError, ValueError):
        raise spec.error(f"compile.loss: unknown loss '{spec.compile['loss']}'", line=_compile_line(spec, "loss"),
                         hint=did_you_mean(spec.compile["loss"], _public_names(keras.losses))) from None


# Layer arguments that name a Keras object, and the module whose `get` reads the name.
IDENTIFIER_MODULES = {"activation": "activations", "initializer": "initializers", "regularizer": "regularizers",
                      "constraint": "constraints"}
HELPERS = {"get", "serialize", "deserialize"}


def _identifier_hint(kwargs: dict, keras) -> tuple[str | None, str | None]:
    """The argument whose name Keras cannot read (an activation, initializer, regularizer or constraint),
    and a did-you-mean from the names Keras accepts; (None, None) when the error is about something else."""
    for key, value in kwargs.items():
        kind = next((kind for kind in IDENTIFIER_MODULES if key == kind or key.endswith(f"_{kind}")), None)
        if kind is None or not isinstance(value, str):
            continue
        module = getattr(keras, IDENTIFIER_MODULES[kind])
        try:
            module.get(value)
        except (TypeError, ValueError):
            names = [name for name in _public_names(module) if name.islower() and name not in HELPERS]
            return key, did_you_mean(value, names) or f"keras.{IDENTIFIER_MODULES[kind]}: {', '.join(names)}"
    return None, None
def application_names(keras) -> list[str]:
    """keras.applications' constructors (MobileNetV2, ResNet50, ...)."""
    return sorted(name for name in dir(keras.applications) if name[:1].isupper())


def application_constructor(spec: ModelSpec):
    keras = import_keras()
    names = application_names(keras)
    if spec.application not in names:
        raise spec.error(f"unknown application '{spec.application}'", "application",
                         hint=did_you_mean(spec.application, names) or "keras.applications has " + ", ".join(names))
    return getattr(keras.applications, spec.application)


# Application arguments given by their own spec keys, or that make no sense in a spec.
OWN_KEYS = {"weights": "weights", "input_shape": "input_shape", "input_tensor": None}


def check_application(spec: ModelSpec) -> None:
    """The constructor exists and takes every argument given, of the type of its default."""
    constructor = application_constructor(spec)
    parameters = {name: p for name, p in inspect.signature(constructor).parameters.items() if name not in OWN_KEYS}
    for key, value in spec.arguments.items():
        line = spec.line(f"arguments.{key}") or spec.line("arguments")
        if key in OWN_KEYS:
            raise spec.error(f"arguments.{key}: " + (f"give it as the spec's '{OWN_KEYS[key]}:'" if OWN_KEYS[key]
                                                     else "not available in a spec"), line=line)
        if key not in parameters:
            raise spec.error(f"{spec.application}: unknown argument '{key}'", line=line,
                             hint=did_you_mean(key, parameters) or "arguments: " + ", ".join(parameters))
        _check_type(spec, LayerSpec(str(spec.application), {}, (), line or 1), key, value, parameters[key].default)


def make_optimizer(optimizer):
    """A new Keras optimizer from a name or a Keras config dict (a learning-rate schedule may omit 'module')."""
    keras = import_keras()
    if isinstance(optimizer, dict):
        optimizer = copy.deepcopy(optimizer)
        config = optimizer.get("config")
        if isinstance(config, dict) and isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = keras.optimizers.schedules.deserialize(config["learning_rate"])
    created = keras.optimizers.get(optimizer)
    # a fixed name: Keras numbers default names per process, and the name is saved with the model
    return type(created).from_config({**created.get_config(), "name": type(created).__name__.lower()})


def _check_optimizer(spec: ModelSpec, keras) -> None:
    optimizer = spec.compile["optimizer"]
    try:
        make_optimizer(optimizer)
    except (TypeError, ValueError) as error:
        names = [n.lower() for n in _public_names(keras.optimizers) if n[0].isupper()]
        hint = did_you_mean(optimizer, names) if isinstance(optimizer, str) else \
            "use a name such as 'adam' or a Keras config {class_name: Adam, config: {...}}"
        raise spec.error(f"compile.optimizer: {_first_line(error)}", line=_compile_line(spec, "optimizer"),
                         hint=hint) from None


def _compile_line(spec: ModelSpec, key: str) -> int | None:
    return spec.line(f"compile.{key}") or spec.line("compile")


def _public_names(module) -> list[str]:
    return [name for name in dir(module) if not name.startswith("_")]


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def layer_class_names(keras) -> list[str]:
    classes = {name: getattr(keras.layers, name) for name in dir(keras.layers)}
    return [name for name, cls in classes.items() if inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)
            and name not in ("Layer", "InputLayer", "Input")]


def _layer_class(spec: ModelSpec, layer: LayerSpec, keras) -> type:
    names = layer_class_names(keras)
    if layer.class_name not in names:
        raise spec.error(f"unknown layer '{layer.class_name}'", line=layer.line,
                         hint=did_you_mean(layer.class_name, names) or "see keras.layers")
    return getattr(keras.layers, layer.class_name)


def _arguments(spec: ModelSpec, layer: LayerSpec, cls: type[Any], keras) -> dict:
    params = dict(inspect.signature(cls.__init__).parameters)
    params.pop("self", None)
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        params.update({k: p for k, p in inspect.signature(keras.layers.Layer.__init__).parameters.items()
                       if k not in params})
    named = {k: p for k, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and k != "self"}
    kwargs = dict(layer.args)
    if layer.positional:
        first = next((k for k, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD), None)
        if first is None:
            raise spec.error(f"{layer.class_name}: takes no positional argument", line=layer.line,
                             hint="use a mapping of argument names")
        kwargs[first] = layer.positional[0]
    for key, value in kwargs.items():
        if key not in named:
            raise spec.error(f"{layer.class_name}: unknown argument '{key}'", line=layer.line_of(key),
                             hint=did_you_mean(key, named))
        _check_type(spec, layer, key, value, named[key].default)
    missing = [k for k, p in named.items() if p.default is p.empty and k not in kwargs]
    if missing:
        raise spec.error(f"{layer.class_name}: missing argument '{missing[0]}'", line=layer.line)
    return kwargs


# Types of common required arguments, which have no default to compare with.
REQUIRED_ARGUMENT_TYPES = {"filters": int, "units": int, "kernel_size": (list, int), "pool_size": (list, int),
                           "rate": float, "scale": float, "target_shape": (list, int), "dims": (list, int)}


def _check_type(spec: ModelSpec, layer: LayerSpec, key: str, value, default) -> None:
    """Compare with the type of the argument's default value, or the known type of a required argument."""
    expected: Any = {bool: bool, int: int, float: float, str: str, tuple: (list, int)}.get(type(default))
    expected = expected or REQUIRED_ARGUMENT_TYPES.get(key)
    if expected is None or value is None:
        return
    if expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is bool:
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, expected)
    if not ok:
        wanted = "a list or an integer" if expected == (list, int) else TYPE_PHRASES[expected]
        raise spec.error(f"{layer.class_name}: argument '{key}' must be {wanted}, not {shown(value)}",
                         line=layer.line_of(key))
