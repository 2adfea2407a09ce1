// The activation explorer (see docs/explorer.md): plain static files, no framework.
// data/index.json lists the layers, probes and each map's offset and step; a layer's codes
// (uint8, probe x channel x row x column) are fetched from <variant>/<layer>.bin when first shown.
// A value is offset + step * code, exactly as generator/explore/data.py stored it.
// A reader's own image (explore-reader.js) becomes one more probe, numbered after the site's.
// Colours follow the figures' one rule (generator/figures/colour_rule.py): a value's place between the
// scale's lowest and highest value (a map's own, or the layer's) picks one of index.colors, rounding half up.
// A Dense layer inside the network is folded into an RGB square (its "fold" side), as the posts fold it.

import { preparePixels, runNetwork, thumbnail } from "./explore-reader.js";

const WRAP = 32;           // a row vector longer than this is drawn in rows of WRAP values
const GRID_SIDE = 96;      // CSS pixels (at least) of the longer side of a channel in the grid (64 past 16 channels)
const DETAIL_SIDE = 320;   // CSS pixels (at most) of the longer side of the enlarged channel

const article = document.querySelector("article.explorer");
const form = article.querySelector(".explorer-controls");
const statusLine = article.querySelector(".explorer-status");
const panelsBox = article.querySelector(".explorer-panels");
const indexUrl = new URL(article.dataset.index, document.baseURI);
const layerFiles = new Map();   // data file ("variant/layer.bin", "gradcam/variant.bin") -> Promise<Uint8Array>

const state = { variant: "trained", layer: "", probe: 0, compare: "", channel: 0, scale: "map", cursor: null };
let index = null;
let palette = null;              // 256 [r, g, b]
let reader = null;               // the reader's image: { name, image, layers: { variant: { layer: maps } } }

async function main() {
  try {
    const response = await fetch(indexUrl);
    if (!response.ok) throw new Error(`${indexUrl.pathname}: HTTP ${response.status}`);
    index = await response.json();
  } catch (error) {
    statusLine.textContent = `The explorer's data could not be loaded (${error.message}).`;
    return;
  }
  palette = index.colors.map(hexColour);
  if (!index.probes.length || !mapLayers().length) {
    statusLine.textContent = "This model has no probe images (or no layer with a picture) to show.";
    return;
  }
  state.scale = index.colour_scale || "map";
  readHash();
  writeControls();
  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", () => { readControls(); show(); });
  form.channel.addEventListener("input", () => { readControls(); show(); });
  window.addEventListener("hashchange", () => { readHash(); writeControls(); show(); });
  setUpReaderImages();
  show();
}

// -- the reader's own image --

function setUpReaderImages() {
  const box = article.querySelector(".explorer-reader");
  if (!box || !index.reader || !index.reader.files) return;
  const input = box.querySelector("input[type=file]");
  const zone = box.querySelector(".explorer-drop");
  input.addEventListener("change", () => { if (input.files.length) addReaderImage(input.files[0]); });
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("explorer-dragging"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("explorer-dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("explorer-dragging");
    if (event.dataTransfer.files.length) addReaderImage(event.dataTransfer.files[0]);
  });
  box.hidden = false;
}

async function addReaderImage(file) {
  const box = article.querySelector(".explorer-reader");
  const status = box.querySelector(".explorer-reader-status");
  status.classList.remove("explorer-error");
  status.textContent = `Running ${file.name} through the network…`;
  try {
    const shape = index.reader.input_shape;
    const pixels = await preparePixels(file, shape);
    const layers = {};
    for (const variant of index.variants) {
      const modelUrl = new URL(index.reader.files[variant], indexUrl).href;
      layers[variant] = await runNetwork(new URL(box.dataset.runtime, document.baseURI).href, modelUrl,
                                         index.reader, pixels, index.levels);
    }
    reader = { name: `${file.name} (your image)`, image: thumbnail(pixels, shape), layers };
  } catch (error) {
    status.textContent = `Could not run ${file.name} through the network: ${error.message || error}`;
    status.classList.add("explorer-error");
    return;
  }
  for (const select of [form.probe, form.compare]) {
    const option = select.querySelector("option.explorer-reader-option") || select.appendChild(element("option"));
    option.className = "explorer-reader-option";
    option.value = String(index.probes.length);
    option.textContent = reader.name;
  }
  state.probe = index.probes.length;
  status.textContent = `${file.name} is shown below as a probe, in every layer.`;
  writeControls();
  show();
}

function probeInfo(probe) {
  if (reader && probe === index.probes.length) return { name: reader.name, image: reader.image };
  return { name: index.probes[probe].name, image: new URL(index.probes[probe].image, indexUrl).href };
}

// One probe's maps of a layer: codes (channel x row x column) and each channel's offset and step.
function probeMaps(layer, codes, variant, probe) {
  if (reader && probe === index.probes.length) return reader.layers[variant][layer.name];
  const block = layer.maps[0] * layer.maps[1] * layer.maps[2];
  return { codes: codes.subarray(probe * block, (probe + 1) * block),
           offsets: layer.offsets[variant][probe], steps: layer.steps[variant][probe] };
}

// -- state: controls and the address's #hash --

function mapLayers() { return index.layers.filter((layer) => layer.maps); }

function currentLayer() {
  return mapLayers().find((layer) => layer.name === state.layer) || mapLayers()[0];
}

function readControls() {
  const data = new FormData(form);
  state.variant = data.get("variant") || "trained";
  state.layer = data.get("layer");
  state.probe = Number(data.get("probe"));
  state.compare = data.get("compare");
  state.channel = Number(data.get("channel")) || 0;
  state.scale = data.get("scale") === "layer" ? "layer" : "map";
}

function writeControls() {
  const layer = currentLayer();
  state.layer = layer.name;
  state.channel = Math.min(Math.max(0, Math.trunc(state.channel) || 0), layer.maps[0] - 1);
  if (!index.variants.includes(state.variant)) state.variant = "trained";
  for (const radio of form.querySelectorAll('input[name="variant"]')) radio.checked = radio.value === state.variant;
  form.layer.value = state.layer;
  form.probe.value = String(state.probe);
  form.compare.value = state.compare;
  form.channel.max = String(layer.maps[0] - 1);
  form.channel.value = String(state.channel);
  form.scale.value = state.scale;
}

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.has("layer")) state.layer = params.get("layer");
  if (params.has("variant")) state.variant = params.get("variant");
  if (params.has("channel")) state.channel = Number(params.get("channel"));
  if (params.has("scale")) state.scale = params.get("scale") === "layer" ? "layer" : "map";
  const probe = Number(params.get("probe"));
  if (Number.isInteger(probe) && probe >= 0 && probe < index.probes.length) state.probe = probe;
  const compare = params.get("compare");
  state.compare = compare !== null && Number(compare) < index.probes.length ? compare : state.compare;
}

function writeHash() {
  const params = new URLSearchParams({ layer: state.layer, variant: state.variant, probe: state.probe,
                                       channel: state.channel, scale: state.scale });
  if (state.compare !== "") params.set("compare", state.compare);
  history.replaceState(null, "", `#${params}`);
}

// -- data --

function codesOf(variant, layer) { return fetchCodes(`${variant}/${layer.file}`); }

// A data file's codes, fetched once (its path relative to index.json).
function fetchCodes(key) {
  if (!layerFiles.has(key)) {
    const url = new URL(key, indexUrl);
    layerFiles.set(key, fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
      return response.arrayBuffer();
    }).then((buffer) => new Uint8Array(buffer)).catch((error) => { layerFiles.delete(key); throw error; }));
  }
  return layerFiles.get(key);
}

// The lowest and highest value of the scale a probe's channel is coloured on: the map's own range, or one
// range over the layer's channels (colour_rule.ranges).
function scaleOf(maps, channel) {
  const high = (c) => maps.offsets[c] + maps.steps[c] * index.levels;
  if (state.scale !== "layer") return { low: maps.offsets[channel], high: high(channel) };
  return { low: Math.min(...maps.offsets), high: Math.max(...maps.offsets.map((_, c) => high(c))) };
}

// One map of a layer: where its codes are, how to turn them into values and colours, how it is laid out.
function mapView(layer, codes, variant, probe, channel) {
  const [channels, height, width] = layer.maps;
  const size = height * width;
  const folded = Boolean(layer.fold);
  const wrapped = !folded && height === 1 && width > WRAP;
  const maps = probeMaps(layer, codes, variant, probe);
  const { low, high } = scaleOf(maps, channel);
  return {
    codes: maps.codes.subarray(channel * size, (channel + 1) * size),
    offset: maps.offsets[channel],
    step: maps.steps[channel],
    low,
    high,
    rows: folded ? layer.fold : wrapped ? Math.ceil(width / WRAP) : height,
    columns: folded ? layer.fold : wrapped ? WRAP : width,
    wrapped,
    folded,
    // The position (index into codes) drawn at cell (x, y) (a folded pixel's red value), or -1 for padding.
    at(x, y) {
      const position = folded ? (y * layer.fold + x) * 3 : wrapped ? y * WRAP + x : y * width + x;
      return x >= 0 && y >= 0 && x < this.columns && y < this.rows && position < size ? position : -1;
    },
    value(position) { return this.offset + this.step * this.codes[position]; },
    // A value's place on the scale, 0 (lowest) to 1 (highest); 0 on a scale with no spread.
    place(position) { return this.high > this.low ? (this.value(position) - this.low) / (this.high - this.low) : 0; },
    colour(position) {
      if (folded) {                          // R, G and B each from dark (lowest) to full (highest); padding dark
        return [0, 1, 2].map((c) => position + c < size ? levelOf(this.place(position + c), 256) : 0);
      }
      return palette[levelOf(this.place(position), palette.length)];
    },
    describe(x, y) {
      const position = this.at(x, y);
      if (position < 0) return null;
      if (folded) return `pixel row ${y}, column ${x} (values ${position} to ${Math.min(position + 2, size - 1)})`;
      return wrapped ? `value ${position}` : height === 1 ? `column ${x}` : `row ${y}, column ${x}`;
    },
    read(position) {
      if (!folded) return format(this.value(position));
      return ["R", "G", "B"].filter((_, c) => position + c < size)
        .map((name, c) => `${name} ${format(this.value(position + c))}`).join(", ");
    },
  };
}

// "#rrggbb" as [r, g, b].
function hexColour(hex) { return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)); }

// A place 0..1 as one of `count` levels, as colour_rule.levels rounds it.
function levelOf(place, count) { return Math.floor(Math.min(Math.max(place, 0), 1) * (count - 1) + 0.5); }

// -- drawing --

function drawMap(view, side, fit) {
  const canvas = document.createElement("canvas");
  canvas.width = view.columns;
  canvas.height = view.rows;
  const context = canvas.getContext("2d");
  const image = context.createImageData(view.columns, view.rows);
  for (let y = 0; y < view.rows; y++) {
    for (let x = 0; x < view.columns; x++) {
      const position = view.at(x, y);
      if (position < 0) continue;
      const [r, g, b] = view.colour(position);
      image.data.set([r, g, b, 255], (y * view.columns + x) * 4);
    }
  }
  context.putImageData(image, 0, 0);
  const longer = Math.max(view.rows, view.columns);
  const scale = fit === "at-least" ? Math.max(1, Math.ceil(side / longer)) : Math.max(1, Math.floor(side / longer));
  canvas.style.width = `${view.columns * scale}px`;
  canvas.style.aspectRatio = `${view.columns} / ${view.rows}`;
  return canvas;
}

// The colour bar under the enlarged map: the values at its two ends and in its middle, and what the scale is.
function colourBar(view) {
  const figure = element("div", "explorer-colourbar");
  const canvas = document.createElement("canvas");
  const ramp = view.folded ? Array.from({ length: 256 }, (_, level) => [level, level, level]) : palette;
  canvas.width = ramp.length;
  canvas.height = 1;
  const context = canvas.getContext("2d");
  ramp.forEach(([r, g, b], level) => { context.fillStyle = `rgb(${r},${g},${b})`; context.fillRect(level, 0, 1, 1); });
  canvas.setAttribute("aria-hidden", "true");
  const labels = element("div", "explorer-colourbar-labels");
  const values = view.high > view.low ? [view.low, (view.low + view.high) / 2, view.high] : [view.low];
  labels.append(...values.map((value) => element("span", "", format(value))));
  const scale = view.folded ? "each of R, G and B, from the lowest value of the layer to its highest"
    : state.scale === "layer" ? "one scale for the layer's channels" : "this map's own scale";
  const words = view.high > view.low ? scale : "a constant map: the lowest colour";
  figure.append(canvas, labels, element("p", "explorer-colourbar-scale", words));
  return figure;
}

function format(value) {
  if (value === 0) return "0";
  return Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3 ? value.toExponential(4) : value.toPrecision(5);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function panel(layer, codes, probe) {
  const [channels, height, width] = layer.maps;
  const box = element("section", "explorer-panel");
  box.dataset.probe = String(probe);
  const heading = element("h2", "explorer-panel-title");
  const info = probeInfo(probe);
  const picture = document.createElement("img");
  picture.src = info.image;
  picture.alt = `probe ${info.name} as the model sees it`;
  picture.className = "explorer-probe";
  heading.append(picture, ` ${info.name}`);
  box.append(heading);

  const view = mapView(layer, codes, state.variant, probe, state.channel);
  const detail = element("div", "explorer-detail");
  const frame = element("div", "explorer-detail-frame");
  const canvas = drawMap(view, DETAIL_SIDE, "at-most");
  canvas.classList.add("explorer-detail-map");
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${layer.name} channel ${state.channel} for ${info.name}; ` +
                      "arrow keys move the pointer");
  const cursor = element("div", "explorer-cursor");
  cursor.hidden = true;
  frame.append(canvas, cursor);
  const readout = element("output", "explorer-value");
  const title = channels > 1 ? `channel ${state.channel} of ${channels}`
    : view.folded ? `${width} values folded into ${layer.fold}×${layer.fold}×3 RGB pixels`
    : view.wrapped ? `${width} values, in rows of ${WRAP}` : `one map of ${height}×${width}`;
  const bar = colourBar(view);
  bar.style.width = canvas.style.width;
  detail.append(element("p", "explorer-detail-title", title), frame, bar, readout);
  box.append(detail);
  box.explorer = { view, cursor, readout };

  canvas.addEventListener("pointermove", (event) => {
    const bounds = canvas.getBoundingClientRect();
    const x = Math.floor((event.clientX - bounds.left) / bounds.width * view.columns);
    const y = Math.floor((event.clientY - bounds.top) / bounds.height * view.rows);
    pointAt(view.at(x, y) < 0 ? null : { x, y });
  });
  canvas.addEventListener("pointerleave", () => pointAt(null));
  canvas.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const [dx, dy] = moves[event.key];
    const from = state.cursor || { x: 0, y: 0 };
    const to = { x: from.x + (state.cursor ? dx : 0), y: from.y + (state.cursor ? dy : 0) };
    if (view.at(to.x, to.y) >= 0) pointAt(to);
  });

  if (channels === 1) return box;        // nothing to choose from: the enlarged map is the layer
  const grid = element("div", "explorer-grid");
  const side = channels > 16 ? GRID_SIDE * 2 / 3 : GRID_SIDE;
  for (let channel = 0; channel < channels; channel++) {
    const button = element("button", "explorer-channel");
    button.type = "button";
    button.setAttribute("aria-pressed", String(channel === state.channel));
    button.setAttribute("aria-label", `channel ${channel}`);
    button.append(drawMap(mapView(layer, codes, state.variant, probe, channel), side, "at-least"),
                  element("span", "explorer-channel-number", String(channel)));
    button.addEventListener("click", () => { state.channel = channel; writeControls(); show(); });
    grid.append(button);
  }
  box.append(grid);
  return box;
}

// The value under the pointer (or the keyboard's cursor), at the same cell in every panel.
function pointAt(cell) {
  state.cursor = cell;
  for (const box of panelsBox.querySelectorAll(".explorer-panel")) {
    const { view, cursor, readout } = box.explorer;
    const position = cell ? view.at(cell.x, cell.y) : -1;
    cursor.hidden = position < 0;
    if (position < 0) {
      readout.textContent = "";
      continue;
    }
    cursor.style.left = `${(cell.x / view.columns) * 100}%`;
    cursor.style.top = `${(cell.y / view.rows) * 100}%`;
    cursor.style.width = `${100 / view.columns}%`;
    cursor.style.height = `${100 / view.rows}%`;
    readout.textContent = `${view.describe(cell.x, cell.y)}: ${view.read(position)}`;
  }
}

let shown = 0;

async function show() {
  const ticket = ++shown;
  const layer = currentLayer();
  writeControls();
  writeHash();
  const weights = state.variant === "trained" ? "trained" : "untrained";
  const probes = [state.probe];
  if (state.compare !== "") probes.push(Number(state.compare));
  statusLine.textContent = `Loading ${layer.name}…`;
  let codes;
  try {
    codes = await codesOf(state.variant, layer);
  } catch (error) {
    statusLine.textContent = `Could not load ${layer.name} (${error.message}).`;
    return;
  }
  if (ticket !== shown) return;
  const [channels, height, width] = layer.maps;
  statusLine.textContent = `${layer.name} (${layer.class}) of the ${weights} network: ` + (layer.fold
    ? `${width} values folded into ${layer.fold}×${layer.fold}×3 RGB pixels.`
    : `${channels} map${channels === 1 ? "" : "s"} of ${height}×${width}, channel ${state.channel} enlarged.`);
  panelsBox.replaceChildren(...probes.map((probe) => panel(layer, codes, probe)));
  panelsBox.classList.toggle("explorer-side-by-side", probes.length > 1);
  document.title = `Explore ${index.model} (${weights}) · ${article.dataset.siteTitle}`;
  pointAt(state.cursor);
  showGradCam(ticket);
}

// -- Grad-CAM: the probe's map for every class (gradcam/<variant>.bin, probe x class x row x column) --

const OPACITY = 0.6;       // the map's colours over the probe in grey, as the grad-cam figures draw them

async function showGradCam(ticket) {
  const box = article.querySelector(".explorer-gradcam");
  const cams = index.gradcam;
  if (!box || !cams || !cams.files[state.variant] || state.probe >= index.probes.length) {
    if (box) box.hidden = true;   // a reader's own image has no Grad-CAM: it needs the network's gradients
    return;
  }
  let codes, grey;
  try {
    [codes, grey] = await Promise.all([fetchCodes(cams.files[state.variant]), probeGrey(state.probe)]);
  } catch (error) {
    statusLine.textContent = `Could not load the Grad-CAM maps (${error.message}).`;
    return;
  }
  if (ticket !== shown) return;
  const [classes, height, width] = cams.maps;
  const size = height * width;
  // The grad-cam figures' colours on their scale: a value's share of its map's largest value
  // (colour_rule.share_places); with offset 0 (data.quantise_shares) a code is its colour level.
  const colours = cams.colors ? cams.colors.map(hexColour) : palette;
  const figures = cams.classes.map((name, k) => {
    const at = (state.probe * classes + k) * size;
    const offset = cams.offsets[state.variant][state.probe][k];
    const step = cams.steps[state.variant][state.probe][k];
    const high = offset + step * index.levels;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    const image = context.createImageData(width, height);
    for (let position = 0; position < size; position++) {
      const place = high > 0 ? (offset + step * codes[at + position]) / high : 0;
      const colour = colours[levelOf(place, colours.length)];
      const value = grey[position];
      image.data.set([0, 1, 2].map((c) => Math.round((1 - OPACITY) * value + OPACITY * colour[c])).concat(255),
                     position * 4);
    }
    context.putImageData(image, 0, 0);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `Grad-CAM of ${cams.layer} for class ${name}, over ${index.probes[state.probe].name}`);
    const figure = element("figure");
    figure.append(canvas, element("figcaption", "", name));
    return figure;
  });
  box.querySelector(".explorer-gradcam-maps").replaceChildren(...figures);
  box.hidden = false;
}

// The probe as the model sees it, in grey (0..255 per pixel), from its PNG.
async function probeGrey(probe) {
  const picture = new Image();
  picture.src = new URL(index.probes[probe].image, indexUrl).href;
  await picture.decode();
  const canvas = document.createElement("canvas");
  canvas.width = picture.naturalWidth;
  canvas.height = picture.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(picture, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  return Array.from({ length: canvas.width * canvas.height },
                    (_, i) => (pixels[i * 4] + pixels[i * 4 + 1] + pixels[i * 4 + 2]) / 3);
}

main();
