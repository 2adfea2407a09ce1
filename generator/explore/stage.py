"""The explorer stage of a build: a page per published model, its data computed once and cached.

The compute step (generator/compute.py) calls `compute_explorers(config, options, store, outputs,
manifest)` once the figures stage (generator/figures/stage.py, a layer below) has drawn the figures.
It reads what the figures stage decided (the models published as `models/NAME.keras`, the probes and
colour map of their figures), computes every layer's outputs for those probes with the trained and the
untrained network (`TrainedModel.activations`, the call the activations figures use), and returns
`Explorers`, plain data for the compute step's result: data files, `figures.json` entries with their
hashes, the URL each activations figure links to (the theme's figure.html writes the link), the pages
(rendered with the theme's explore.html) and the link that follows every link to a model's .keras file
in a page's text (`LinkAfter`, written while the text is converted). A cached model and cached data need
no TensorFlow.

With `layerpress: {explorer: {reader_images: true}}` each explorer also holds the model as
ONNX (`reader.py`) and the site gets ONNX Runtime Web, so a reader can run their own image.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import MANIFEST, Store, digest, file_digest
from generator.confine import checked_file
from generator.errors import FigureError
from generator import console
from generator.explore import budget, data, gradcam, reader
from generator.content.links import LinkAfter
from generator.explore.pages import LAYOUT, download_link
from generator.figures import colour_rule
from generator.figures.common import display_image
from generator.figures.kinds.dense_as_image import fold_side
from generator.figures.keys import library_versions
from generator.figures.tiling import png_bytes
from generator.frozen import RECORD_FILE, FrozenResults

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from generator.models.store import ModelStore

VERSION = 4  # bumped when the files an explorer entry holds change (3: Grad-CAM maps; 4: the colour rule, folds)
DEFAULT_CMAP = "viridis"
MAX_PROBES = 6          # the default blog stays far under 2 MB per model with this many
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")


@dataclass
class ExplorerModel:
    name: str
    probes: list[str]                   # source-relative probe paths
    cmap: str
    variants: tuple[str, ...]           # ("trained", "untrained") or ("trained",) for a loaded model
    spec_file: Path
    published: bool = True              # its .keras file is in the site (models/NAME.keras)
    colour_scale: str = colour_rule.DEFAULT_SCALE  # the colour rule's scale (figures/colour_rule.py) the page starts with
    gradcam_cmap: str = ""              # the Grad-CAM maps' colour map: that of the model's grad-cam figure
    megabytes: float | None = None      # the spec's explorer_budget; None: budget.DEFAULT_MEGABYTES
    kept: budget.Plan | None = None     # the layers and channels within the budget (compute() decides)
    key: str = ""                       # the local cache's key (with library versions)
    input_key: str = ""                 # the frozen results' key (without them)
    entry: Path | None = None

    @property
    def url(self) -> str:
        return f"/explore/{self.name}/"

    def site_path(self, relative: str) -> str:
        return f"explore/{self.name}/data/{relative}"


@dataclass
class ExplorerStage:
    store: ModelStore
    source: Path
    cache_dir: Path
    baseurl: str = ""
    force: bool = False
    reader_images: bool = False
    config_file: Path | None = None
    frozen: FrozenResults | None = None  # looked up before the cache
    models: list[ExplorerModel] = field(default_factory=list)

    def __post_init__(self):
        self.cache = Store(Path(self.cache_dir) / "explore")
        self.baseurl = self.baseurl.rstrip("/")

    # -- what to show (no TensorFlow) --

    def plan(self, outputs: list[tuple[str, Path]], manifest: list[dict], model_refs=None) -> None:
        """One explorer per model the posts use (`model_refs`; default: those published as models/NAME.keras),
        with the probes its figures use; a download link when it is published."""
        published = sorted(path[len("models/"):-len(".keras")] for path, _ in outputs
                           if re.fullmatch(r"models/[^/]+\.keras", path))
        names = sorted({ref.split(":")[0] for ref in model_refs}) if model_refs is not None else published
        for name in names:
            spec = self.store.spec(name)
            variants = data.VARIANTS if spec.trained_by_build else ("trained",)
            self.models.append(ExplorerModel(name, self._probes(name, manifest), self._cmap(name, manifest),
                                             variants, Path(spec.file), published=name in published,
                                             megabytes=spec.explorer_budget,
                                             colour_scale=self._colour_scale(name, manifest),
                                             gradcam_cmap=gradcam.cmap(name, manifest)))

    def _probes(self, name: str, manifest: list[dict]) -> list[str]:
        """The probes of the model's activations figures, then of its other figures; else the blog's probes/."""
        entries = sorted((e for e in manifest if e["spec"].get("model") == name), key=lambda e: e["kind"] != "activations")
        probes = list(dict.fromkeys(probe for entry in entries for probe in entry["inputs"]))
        if not probes:
            folder = self.source / "probes"
            probes = [p.relative_to(self.source).as_posix() for p in sorted(folder.iterdir())
                      if p.suffix.lower() in IMAGE_SUFFIXES
                      and _readable(checked_file(self.source, p, "image", FigureError, what="probe"))
                      ] if folder.is_dir() else []
        return probes[:MAX_PROBES]

    @staticmethod
    def _cmap(name: str, manifest: list[dict]) -> str:
        return next((e["spec"]["cmap"] for e in manifest if e["kind"] == "activations"
                     and e["spec"].get("model") == name and e["spec"].get("cmap")), DEFAULT_CMAP)

    @staticmethod
    def _colour_scale(name: str, manifest: list[dict]) -> str:
        """The colour scale of the model's first activations figure, else the rule's default."""
        return next((e["spec"]["colour_scale"] for e in manifest if e["kind"] == "activations"
                     and e["spec"].get("model") == name and e["spec"].get("colour_scale")), colour_rule.DEFAULT_SCALE)

    def refs(self, model: ExplorerModel) -> dict[str, str]:
        """variant -> model reference."""
        return {variant: data.variant_ref(model.name, variant) for variant in model.variants}

    # -- computing --

    def compute(self) -> None:
        conversion = reader.versions(self.config_file) if self.reader_images else None
        for model in self.models:
            probes = [(probe, file_digest(self.source / probe)) for probe in model.probes]
            refs = self.refs(model).values()
            record = self._record(model.name)
            model.kept = budget.plan(record["layers"], len(model.probes), len(model.variants),
                                     int(self.megabytes(model) * 2**20), input_shape=record["input_shape"],
                                     gradcam_classes=gradcam.classes_to_draw(record))
            # what the budget changes is keyed only when it leaves something out: explorers that fit keep their keys
            limits = [model.megabytes, model.kept.channels] if model.kept.left_out else []
            # and the Grad-CAM maps' scale and colours only for a model that has them
            cams = [gradcam.SCALE, model.gradcam_cmap] if model.kept.gradcam and gradcam.classes_to_draw(record) else []
            model.key = digest("explore", VERSION, model.name, model.cmap, model.colour_scale,
                               {ref: self.store.cache_key(ref) for ref in refs},
                               probes, library_versions(), *([conversion] if conversion else []), *limits, *cams)
            model.input_key = digest("explore", VERSION, model.name, model.cmap, model.colour_scale,
                                     {ref: self.store.input_key(ref) for ref in refs}, probes, self.reader_images,
                                     *limits, *cams)
            model.entry = None if self.force else (self._frozen_entry(model) or self.cache.get(model.key))
        misses = [model for model in self.models if model.entry is None]
        if misses:
            from tqdm import tqdm

            for model in tqdm(misses, desc="explorer", unit="model", disable=console.is_quiet()):
                model.entry = self.cache.put(model.key, partial(self._fill, model=model))

    def _record(self, name: str) -> dict:
        """The model's record, frozen before cached (this stage's store looks up no frozen results)."""
        entry = self.frozen.model_entry(self.store.input_key(name)) if self.frozen is not None else None
        return json.loads((entry / RECORD_FILE).read_text()) if entry is not None else self.store.record(name)

    @staticmethod
    def megabytes(model: ExplorerModel) -> float:
        return model.megabytes or budget.DEFAULT_MEGABYTES

    def _frozen_entry(self, model: ExplorerModel) -> Path | None:
        return self.frozen.explorer_entry(model.input_key) if self.frozen is not None else None

    def freeze(self, *, prune: bool) -> None:
        """Copy every explorer computed here into the frozen results; with `prune`, drop the unused ones."""
        assert self.frozen is not None, "freezing needs the frozen results"
        for model in self.models:
            assert model.entry is not None  # compute() gave every model its entry
            if not model.entry.is_relative_to(self.frozen.root):
                self.frozen.put_explorer(model.input_key, model.entry)
        if prune:
            for key in self.frozen.stale_explorers({model.input_key for model in self.models}):
                self.frozen.remove("explorer", key)

    def _fill(self, folder: Path, model: ExplorerModel) -> None:
        import numpy as np


        trained = self.store.get(model.name)
        shape = trained.record["input_shape"]
        images = np.stack([trained.load_probe(self.source / probe) for probe in model.probes]).astype(np.float32) \
            if model.probes else np.zeros((0, *shape), dtype=np.float32)
        kept = model.kept
        assert kept is not None  # compute() planned it
        quantised = {variant: self._quantised_layers(model, ref, trained, images, kept)
                     for variant, ref in self.refs(model).items()}
        cams = gradcam.compute({variant: self.store.get(ref) for variant, ref in self.refs(model).items()},
                               trained.record, images) if kept.gradcam else {}
        index = {
            "model": model.name, "version": VERSION, "levels": data.LEVELS, "cmap": model.cmap,
            "colors": _colors(model.cmap), "colour_scale": model.colour_scale, "variants": list(model.variants),
            "input_shape": shape,
            "probes": [{"name": probe.rsplit("/", 1)[-1], "path": probe, "image": f"probes/{number}.png"}
                       for number, probe in enumerate(model.probes)],
            "metrics": {variant: self.store.record(ref).get("metrics", {}) for variant, ref in self.refs(model).items()},
            "layers": [_layer_entry(info, quantised, is_last=number == len(trained.record["layers"]) - 1)
                       for number, info in enumerate(trained.record["layers"])],
            "gradcam": gradcam.index_entry(trained.record, cams, model.gradcam_cmap, _colors(model.gradcam_cmap)),
            **({"left_out": f"{kept.left_out} (its budget: {self.megabytes(model):g} MB)"} if kept.left_out else {}),
            "versions": library_versions(),   # what computed it: figures.json quotes it, on any machine
        }
        if self.reader_images:
            index["reader"] = reader.add_models(folder, {variant: self.store.get(ref) for variant, ref
                                                         in self.refs(model).items()}, trained.layer_names())
        data.write_entry(folder, index, quantised, [png_bytes(display_image(image)) for image in images])
        gradcam.write(folder, cams)

    def _quantised_layers(self, model: ExplorerModel, ref: str, trained, images, kept: budget.Plan) -> dict:
        """layer name -> Quantised maps, for the layers and channels the budget keeps, in one forward pass."""
        import numpy as np

        if not len(images) or not kept.channels:
            return {}
        network = trained if ref == model.name else self.store.get(ref)
        outputs = network.activations(list(kept.channels), images)
        quantised = {}
        for name, output in outputs.items():
            maps = data.as_maps(output)
            if maps is None:
                continue
            maps = maps[:, :kept.channels[name]]
            if not np.isfinite(maps).all():
                raise FigureError(f"model '{ref}': layer '{name}' gives values that are not finite for the "
                                  "explorer's probes", file=model.spec_file,
                                  hint="retrain it (`layerpress train NAME --force`) or check its weights")
            quantised[name] = data.quantise(maps)
        return quantised

    # -- results --

    def index(self, model: ExplorerModel) -> dict:
        assert model.entry is not None  # compute() gave every model its entry
        return json.loads((model.entry / data.INDEX).read_text())

    def files(self, model: ExplorerModel) -> dict[str, dict]:
        """Site path -> {"path": cached file, "sha256": hex} for every data file of a model."""
        assert model.entry is not None  # compute() gave every model its entry
        stored = json.loads((model.entry / MANIFEST).read_text())  # a cached or a frozen entry
        return {model.site_path(name): {"path": model.entry / name, "sha256": item["sha256"]}
                for name, item in sorted(stored.items())}

    def manifest(self) -> list[dict]:
        """figures.json entries (same fields as a figure's), one per explorer."""
        return [{
            "post": _relative(model.spec_file, self.source), "line": 1, "id": f"explore-{model.name}",
            "kind": "explorer", "spec": {"model": model.name, "probes": model.probes, "cmap": model.cmap},
            "cache_key": model.input_key, "models": {ref: self.store.input_key(ref) for ref in self.refs(model).values()},
            "inputs": {probe: file_digest(self.source / probe) for probe in model.probes},
            "outputs": {path: item["sha256"] for path, item in self.files(model).items()},
            "legibility": {},   # no drawn figure: the page lays out its maps itself
            "versions": self.index(model).get("versions") or library_versions(),
        } for model in self.models]

    def outputs(self) -> list[tuple[str, Path]]:
        """(site path, file) of every explorer's data files, and ONNX Runtime Web when a reader may run their own image."""
        files = [(path, item["path"]) for model in self.models for path, item in self.files(model).items()]
        if any(self.index(model).get("reader", {}).get("outputs") for model in self.models):
            files.extend(reader.runtime_files(self.config_file))
        return files

    def note_skipped(self) -> None:
        for model in self.models:
            left_out = self.index(model).get("left_out")
            if left_out:
                log.log(console.NOTE, "explorer of '%s': %s; `explorer_budget: MB` in %s raises it", model.name,
                        left_out, _relative(model.spec_file, self.source))
            skipped = self.index(model).get("reader", {}).get("skipped")
            if skipped:
                log.log(console.NOTE, "explorer of '%s': no reader's own image (%s)", model.name, skipped)

    def figure_links(self, figures_manifest: list[dict]) -> dict[tuple[str, str], str]:
        """(post, figure id) -> the explorer's URL, opened at the figure's first layer and probe, for every
        activations figure of a model with an explorer."""
        by_name = {model.name: model for model in self.models}
        links = {}
        for entry in figures_manifest:
            model = by_name.get(entry["spec"].get("model"))
            if entry["kind"] != "activations" or model is None:
                continue
            layer, probe = entry["spec"]["layers"][0], next(iter(entry["inputs"]), None)
            pattern = isinstance(layer, str) and any(character in layer for character in "*?[")
            view = f"#layer={layer}" if isinstance(layer, str) and not pattern else ""
            if view and probe in model.probes:
                view += f"&probe={model.probes.index(probe)}"
            links[(entry["post"], entry["id"])] = f"{self.baseurl}{model.url}{view}"
        return links

    def pages(self) -> list[tuple[str, str, dict]]:
        """(theme layout, output path, page variables) of every explorer page (no model or cache state)."""
        pages = []
        for model in self.models:
            index = self.index(model)
            pages.append((LAYOUT, f"explore/{model.name}/index.html", {
                "title": f"Explore {model.name}", "url": model.url, "layout": "explore", "explorer": {
                    "model": model.name, "index_url": f"{self.baseurl}/{model.site_path(data.INDEX)}",
                    "download_url": f"{self.baseurl}/models/{model.name}.keras" if model.published else None,
                    "layers": index["layers"],
                    "probes": index["probes"], "variants": index["variants"], "metrics": index["metrics"],
                    "left_out": index.get("left_out"),
                    "reader": index.get("reader"), "runtime_url": f"{self.baseurl}/{reader.RUNTIME_MODULE}",
                    "gradcam": index.get("gradcam")}}))
        return pages

    def download_links(self) -> tuple[LinkAfter, ...]:
        """The link to its explorer that follows every link to a model's .keras file in a page's text."""
        return tuple(download_link(self.baseurl, model.name, model.url) for model in self.models if model.published)


@dataclass(frozen=True)
class Explorers:
    """What the explorer stage adds to the compute step's result (plain data)."""

    outputs: list[tuple[str, Path]]            # data files (and ONNX Runtime Web)
    manifest: list[dict]                       # a figures.json entry per explorer
    figure_links: dict[tuple[str, str], str]   # (post, figure id) -> URL under an activations figure
    pages: list[tuple[str, str, dict]]         # (theme layout, output path, page variables)
    links_after: tuple[LinkAfter, ...]         # after every link to models/NAME.keras: NAME's explorer


def compute_explorers(config, options, store: ModelStore, outputs: list[tuple[str, Path]],
                      manifest: list[dict], model_refs: list[str] | None = None) -> Explorers:
    """An explorer per model the posts use (`model_refs`; default: those the figures stage publishes), with a
    download link when published (`outputs`: the figures stage's files, `manifest`: its figures.json entries),
    computed or taken from the frozen results or the cache, and frozen when the build freezes."""
    frozen = FrozenResults(Path(options.source)) if options.reads_frozen else None
    stage = ExplorerStage(store, Path(options.source), options.paths.cache_dir, baseurl=config.baseurl,
                          force=options.force, reader_images=reader.enabled(config),
                          config_file=config.file, frozen=frozen)
    stage.plan(outputs, manifest, model_refs)
    stage.compute()
    if frozen is not None and options.writes_frozen(config):
        stage.freeze(prune=options.prune)
    stage.note_skipped()
    return Explorers(stage.outputs(), stage.manifest(), stage.figure_links(manifest), stage.pages(),
                     stage.download_links())


def _layer_entry(info: dict, quantised: dict[str, dict], *, is_last: bool = False) -> dict:
    """A layer of index.json: its record entry, map shape, file, per variant each map's offset and step, and for a
    Dense layer inside the network the side of the RGB square its values fold into (as the dense_as_image figures
    fold them; the output layer's few values stay a row)."""
    stored = {variant: layers[info["name"]] for variant, layers in quantised.items() if info["name"] in layers}
    first = next(iter(stored.values()), None)
    return {
        "name": info["name"], "class": info["class"], "output_shape": info["output_shape"], "params": info["params"],
        "maps": list(first.codes.shape[1:]) if first is not None else None,
        "file": data.file_name(info["name"]) if first is not None else None,
        "offsets": {variant: maps.offsets.tolist() for variant, maps in stored.items()} if first is not None else None,
        "steps": {variant: maps.steps.tolist() for variant, maps in stored.items()} if first is not None else None,
        **({"fold": fold_side(first.codes.shape[-1])} if first is not None and info["class"] == "Dense"
           and first.codes.shape[2:] == (1, first.codes.shape[-1]) and not is_last else {}),
    }


def _readable(path: Path) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError):
        return False


def _colors(cmap: str) -> list[str]:
    """The colour rule's levels of the colour map, as CSS colours (the figures' colours exactly)."""
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in colour_rule.ramp(cmap).tolist()]


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
