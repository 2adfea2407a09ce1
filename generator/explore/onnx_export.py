"""A Keras model as ONNX with every layer as an output, for the explorer's "your own image".

tf2onnx converts the model's forward pass (a tf.function over the same multi-output model
`TrainedModel.activations` builds) at build time; ONNX Runtime Web runs it in the reader's
browser. tf2onnx is an optional extra, imported only when a conversion is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import ConfigError

OPSET = 17
INPUT_NAME = "image"
INSTALL_HINT = "install it with `pip install tf2onnx onnx` (a layerpress dependency), or set reader_images: false"


@dataclass
class Converted:
    onnx: bytes
    outputs: list[tuple[str, str]]   # (ONNX output name, layer name), in the model's layer order


def library_versions() -> dict[str, str]:
    tf2onnx = import_tf2onnx()
    import onnx

    return {"tf2onnx": tf2onnx.__version__, "onnx": onnx.__version__, "opset": str(OPSET)}


def import_tf2onnx(config_file=None):
    try:
        import tf2onnx
    except ImportError:
        raise ConfigError("layerpress.explorer.reader_images needs tf2onnx, which is not installed",
                          file=config_file, hint=INSTALL_HINT) from None
    return tf2onnx


def convert(keras_model, layers: list[str]) -> Converted:
    """`keras_model` as ONNX whose outputs are the given layers' outputs, batch size free."""
    from generator.models.backend import import_keras, import_tensorflow, native_stderr_silenced

    keras, tf = import_keras(), import_tensorflow()
    tf2onnx = import_tf2onnx()
    extractor = keras.Model(keras_model.inputs, [keras_model.get_layer(name).output for name in layers])
    shape = (None, *keras_model.inputs[0].shape[1:])

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32, name=INPUT_NAME)])
    def forward(image):
        outputs = extractor(image, training=False)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    with native_stderr_silenced():
        proto, _ = tf2onnx.convert.from_function(forward, input_signature=forward.input_signature, opset=OPSET)
    canonicalise(proto.graph)
    names = [output.name for output in proto.graph.output]
    return Converted(proto.SerializeToString(deterministic=True), list(zip(names, layers)))


def canonicalise(graph) -> None:
    """Order and name the nodes and inner tensors by the graph's structure alone, so the same
    model gives the same bytes.

    TensorFlow names ops after Keras layer names uniquified per process (`conv2d_7`), tf2onnx
    numbers the free batch dimension from a global counter (`unk__132`), and both orders
    follow those names. Here nodes come in depth-first order from the outputs (a node's
    inputs first, in their order), and tensors are named `t0, t1, ...` as they are reached.
    """
    graph.doc_string = ""   # "converted from __inference_forward_232": a per-process counter
    kept = {value.name for value in [*graph.input, *graph.output]}
    producer = {output: node for node in graph.node for output in node.output}
    renamed: dict[str, str] = {}
    ordered, visited = [], set()

    def name(old: str) -> str:
        if not old or old in kept:
            return old
        return renamed.setdefault(old, f"t{len(renamed)}")

    def visit(node) -> None:
        if id(node) in visited:
            return
        visited.add(id(node))
        for value in node.input:
            if value in producer:
                visit(producer[value])
            name(value)
        for value in node.output:
            name(value)
        ordered.append(node)

    for output in graph.output:
        if output.name in producer:
            visit(producer[output.name])
    ordered += [node for node in graph.node if id(node) not in visited]
    nodes = [type(node)() for node in ordered]
    for number, (copy, node) in enumerate(zip(nodes, ordered)):
        copy.CopyFrom(node)
        copy.name = f"n{number}"
        copy.input[:] = [name(value) for value in node.input]
        copy.output[:] = [name(value) for value in node.output]
        if not copy.domain:
            copy.ClearField("domain")   # set to "" by some conversions, unset by others
    del graph.node[:]
    graph.node.extend(nodes)
    for initializer in graph.initializer:
        initializer.name = name(initializer.name)
    initializers = sorted((copy_of(item) for item in graph.initializer), key=lambda item: int(item.name[1:]))
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    for info in graph.value_info:
        info.name = name(info.name)
    value_infos = sorted((copy_of(item) for item in graph.value_info), key=lambda item: item.name)
    del graph.value_info[:]
    graph.value_info.extend(value_infos)
    for value in [*graph.input, *graph.output, *graph.value_info]:
        for dim in value.type.tensor_type.shape.dim:
            if dim.HasField("dim_param"):
                dim.dim_param = "batch"


def copy_of(message):
    copy = type(message)()
    copy.CopyFrom(message)
    return copy
