// A reader's own image in the explorer (see docs/explorer.md, "Your own image").
// The image is prepared exactly as the build prepares a probe (generator/datasets/images.py:
// Pillow's convert to "L" or "RGB", then resize with Image.Resampling.BILINEAR), run through
// the ONNX copy of the network with ONNX Runtime Web, and every layer's outputs are
// quantised like generator/explore/data.py does, so the page draws them with the same code.

const PRECISION_BITS = 32 - 8 - 2;   // Pillow's fixed-point coefficients for 8-bit images

// -- the probe rule: colour mode, then Pillow's bilinear resize --

// (H, W, C) uint8 pixels of `file`, as load_image(path, [H, W], mode) returns them.
export async function preparePixels(file, [height, width, channels]) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  } catch {
    throw new Error(`${file.name} is not an image this browser can read`);
  }
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height, { colorSpace: "srgb" }).data;
  let pixels = converted(rgba, bitmap.width * bitmap.height, channels);
  pixels = resized(pixels, bitmap.height, bitmap.width, channels, height, width);
  return pixels;
}

// Pillow's RGBA -> "L" (ITU-R 601-2 luma, rounded in 16-bit fixed point) or -> "RGB" (alpha dropped).
function converted(rgba, count, channels) {
  const out = new Uint8Array(count * channels);
  for (let i = 0; i < count; i++) {
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    if (channels === 1) out[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    else out.set([r, g, b], 3 * i);
  }
  return out;
}

// Pillow's ImagingResample with the bilinear filter: horizontal pass, then vertical, 8 bits between.
function resized(pixels, inHeight, inWidth, channels, height, width) {
  if (inWidth !== width) {
    pixels = pass(pixels, inHeight, inWidth, channels, width, true);
    inWidth = width;
  }
  if (inHeight !== height) pixels = pass(pixels, inHeight, inWidth, channels, height, false);
  return pixels;
}

function pass(pixels, inHeight, inWidth, channels, outSize, horizontal) {
  const inSize = horizontal ? inWidth : inHeight;
  const { bounds, weights } = coefficients(inSize, outSize);
  const [outHeight, outWidth] = horizontal ? [inHeight, outSize] : [outSize, inWidth];
  const out = new Uint8Array(outHeight * outWidth * channels);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const along = horizontal ? x : y;
      const [first, count] = bounds[along];
      for (let c = 0; c < channels; c++) {
        let sum = 1 << (PRECISION_BITS - 1);
        for (let k = 0; k < count; k++) {
          const [sy, sx] = horizontal ? [y, first + k] : [first + k, x];
          sum += pixels[(sy * inWidth + sx) * channels + c] * weights[along][k];
        }
        out[(y * outWidth + x) * channels + c] = Math.min(255, Math.max(0, Math.floor(sum / 2 ** PRECISION_BITS)));
      }
    }
  }
  return out;
}

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear (triangle) filter, support 1.
function coefficients(inSize, outSize) {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const bounds = [], weights = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const first = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - first;
    const raw = [];
    const inverse = 1 / filterScale;
    for (let x = 0; x < count; x++) raw.push(triangle((x + first - center + 0.5) * inverse));
    const total = raw.reduce((a, b) => a + b, 0);
    weights.push(raw.map((w) => {
      const normal = total !== 0 ? w / total : w;
      return Math.trunc(normal * 2 ** PRECISION_BITS + (normal < 0 ? -0.5 : 0.5));
    }));
    bounds.push([first, count]);
  }
  return { bounds, weights };
}

function triangle(x) {
  const distance = Math.abs(x);
  return distance < 1 ? 1 - distance : 0;
}

// -- running the network --

let runtime = null;                 // Promise of the ort module
const sessions = new Map();         // model URL -> Promise<InferenceSession>

function loadRuntime(runtimeUrl) {
  if (!runtime) {
    runtime = import(runtimeUrl).then((ort) => {
      ort.env.wasm.numThreads = 1;     // GitHub Pages sends no COOP/COEP headers: no threads
      ort.env.wasm.proxy = false;
      // The bundle holds the WebAssembly loader; only the .wasm file is fetched, from beside it.
      ort.env.wasm.wasmPaths = { wasm: new URL("ort-wasm-simd-threaded.wasm", runtimeUrl).href };
      return ort;
    }).catch((error) => { runtime = null; throw error; });
  }
  return runtime;
}

// { layer name: { maps: [C, H, W], codes, offsets, steps } } for one image through one network.
export async function runNetwork(runtimeUrl, modelUrl, reader, pixels, levels) {
  const ort = await loadRuntime(runtimeUrl);
  if (!sessions.has(modelUrl)) {
    sessions.set(modelUrl, ort.InferenceSession.create(modelUrl, { executionProviders: ["wasm"] })
      .catch((error) => { sessions.delete(modelUrl); throw error; }));
  }
  const session = await sessions.get(modelUrl);
  const input = new ort.Tensor("float32", Float32Array.from(pixels), [1, ...reader.input_shape]);
  const results = await session.run({ [reader.input]: input });
  const layers = {};
  for (const [output, layer] of reader.outputs) {
    const maps = asMaps(results[output]);
    if (maps) layers[layer] = quantise(maps, levels);
  }
  return layers;
}

// A layer's output for one image as maps (C, H, W), like data.as_maps; null for other shapes.
function asMaps(tensor) {
  const dims = tensor.dims.slice(1);
  const values = tensor.data;
  if (dims.length === 3) {
    const [height, width, channels] = dims;
    const maps = new Float64Array(values.length);
    for (let i = 0; i < height * width; i++) {
      for (let c = 0; c < channels; c++) maps[c * height * width + i] = values[i * channels + c];
    }
    return { shape: [channels, height, width], values: maps };
  }
  if (dims.length === 2) return { shape: [1, dims[0], dims[1]], values: Float64Array.from(values) };
  if (dims.length === 1) return { shape: [1, 1, dims[0]], values: Float64Array.from(values) };
  return null;
}

// 8-bit codes with each map's offset (minimum) and step (range / levels), as data.quantise stores them.
function quantise({ shape, values }, levels) {
  const [channels, height, width] = shape;
  const size = height * width;
  const codes = new Uint8Array(values.length);
  const offsets = [], steps = [];
  for (let c = 0; c < channels; c++) {
    const map = values.subarray(c * size, (c + 1) * size);
    if (!map.every(Number.isFinite)) throw new Error("the network gives values that are not finite for this image");
    let low = Infinity, high = -Infinity;
    for (const value of map) { low = Math.min(low, value); high = Math.max(high, value); }
    const offset = rounded(low), step = rounded((high - low) / levels);
    const safe = step > 0 ? step : 1;
    for (let i = 0; i < size; i++) {
      codes[c * size + i] = Math.min(levels, Math.max(0, Math.round((map[i] - offset) / safe)));
    }
    offsets.push(offset);
    steps.push(step);
  }
  return { maps: shape, codes, offsets, steps };
}

function rounded(value) { return Number(value.toPrecision(9)); }   // as index.json stores them

// The prepared image as a PNG data URL, shown as the probe's thumbnail.
export function thumbnail(pixels, [height, width, channels]) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const rgb = channels === 1 ? [pixels[i], pixels[i], pixels[i]] : pixels.subarray(3 * i, 3 * i + 3);
    image.data.set([...rgb, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL("image/png");
}
