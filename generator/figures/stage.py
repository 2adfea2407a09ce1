"""The figures stage of a build: collect every figure block, validate, draw what the cache lacks.

build.py plugs it in with `compute(config, documents, options)`; see `ComputeResult`
for what comes back. Each document needs `source_path`, `body` (rewritten in place:
figure blocks become placeholders), `body_line` and `slug`; `config` needs `baseurl`;
`options` is a BuildOptions (`source`, `cache_dir`, `quiet`, `force`).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from functools import cache, partial
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.cache import MANIFEST, Store, canonical_json, digest, file_digest
from generator.confine import confined
from generator.errors import ConfigError, FigureError, LayerpressError, did_you_mean
from generator.figures import registry
from generator.figures.layout import DEFAULT_FIGURE_WIDTH, DENSITY, NARROW_MEDIA, below_thresholds
from generator.figures.directive import FigureRequest, prose_lines, extract_figures

if TYPE_CHECKING:
    from generator.freeze import FreezeReport

JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
STRING_LITERAL = re.compile(r"""'[^']*'|"[^"]*\"""")
# `models.NAME` as a whole word of an expression: not `three-generative-models.png` in a string.
MODEL_REF = re.compile(r"""(?<![\w.$/-])models(?:\.(\w+)|\[\s*['"]([\w:-]+)['"]\s*\])(?:\.variants(?:\.(\w+)|\[\s*['"]([\w-]+)['"]\s*\]))?""")  # noqa: E501
LIBRARIES = ("numpy", "pillow", "matplotlib", "scipy", "tensorflow", "keras")
META = "meta.json"
# Keys that change the HTML around a figure, not its pixels: not part of the cache key.
PRESENTATION_KEYS = ("id", "caption", "alt")
MIN_FIGURE_WIDTH = 320


@dataclass
class ComputeResult:
    context: dict = field(default_factory=dict)  # Jinja globals for bodies: {"models": ModelsContext}
    replacements: dict[Path, dict[str, str]] = field(default_factory=dict)  # source_path -> {placeholder: HTML}
    outputs: list[tuple[str, Path]] = field(default_factory=list)  # (site-relative path, file to copy there)
    filters: dict = field(default_factory=dict)  # Jinja filters for bodies: {"percent": percent}
    manifest: list[dict] = field(default_factory=list)  # the entries of figures.json
    freeze_report: FreezeReport | None = None  # what was frozen, computed, stale
    model_refs: list[str] = field(default_factory=list)  # every model a figure or the text uses


@dataclass
class _Figure:
    request: FigureRequest
    slug: str
    post: str = ""                     # the document's path relative to the source folder
    key: str = ""                      # the local cache's key
    input_key: str = ""                # the frozen results' key (no library versions)
    entry: Path | None = None


def compute(config, documents, options) -> ComputeResult:
    """The seam build.py calls between reading documents and rendering them."""
    from generator import freeze
    from generator.models.store import ModelStore

    cache_dir = Path(options.cache_dir or Path(options.source) / ".layerpress-cache")
    refresh = tuple(getattr(options, "refresh", ()))
    frozen = None if options.force else freeze.FrozenResults(Path(options.source))
    writes_frozen = getattr(options, "freeze", False) or freeze.freeze_mode(config) == freeze.AUTO
    store = ModelStore(Path(options.source), cache_dir, quiet=options.quiet, force=options.force,
                       frozen=frozen, refresh=refresh)
    stage = FigureStage(store, Path(options.source), cache_dir, baseurl=getattr(config, "baseurl", "") or "",
                        quiet=options.quiet, force=options.force, figure_width=figure_width(config),
                        frozen=frozen, refresh=refresh)
    stage.add_documents(documents)
    freeze.check_refresh_names(refresh, store.names(), [f.request.figure_id for f in stage.figures])
    if getattr(options, "frozen_only", False):
        freeze.require_complete(stage)
    stage.compute()
    result = stage.result()
    result.model_refs = stage.model_refs()
    if frozen is not None:
        result.freeze_report = freeze.record_results(stage, write=writes_frozen,
                                                     prune=getattr(options, "prune", False))
        if not options.quiet:
            freeze.print_summary(result.freeze_report, frozen)
    return result


def figure_width(config) -> int:
    """`layerpress: {figure_width: N}` in _config.yml: the text column figures are drawn for (CSS px)."""
    option = getattr(config, "option", None)
    value = option("figure_width") if option else None
    if value is None:
        return DEFAULT_FIGURE_WIDTH
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_FIGURE_WIDTH <= value <= 4000:
        raise ConfigError(f"'layerpress.figure_width' must be a number of CSS pixels from {MIN_FIGURE_WIDTH} "
                          f"to 4000, not {value!r}", file=getattr(config, "file", None),
                          hint=f"the default theme's text column is {DEFAULT_FIGURE_WIDTH}")
    return value


def percent(value, digits: int = 1) -> str:
    """0.9123 -> '91.2%'."""
    return f"{value * 100:.{digits}f}%"


def model_refs_in_text(body: str) -> list[tuple[str, int]]:
    """(ref, 0-based line) for each `models.NAME` / `models.NAME.variants.V` / `models["NAME:V"]` inside
    {{ }} or {% %} (which may span lines, as a long claim() does), outside fenced code."""
    prose = [""] * body.count("\n") + [""]
    for index, line in prose_lines(body):
        prose[index] = line
    text = "\n".join(prose)
    refs = []
    for span in JINJA_SPAN.finditer(text):
        strings = [literal.span() for literal in STRING_LITERAL.finditer(span.group(0))]
        for match in MODEL_REF.finditer(span.group(0)):
            if any(start < match.start() < end for start, end in strings):
                continue
            name, variant = match[1] or match[2], match[3] or match[4]
            name, _, variant = name.partition(":") if ":" in name else (name, "", variant)
            refs.append((f"{name}:{variant}" if variant else name, text.count("\n", 0, span.start() + match.start())))
    return refs


class FigureStage:
    def __init__(self, store, source: Path, cache_dir: Path, *, baseurl: str = "", quiet: bool = False,
                 force: bool = False, figure_width: int = DEFAULT_FIGURE_WIDTH, frozen=None, refresh=()):
        self.store = store
        self.figure_width = figure_width
        self.frozen = frozen  # generator.freeze.FrozenResults, looked up before the cache
        self.refresh = set(refresh)
        self.source = Path(source)
        self.cache = Store(Path(cache_dir) / "figures")
        self.baseurl = baseurl.rstrip("/")
        self.quiet = quiet
        self.force = force
        self.figures: list[_Figure] = []
        self.sources: list[Path] = []
        self.text_refs: list[str] = []
        self.records: dict[str, dict] = {}

    # -- collecting and validating (no TensorFlow) --

    def add_documents(self, documents) -> None:
        """Extract and validate every figure block and model reference of every document."""
        for document in documents:
            text = document.body
            document.body, requests = extract_figures(text, document.source_path, document.body_line)
            self.sources.append(document.source_path)
            for request in requests:
                for ref in request.model_refs:
                    self._check_ref(ref, request.source_path, request.line)
                for probe in registry.probe_paths(request.options):
                    self._check_probe(probe, request)
                self.figures.append(_Figure(request, document.slug, _relative(request.source_path, self.source)))
            for ref, index in model_refs_in_text(text):
                self._check_ref(ref, document.source_path, document.body_line + index)
                if ref not in self.text_refs:
                    self.text_refs.append(ref)

    def _check_ref(self, ref: str, file, line: int) -> None:
        name = ref.split(":")[0]
        names = self.store.names()
        if name not in names:
            hint = did_you_mean(name, names)
            listing = "models: " + (", ".join(names) or "none in _models/")
            raise FigureError(f"unknown model '{name}'", file=file, line=line,
                              hint=f"{hint} {listing}" if hint else listing)
        if ":" in ref:
            try:
                self.store.spec(ref)
            except LayerpressError as error:
                raise FigureError(f"model '{ref}': {error.message}", file=file, line=line, hint=error.hint) from None

    def _check_probe(self, probe: str, request: FigureRequest) -> None:
        from generator.datasets.images import ImageProblem, open_image

        path = confined(self.source, probe, FigureError, what="probe", file=request.source_path, line=request.line)
        if not path.exists():
            siblings = [p.name for p in path.parent.iterdir()] if path.parent.is_dir() else []
            raise request.error(f"probe '{probe}' not found", did_you_mean(path.name, siblings))
        try:
            open_image(path)
        except ImageProblem as problem:
            raise request.error(f"probe '{probe}' {problem}") from None

    # -- computing --

    def compute(self) -> None:
        """Train or load the models the text quotes, then draw every figure not in the cache."""
        self.store.check(self.model_refs())  # every spec that must train is checked before any trains
        for ref in self.text_refs:
            self.records[ref] = self.store.record(ref)
        for figure in self.figures:
            figure.key, figure.input_key = self._cache_key(figure.request), self.input_key(figure.request)
            figure.entry = None if self.force or self.is_refreshed(figure) else (
                self._frozen_entry(figure) or self.cache.get(figure.key))
        misses = [figure for figure in self.figures if figure.entry is None]
        if misses:
            import numpy as np
            from tqdm import tqdm

            context = DrawContext(self.store, self.source, self.figure_width)
            for figure in tqdm(misses, desc="figures", unit="figure", disable=self.quiet):
                with np.errstate(invalid="ignore"):  # NaNs are refused below, in one line, not warned about
                    drawn = registry.kind_module(figure.request.kind).draw(figure.request, context)
                refuse_non_finite(figure.request, drawn)
                figure.entry = self.cache.put(figure.key, partial(_write_entry, drawn=drawn))
        self.warn_illegible()

    def warn_illegible(self) -> None:
        """A warning per figure whose maps or text fall below the legibility thresholds."""
        if self.quiet:
            return
        for figure in self.figures:
            assert figure.entry is not None  # compute() gave every figure its entry
            problems = below_thresholds(_meta(figure.entry)["legibility"])
            if problems:
                request = figure.request
                print(f"warning: {request.source_path}:{request.line}: figure '{request.figure_id}' is hard to "
                      f"read: {'; '.join(problems)} (raise 'width' or lower 'per_row')", file=sys.stderr)

    def model_refs(self) -> list[str]:
        """Every model a figure draws from or the text quotes."""
        return sorted({ref for f in self.figures for ref in f.request.model_refs} | set(self.text_refs))

    def is_refreshed(self, figure: _Figure) -> bool:
        """`--refresh` named this figure or a model it draws from."""
        return figure.request.figure_id in self.refresh or any(map(self.store.is_refreshed, figure.request.model_refs))

    def _frozen_entry(self, figure: _Figure) -> Path | None:
        return self.frozen.figure_entry(figure.input_key) if self.frozen is not None else None

    def _cache_key(self, request: FigureRequest) -> str:
        return self._key(request, self.store.cache_key, library_versions())

    def input_key(self, request: FigureRequest) -> str:
        """The frozen results' key: the cache key's inputs without any library version."""
        return self._key(request, self.store.input_key)

    def _key(self, request: FigureRequest, model_key, *versions) -> str:
        drawing_options = {k: v for k, v in request.options.items() if k not in PRESENTATION_KEYS}
        return digest("figure", request.kind, drawing_options,
                      {ref: model_key(ref) for ref in request.model_refs},
                      {probe: file_digest(self.source / probe) for probe in registry.probe_paths(request.options)},
                      registry.kind_module(request.kind).VERSION, registry.SHARED_VERSION,
                      {"figure_width": self.figure_width}, *versions)

    # -- results --

    def result(self) -> ComputeResult:
        replacements: dict[Path, dict[str, str]] = {path: {} for path in self.sources}
        for figure in self.figures:
            replacements[figure.request.source_path][figure.request.placeholder] = self.html(figure)
        return ComputeResult(context={"models": ModelsContext(self.records, self.store.names())},
                             replacements=replacements, outputs=self.outputs(), filters={"percent": percent},
                             manifest=self.manifest())

    def html(self, figure: _Figure) -> str:
        assert figure.entry is not None  # compute() gave every figure its entry
        request, meta = figure.request, _meta(figure.entry)
        caption = render_caption(request.options["caption"], self.cache.root.parent)
        note = f' <span class="figure-note">{escape(meta["note"])}</span>' if meta["note"] else ""
        data_link = f'<a class="figure-data" href="{self._url(figure, "npz")}">data (.npz)</a>'
        if meta["table_html"] is not None:
            body = meta["table_html"]
        else:
            alt = request.options["alt"] or meta["alt"] or f"{request.kind} figure"
            wide = meta["variants"]["wide"]
            src = self._url(figure, wide["extension"])
            width, height = (round(n / DENSITY) for n in wide["size"])
            source = ""
            if "narrow" in meta["variants"]:
                narrow = meta["variants"]["narrow"]
                narrow_src = self._url(figure, narrow["extension"], "-narrow")
                narrow_width, narrow_height = (round(n / DENSITY) for n in narrow["size"])
                source = (f'<source media="{NARROW_MEDIA}" srcset="{narrow_src} {DENSITY}x" '
                          f'width="{narrow_width}" height="{narrow_height}">')
            # Drawn at 2x for the text column (and for phones); the link opens the image at its full size.
            body = (f'<a class="figure-full-size" href="{src}"><picture>{source}<img src="{src}" '
                    f'srcset="{src} {DENSITY}x" width="{width}" height="{height}" alt="{_attribute(alt)}" '
                    f'loading="lazy" decoding="async"></picture></a>')
        return (f'<figure class="layerpress-figure figure-{request.kind}" id="figure-{request.figure_id}">\n'
                f"{body}\n<figcaption>{caption}{note} {data_link}</figcaption>\n</figure>")

    def outputs(self) -> list[tuple[str, Path]]:
        files = []
        for figure in self.figures:
            assert figure.entry is not None  # compute() gave every figure its entry
            meta = _meta(figure.entry)
            files.append((self._site_path(figure, "npz"), figure.entry / "data.npz"))
            for name, variant in meta["variants"].items():
                suffix = _suffix(name)
                files.append((self._site_path(figure, variant["extension"], suffix),
                              figure.entry / f"figure{suffix}.{variant['extension']}"))
        # Readers download the models a post is about; variants and untrained copies stay in the cache.
        for name in sorted({ref.split(":")[0] for ref in self.model_refs()}):
            files.append((f"models/{name}.keras", Path(self.store.publish_path(name))))
        manifest_path = self.cache.root / "figures.json"
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(self.manifest(), indent=1, sort_keys=True) + "\n")
        files.append(("figures.json", manifest_path))
        return files

    def manifest(self) -> list[dict]:
        entries = []
        for figure in self.figures:
            assert figure.entry is not None  # compute() gave every figure its entry
            request, meta = figure.request, _meta(figure.entry)
            stored = json.loads((figure.entry / MANIFEST).read_text())  # a cached or a frozen entry
            files = {self._site_path(figure, "npz"): "data.npz"}
            for name, variant in meta["variants"].items():
                files[self._site_path(figure, variant["extension"], _suffix(name))] = \
                    f"figure{_suffix(name)}.{variant['extension']}"
            entries.append({
                "post": figure.post, "line": request.line,
                "id": request.figure_id, "kind": request.kind, "spec": request.options, "cache_key": figure.input_key,
                "models": {ref: self.store.input_key(ref) for ref in request.model_refs},
                "inputs": {probe: file_digest(self.source / probe) for probe in registry.probe_paths(request.options)},
                "outputs": {path: stored[name]["sha256"] for path, name in files.items()},
                "legibility": meta["legibility"],
                # the versions that drew the figure (from its entry): the same frozen results give
                # the same figures.json on every machine
                "versions": meta.get("versions") or library_versions(),
            })
        return sorted(entries, key=lambda e: (e["post"], e["line"]))

    def _site_path(self, figure: _Figure, extension: str, suffix: str = "") -> str:
        return f"figures/{figure.slug}/{figure.request.figure_id}{suffix}.{extension}"

    def _url(self, figure: _Figure, extension: str, suffix: str = "") -> str:
        return f"{self.baseurl}/{self._site_path(figure, extension, suffix)}"


class DrawContext:
    """What a kind's draw() may ask for: trained models, their records, probe files."""

    def __init__(self, store, source: Path, figure_width: int = DEFAULT_FIGURE_WIDTH):
        self.store = store
        self.source = source
        self.figure_width = figure_width  # the text column, CSS px
        self._models: dict = {}

    def model(self, ref: str):
        if ref not in self._models:
            self._models[ref] = self.store.get(ref)
        return self._models[ref]

    def record(self, ref: str) -> dict:
        return self.store.record(ref)

    def probe(self, path: str) -> Path:
        return self.source / path


class RecordView:
    """Attribute access to a model record for templates; a wrong key is a clear error."""

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
        return RecordView(value, f"{self._path}.{key}") if isinstance(value, dict) else value

    def __iter__(self):
        return iter(self._data)

    def __str__(self) -> str:
        return str(self._data)


class ModelsContext(RecordView):
    """`models` in templates: models.NAME.metrics.test_accuracy, models.NAME.variants.V.params ...;
    models["NAME:V"] is models.NAME.variants.V."""

    def __init__(self, records: dict[str, dict], names: list[str]):
        views: dict = {}
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


def refuse_non_finite(request: FigureRequest, drawn) -> None:
    """A figure is never drawn from NaN or infinite values (a diverged or damaged model)."""
    import numpy as np

    for name, array in drawn.arrays.items():
        array = np.asarray(array)
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            models = ", ".join(request.model_refs) or "its inputs"
            raise request.error(f"the {request.kind} figure's '{name}' holds NaN or infinite values from {models}",
                                "a model whose weights diverged cannot be drawn; retrain it with a lower learning rate")


def render_caption(caption: str, cache_dir: Path | None = None) -> str:
    """A caption's markdown as inline HTML (no wrapping paragraph). Raw HTML in it is shown as text,
    so a caption cannot inject markup into the figure."""
    if not caption:
        return ""
    from generator.content.markdown import render_fragment  # Markdown's extensions: not for a no-change build

    html = render_fragment(caption, cache_dir)
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1 else html


@cache
def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version  # not needed by a no-change build

    versions = {"layerpress": __version__}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _write_entry(folder: Path, drawn: registry.DrawnFigure) -> None:
    from generator.figures.tiling import npz_bytes  # numpy: only when a figure was drawn

    (folder / "data.npz").write_bytes(npz_bytes(drawn.arrays))
    for name, variant in drawn.variants.items():
        (folder / f"figure{_suffix(name)}.{variant.extension}").write_bytes(variant.image)
    variants = {name: {"extension": v.extension, "size": list(v.size)} for name, v in drawn.variants.items()}
    (folder / META).write_text(canonical_json({"variants": variants, "table_html": drawn.table_html,
                                               "note": drawn.note, "alt": drawn.alt,
                                               "legibility": drawn.legibility,
                                               "versions": library_versions()}))


def _attribute(text: str) -> str:
    """Text for a double-quoted attribute: only what must be escaped is (an apostrophe stays one)."""
    return escape(text, quote=False).replace('"', "&quot;")


def _suffix(variant: str) -> str:
    """File-name suffix of a variant: the wide one has none."""
    return "" if variant == "wide" else f"-{variant}"


def _meta(entry: Path) -> dict:
    return json.loads((entry / META).read_text())


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
