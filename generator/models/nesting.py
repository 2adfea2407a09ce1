"""Layers inside nested models (a keras.applications base inside a model with its preprocessing and head,
functional sub-models), addressed by a path: `mobilenetv2_1.00_224/block_1_expand_relu`.

Keras cannot take a nested layer's output from the outer model's inputs (`keras.Model(outer.inputs,
outer.get_layer(base).get_layer(name).output)` fails: "Output ... is not connected to inputs"). `tap`
rebuilds the outer graph instead: `keras.models.clone_model` with the same layer objects (so the same
weights) calls each layer in order, and where the graph calls a nested model it calls a model of that
nested model's inputs to [the wanted inner outputs..., its own outputs], whose own outputs go on into
the outer layers. Its predictions equal the outer model's.
"""

from __future__ import annotations

from generator.errors import did_you_mean
from generator.models.backend import import_keras

SEPARATOR = "/"


def is_model(layer) -> bool:
    return isinstance(layer, import_keras().Model)


def layer_entries(model, prefix: str = "", depth: int = 0) -> list[dict]:
    """The record's `layers`: every layer depth first, a nested model followed by its own layers, each
    named by its path (`base/conv`); `depth` (nested layers only) says how deep."""
    entries = []
    for layer in model.layers:
        entry = {"name": prefix + layer.name, "class": type(layer).__name__,
                 "output_shape": list(_output(layer).shape), "params": int(layer.count_params())}
        entries.append(entry if not depth else {**entry, "depth": depth})
        if is_model(layer):
            entries.extend(layer_entries(layer, prefix + layer.name + SEPARATOR, depth + 1))
    return entries


def _output(layer):
    """A layer's output tensor; a layer called more than once (a shared layer): its first call's."""
    try:
        return layer.output
    except (AttributeError, ValueError):
        return layer._inbound_nodes[0].outputs[0]


def find_layer(model, path: str):
    """The Keras layer at `path` (names joined by '/')."""
    layer = model
    for name in path.split(SEPARATOR):
        layer = layer.get_layer(name)
    return layer


def input_producer(model, path: str) -> str | None:
    """The path of the layer whose output `path` takes in, or None when it takes the model's input
    (a nested model's first layers take what the nested model takes)."""
    parent, _, _ = path.rpartition(SEPARATOR)
    # the layer's call in its container's graph (a nested model's `.input` is its own InputLayer's)
    producer = find_layer(model, path)._inbound_nodes[0].input_tensors[0]._keras_history.operation
    if type(producer).__name__ == "InputLayer":
        return input_producer(model, parent) if parent else None
    return f"{parent}{SEPARATOR}{producer.name}" if parent else producer.name


def tap(model, paths: list[str]):
    """A model of `model`'s inputs to [the output of each path..., model's own outputs...]."""
    keras = import_keras()
    nested: dict[str, list[str]] = {}
    for path in paths:
        head, separator, rest = path.partition(SEPARATOR)
        if separator:
            nested.setdefault(head, []).append(rest)
    if not nested:
        return keras.Model(model.inputs, [model.get_layer(path).output for path in paths] + list(model.outputs))
    captured: dict[str, object] = {}

    def call(layer, *args, **kwargs):
        if layer.name in nested:
            inner = nested[layer.name]
            outputs = tap(layer, inner)(*args, **kwargs)
            captured.update({f"{layer.name}{SEPARATOR}{path}": output for path, output in zip(inner, outputs)})
            own = outputs[len(inner):]
            result = own[0] if len(own) == 1 else own
        else:
            result = layer(*args, **kwargs)
        captured[layer.name] = result
        return result

    if isinstance(model, keras.Sequential):  # clone_model takes no call_function for these: call them in order
        inputs = [keras.Input(batch_shape=tuple(tensor.shape), dtype=tensor.dtype) for tensor in model.inputs]
        result = inputs[0]
        for layer in model.layers:
            result = call(layer, result)
        outputs = [result]
    else:
        clone = keras.models.clone_model(model, clone_function=lambda layer: layer, call_function=call)
        inputs, outputs = clone.inputs, list(clone.outputs)
    for position, tensor in enumerate(model.inputs):  # input layers are not called: their output is an input
        captured.setdefault(tensor._keras_history.operation.name, inputs[position])
    return keras.Model(inputs, [captured[path] for path in paths] + outputs)


def layer_hint(name: str, names: list[str]) -> str | None:
    """Did you mean: a nested path ending in `name`, else the nearest name or path."""
    inside = [path for path in names if path.endswith(SEPARATOR + name)]
    if inside:
        return f"did you mean '{inside[0]}'?"
    return did_you_mean(name, names)


def layer_listing(names: list[str], shown: int = 24, lead: str = "layers: ") -> str:
    """'layers: a, b, ...' for a hint, at most `shown` of them (a pretrained network has hundreds)."""
    more = f", ... ({len(names)} in all; the summary figure lists them)" if len(names) > shown else ""
    return lead + ", ".join(names[:shown]) + more
