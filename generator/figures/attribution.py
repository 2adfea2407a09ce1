"""Where a network looks: the maths of the attribution kinds, on Keras models, batched.

`Scorer` wraps a Keras classifier: a layer's output, the class scores (the logits before a final
softmax, else the outputs) and the network above a layer. The methods take raw-pixel batches
(N, H, W, C) and one class per example:

- `grad_cam` (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018), at a layer;
- `vanilla_gradients`, `smoothgrad` (Smilkov et al. 2017), `integrated_gradients` (Sundararajan et al.
  2017, trapezoid rule, with its completeness error);
- `occlusion` (Zeiler and Fergus 2014): the drop in the class's probability under a sliding patch;
- `filter_patterns`: gradient ascent on the input, every channel of a layer in one batch;
- `spearman` and `cascade`: the sanity check of Adebayo et al. (2018).

Gradients come from `generator.figures.gradients`; everything else is keras.ops or numpy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from generator.figures.gradients import gradients
from generator.models.backend import import_keras

CHUNK = 256  # examples per forward pass: a bounded batch, whatever the number of steps or patches


class NotAChain(ValueError):
    """The layers above a layer are not one chain: the network above it cannot be run on its own."""


class Scorer:
    """A Keras classifier seen as `features(layer)`, `scores`, `probabilities` and `head(layer)`.

    A layer is a name, or a path "outer/inner" into a model nested as a layer (e.g. a pretrained base
    inside a Sequential): the layers before and above it are run in turn, level by level.
    """

    def __init__(self, keras_model):
        self.model = keras_model
        self.keras = import_keras()
        self._features: dict[str, object] = {}
        self._penultimate = None
        last = keras_model.layers[-1]
        activation = getattr(getattr(last, "activation", None), "__name__", "")
        layers = self.keras.layers
        # The logits: a softmax Dense layer's kernel and bias without the softmax, or a softmax layer's input.
        self._dense_logits = isinstance(last, layers.Dense) and activation == "softmax"
        softmax_layer = isinstance(last, layers.Softmax) or (isinstance(last, layers.Activation)
                                                             and activation == "softmax")
        self.score_kind = "logit" if self._dense_logits or softmax_layer else "output"

    def feature_function(self, name: str):
        """A function from a batch of images to the layer's output (a backend tensor: differentiable)."""
        if name not in self._features:
            self._features[name] = _below(self.keras, self.model, name)
        return self._features[name]

    def features(self, name: str, images: np.ndarray) -> np.ndarray:
        """The layer's output for a batch, in chunks."""
        function = self.feature_function(name)
        images = np.asarray(images, dtype="float32")
        return np.concatenate([self.keras.ops.convert_to_numpy(function(images[start:start + CHUNK]))
                               for start in range(0, len(images), CHUNK)])

    def scores(self, x):
        """The class scores of a batch (a tensor of the backend: differentiable)."""
        if self.score_kind == "output":
            return self.model(x, training=False)
        if self._penultimate is None:
            self._penultimate = self.keras.Model(self.model.inputs, self.model.layers[-1].input)
        return self._logits(self._penultimate([x], training=False))

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        return _chunked(self.model, images)

    def head(self, name: str):
        """A function from the layer's output to the class scores: the layers above it, applied in turn."""
        above = _above(self.keras, self.model, name)
        if self.score_kind == "logit":
            above = above[:-1]

        def run(tensor):
            tensor = _apply(above, tensor)
            return self._logits(tensor) if self.score_kind == "logit" else tensor

        return run

    def _logits(self, hidden):
        if not self._dense_logits:
            return hidden
        last = self.model.layers[-1]
        logits = self.keras.ops.matmul(hidden, last.kernel)
        return logits + last.bias if last.use_bias else logits


def _layers(keras, model) -> list:
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _chain(keras, model, layers: list) -> list:
    """`layers` (consecutive layers of `model`), checked to be one chain: each takes the previous one's output."""
    if not isinstance(model, keras.Sequential):
        for lower, upper in zip(layers, layers[1:]):
            if upper.input is not lower.output:
                raise NotAChain(f"layer '{upper.name}' does not take the output of '{lower.name}'")
    return layers


def _apply(layers: list, tensor):
    for layer in layers:
        tensor = layer(tensor, training=False)
    return tensor


def _below(keras, model, name: str):
    """The function from the model's input to the output of layer `name` (a path into nested models)."""
    outer, _, inner = name.partition("/")
    if not inner:
        extractor = keras.Model(model.inputs, model.get_layer(outer).output)
        return lambda x: extractor([x], training=False)
    layers = _layers(keras, model)
    index = [layer.name for layer in layers].index(outer)
    before = _chain(keras, model, layers[:index + 1])[:-1]
    nested = _below(keras, layers[index], inner)
    return lambda x: nested(_apply(before, x))


def _above(keras, model, name: str) -> list:
    """The layers that turn layer `name`'s output into the model's, in order (a path into nested models)."""
    outer, _, inner = name.partition("/")
    layers = _layers(keras, model)
    index = [layer.name for layer in layers].index(outer)
    rest = _chain(keras, model, layers[index:])[1:]
    return (_above(keras, layers[index], inner) if inner else []) + rest


def _chunked(model, images: np.ndarray) -> np.ndarray:
    keras = import_keras()
    images = np.asarray(images, dtype="float32")
    wrap = not isinstance(model, keras.Sequential)  # a functional model takes the list of its inputs
    return np.concatenate([keras.ops.convert_to_numpy(model([images[start:start + CHUNK]] if wrap else
                                                            images[start:start + CHUNK], training=False))
                           for start in range(0, len(images), CHUNK)])


def class_score(scorer_fn, classes: np.ndarray):
    """fn(batch) -> the score of each example's own class, for `gradients`."""
    keras = import_keras()
    one_hot = None

    def fn(x):
        nonlocal one_hot
        scores = scorer_fn(x)
        if one_hot is None:
            one_hot = keras.ops.one_hot(keras.ops.convert_to_tensor(classes), scores.shape[-1])
        return keras.ops.sum(scores * keras.ops.cast(one_hot, scores.dtype), axis=-1)

    return fn


# -- Grad-CAM --

def grad_cam(scorer: Scorer, layer: str, images: np.ndarray, classes: np.ndarray, *,
             plus: bool = False) -> np.ndarray:
    """(N, h, w) class activation maps at the layer's resolution, for image i and class classes[i].

    Grad-CAM: ReLU(sum_k w_k A_k) with w_k the spatial mean of dS/dA_k. Grad-CAM++: w_k = sum_ij
    alpha_ij ReLU(dS/dA_k,ij), alpha = g^2 / (2 g^2 + sum_ab A_ab g^3) (the closed form for exp(S)).
    One forward pass to the layer, then one forward and backward pass through the layers above it.
    """
    activations = scorer.features(layer, images)
    grads = np.concatenate([
        gradients(class_score(scorer.head(layer), classes[start:start + CHUNK]),
                  activations[start:start + CHUNK])[1]
        for start in range(0, len(images), CHUNK)])
    if plus:
        squared, cubed = grads ** 2, grads ** 3
        denominator = 2 * squared + activations.sum(axis=(1, 2), keepdims=True) * cubed
        alpha = squared / np.where(denominator != 0, denominator, 1)
        weights = (alpha * np.maximum(grads, 0)).sum(axis=(1, 2))
    else:
        weights = grads.mean(axis=(1, 2))
    return np.maximum((activations * weights[:, None, None, :]).sum(axis=-1), 0)


def upsample(maps: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(N, h, w) maps resized to (N, H, W) bilinearly, as the Grad-CAM paper does."""
    keras = import_keras()
    resized = keras.ops.image.resize(maps[..., None].astype("float32"), size, interpolation="bilinear")
    return keras.ops.convert_to_numpy(resized)[..., 0]


# -- gradients of the input --

def vanilla_gradients(scorer: Scorer, images: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """dS_c/dx, (N, H, W, C)."""
    return _input_gradients(scorer, images, classes)[1]


def smoothgrad(scorer: Scorer, images: np.ndarray, classes: np.ndarray, *, samples: int, noise: float,
               seed: int) -> np.ndarray:
    """The mean gradient over `samples` copies of each image with Gaussian noise of standard deviation
    noise * (max - min) of that image."""
    rng = np.random.default_rng(seed)
    spread = (images.max(axis=(1, 2, 3)) - images.min(axis=(1, 2, 3))) * noise
    noisy = images[:, None] + rng.normal(size=(len(images), samples, *images.shape[1:])) * spread[:, None, None,
                                                                                                  None, None]
    grads = _input_gradients(scorer, noisy.reshape(-1, *images.shape[1:]).astype("float32"),
                             np.repeat(classes, samples))[1]
    return grads.reshape(len(images), samples, *images.shape[1:]).mean(axis=1)


@dataclass
class Integrated:
    attributions: np.ndarray   # (N, H, W, C)
    difference: np.ndarray     # f(x) - f(baseline), (N,)
    completeness: np.ndarray   # |sum(attributions) - difference| / |difference|, (N,)


def integrated_gradients(scorer: Scorer, images: np.ndarray, classes: np.ndarray, baselines: np.ndarray, *,
                         steps: int) -> Integrated:
    """(x - x') times the mean gradient on the straight path from the baseline x' to x, by the trapezoid
    rule on steps + 1 points; all points of all images go through the network in batches."""
    alphas = np.linspace(0.0, 1.0, steps + 1, dtype="float32")
    path = baselines[:, None] + alphas[None, :, None, None, None] * (images - baselines)[:, None]
    scores, grads = _input_gradients(scorer, path.reshape(-1, *images.shape[1:]),
                                     np.repeat(classes, steps + 1))
    grads = grads.reshape(len(images), steps + 1, *images.shape[1:]).astype("float64")
    scores = scores.reshape(len(images), steps + 1).astype("float64")
    weights = np.full(steps + 1, 1.0 / steps)
    weights[[0, -1]] /= 2
    mean_gradient = np.tensordot(weights, np.moveaxis(grads, 1, 0), axes=1)
    attributions = (images - baselines) * mean_gradient
    difference = scores[:, -1] - scores[:, 0]
    total = attributions.reshape(len(images), -1).sum(axis=1)
    completeness = np.abs(total - difference) / np.maximum(np.abs(difference), 1e-12)
    return Integrated(attributions.astype("float32"), difference, completeness)


def _input_gradients(scorer: Scorer, x: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    parts = [gradients(class_score(scorer.scores, classes[start:start + CHUNK]), x[start:start + CHUNK])
             for start in range(0, len(x), CHUNK)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


# -- occlusion --

def occlusion(scorer: Scorer, images: np.ndarray, classes: np.ndarray, *, patch: int, stride: int,
              fill: float | None) -> np.ndarray:
    """(N, H, W): for each pixel, the mean drop of the class's probability over the patch positions that
    cover it (a patch of `fill`, or of the image's mean value when None)."""
    count, height, width = images.shape[:3]
    tops, lefts = _positions(height, patch, stride), _positions(width, patch, stride)
    heat = np.zeros((count, height, width))
    for index, (image, cls) in enumerate(zip(images, classes)):
        value = float(image.mean()) if fill is None else fill
        occluded = np.repeat(image[None], len(tops) * len(lefts), axis=0)
        for n, (top, left) in enumerate((t, s) for t in tops for s in lefts):
            occluded[n, top:top + patch, left:left + patch] = value
        base = scorer.probabilities(image[None])[0, cls]
        drops = base - scorer.probabilities(occluded)[:, cls]
        total, covered = np.zeros((height, width)), np.zeros((height, width))
        for n, (top, left) in enumerate((t, s) for t in tops for s in lefts):
            total[top:top + patch, left:left + patch] += drops[n]
            covered[top:top + patch, left:left + patch] += 1
        heat[index] = total / np.maximum(covered, 1)
    return heat.astype("float32")


def _positions(size: int, patch: int, stride: int) -> list[int]:
    """Patch offsets every `stride` pixels, and one flush with the far edge."""
    last = max(size - patch, 0)
    positions = list(range(0, last + 1, stride))
    return positions if positions[-1] == last else positions + [last]


# -- filter patterns --

@dataclass
class Patterns:
    images: np.ndarray   # (C, H, W, ch) raw pixels 0..255
    start: np.ndarray    # each channel's mean activation for its starting noise
    end: np.ndarray      # ... and for its pattern


def filter_patterns(scorer: Scorer, layer: str, channels: list[int], shape: tuple, *, steps: int, step_size: float,
                    jitter: int, blur: float, blur_every: int, seed: int, start: tuple[float, float]) -> Patterns:
    """For each channel, the input that maximises its mean activation: all channels as one batch, from
    uniform noise between the pixel values `start`, by normalised gradient ascent with random jitter (a
    shift of up to `jitter` px each step) and a Gaussian blur of `blur` px every `blur_every` steps,
    clipped to 0..255."""
    from scipy.ndimage import gaussian_filter

    keras = import_keras()
    rng = np.random.default_rng(seed)
    x = rng.uniform(*start, size=(len(channels), *shape)).astype("float32")
    features = scorer.feature_function(layer)
    selector = np.eye(scorer.features(layer, x[:1]).shape[-1], dtype="float32")[channels][:, None, None, :]

    def mean_activation(batch):
        output = features(batch)
        return keras.ops.mean(keras.ops.sum(output * selector, axis=-1), axis=(1, 2))

    initial = keras.ops.convert_to_numpy(mean_activation(x))
    for step in range(steps):
        shift = tuple(int(s) for s in rng.integers(-jitter, jitter + 1, size=2)) if jitter else (0, 0)
        _, grads = gradients(mean_activation, np.roll(x, shift, axis=(1, 2)))
        grads = np.roll(grads, (-shift[0], -shift[1]), axis=(1, 2))
        rms = np.sqrt((grads ** 2).mean(axis=(1, 2, 3), keepdims=True))
        x = np.clip(x + step_size * grads / (rms + 1e-8), 0, 255)
        if blur and (step + 1) % blur_every == 0 and step + 1 < steps:
            x = gaussian_filter(x, sigma=(0, blur, blur, 0)).astype("float32")
    end = keras.ops.convert_to_numpy(mean_activation(x))
    return Patterns(x.astype("float32"), np.asarray(initial), np.asarray(end))


# -- sanity checks (Adebayo et al. 2018) --

def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """The rank correlation of two maps; 0 when either is constant (no ranking to agree with)."""
    from scipy.stats import spearmanr

    a, b = np.ravel(a), np.ravel(b)
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(spearmanr(a, b).statistic)


def weighted_layers(keras_model) -> list:
    """The layers with weights, from the output down."""
    return [layer for layer in reversed(keras_model.layers) if layer.weights]


def cascade(keras_model, seed: int) -> Iterator[tuple[str, object]]:
    """(layer name, a copy of the model) with the layers from the top down to that one re-initialised
    by their own initializers (seeded), one more layer each time: the cascading randomisation."""
    keras = import_keras()
    copy = keras.models.clone_model(keras_model)
    copy.set_weights(keras_model.get_weights())
    for depth, layer in enumerate(weighted_layers(copy)):
        for number, variable in enumerate(layer.weights):
            variable.assign(_initial_value(layer, variable, seed + 1000 * depth + number))
        yield layer.name, copy


def _initial_value(layer, variable, seed: int):
    keras = import_keras()
    name = variable.path.rsplit("/", 1)[-1]
    initializer = getattr(layer, f"{name}_initializer", None) or keras.initializers.GlorotUniform()
    config = initializer.get_config()
    if "seed" in config:
        initializer = initializer.__class__.from_config({**config, "seed": seed})
    return initializer(variable.shape, dtype=variable.dtype)
