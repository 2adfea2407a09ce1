"""The figures stage of a build: collect every figure block, validate, draw what the cache lacks.

`compute(config, documents, options)` is the figures' part of the build's compute step
(generator/compute.py: the figures, then the explorers, which stand on them); the stage's `result()`,
`generator.figures.result.ComputeResult`, is what the render step gets. Each document needs
`source_path`, `body` (rewritten in place: figure blocks become placeholders), `body_line` and `slug`;
`config` needs `baseurl`; `options` is a BuildOptions, whose rule for what a build may compute
(`reads_frozen`, `writes_frozen`, `frozen_only`, `refresh`) it follows.

The jobs live in their own modules: `collect` (blocks and references, validated), `keys` (cache
keys and lookups), `draw` (drawing and the cache entry), `html` (the theme's figure.html),
`manifest` (site paths and figures.json), `context` (what post bodies see).
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from generator import console, freeze
from generator.cache import Store
from generator.figures.collect import Collection, Figure
from generator.figures.context import FiguresContext, ModelsContext
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext, draw, read_meta, write_entry
from generator.figures.html import FigureHtml
from generator.figures.keys import FigureKeys, find_entry, library_versions
from generator.figures.layout import DEFAULT_FIGURE_WIDTH, warn_illegible
from generator.figures.manifest import manifest_entry, site_files, sorted_entries, write_manifest
from generator.figures.result import ComputeResult
from generator.figures.words import FACTS, check_caption
from generator.frozen import FrozenResults
from generator.models.store import ModelStore

log = logging.getLogger(__name__)


def compute(config, documents, options, extracted=None) -> FigureStage:
    """The figures' part of the build's compute step (generator/compute.py runs it, then the explorers), between
    reading the documents and rendering them (`extracted`: the documents' figure blocks and references, when the
    build has them from `collect.extract_documents`): the models and figures (frozen, cached or computed) and
    the freezing policy of `options`. The stage's `result()` is what the render step gets."""
    cache_dir = options.paths.cache_dir
    refresh = tuple(options.refresh)
    frozen = FrozenResults(Path(options.source)) if options.reads_frozen else None
    store = ModelStore(Path(options.source), cache_dir, force=options.force, frozen=frozen, refresh=refresh,
                       safe=options.safe)
    stage = FigureStage(store, Path(options.source), cache_dir, baseurl=config.baseurl,
                        force=options.force, figure_width=figure_width(config), frozen=frozen, refresh=refresh)
    stage.add_documents(documents) if extracted is None else stage.add_extracted(extracted)
    store.check_specs()
    freeze.check_refresh_names(refresh, store.names(), [f.request.figure_id for f in stage.figures])
    if options.frozen_only:
        freeze.require_complete(frozen, stage.uses())
    stage.compute()
    if frozen is not None:
        report = freeze.record_results(frozen, stage.uses(), write=options.writes_frozen(config), prune=options.prune,
                                       versions=library_versions(), model_entry=store.cached_entry)
        freeze.log_summary(report, frozen)
    return stage


def figure_width(config) -> int:
    """`layerpress: {figure_width: N}` in _config.yml: the text column figures are drawn for (CSS px),
    checked by load_config."""
    return config.option("figure_width")


class FigureStage:
    """The figures of one build: `add_documents`, then `compute()`, then `result()`."""

    def __init__(self, store, source: Path, cache_dir: Path, *, baseurl: str = "", force: bool = False,
                 figure_width: int = DEFAULT_FIGURE_WIDTH, frozen=None, refresh=(), theme_dirs=None):
        self.store = store
        self.source = Path(source)
        self.figure_width = figure_width
        self.frozen = frozen  # generator.frozen.FrozenResults, looked up before the cache
        self.refresh = set(refresh)
        self.force = force
        self.cache = Store(Path(cache_dir) / "figures")
        self.collection = Collection(store, self.source, probe_memo=self.cache.root / "probes-read.json")
        self.keys = FigureKeys(store, self.source, figure_width)
        self.html = FigureHtml(baseurl, theme_dirs, template_cache=Path(cache_dir) / "templates",
                               markdown_cache=Path(cache_dir))
        self.records: dict[str, dict] = {}
        self._meta: dict[str, dict] = {}

    # -- collecting and validating (no TensorFlow): generator.figures.collect --

    def add_documents(self, documents) -> None:
        """Extract and validate every figure block and model reference of every document."""
        self.collection.add_documents(documents)

    def add_extracted(self, extracted) -> None:
        """Validate the figure blocks and model references `collect.extract_documents` found."""
        self.collection.add_extracted(extracted)

    @property
    def figures(self) -> list[Figure]:
        return self.collection.figures

    @property
    def text_refs(self) -> list[str]:
        return self.collection.text_refs

    def model_refs(self) -> list[str]:
        """Every model a figure draws from or the text quotes."""
        return self.collection.model_refs()

    def uses(self) -> freeze.Uses:
        """What the freezing policy needs to know of this build's models and figures (plain data)."""
        bases = sorted({ref.split(":")[0] for ref in self.model_refs()})
        models = {ref: freeze.ModelUse(ref, self.store.input_key(ref), refreshed=self.store.is_refreshed(ref))
                  for ref in [*self.model_refs(), *bases]}
        return freeze.Uses(
            models=[models[ref] for ref in self.model_refs()], quoted=[models[ref] for ref in self.text_refs],
            bases=[models[name] for name in bases],
            published=[models[name] for name in bases if self.store.publishes(name)],
            figures=[freeze.FigureUse(figure.request.figure_id, figure.post,
                                      figure.input_key or self.input_key(figure.request),
                                      refreshed=self.is_refreshed(figure), entry=figure.entry)
                     for figure in self.figures])

    # -- keying, caching and drawing --

    def compute(self) -> None:
        """Train or load the models the text quotes, then draw every figure not in the cache."""
        self.store.check(self.model_refs())  # every spec that must train is checked before any trains
        for ref in self.text_refs:
            self.records[ref] = self.store.record(ref)
        for figure in self.figures:
            figure.key, figure.input_key = self.keys.cache_key(figure.request), self.input_key(figure.request)
            figure.entry = None if self.force or self.is_refreshed(figure) else (
                find_entry(figure, self.cache, self.frozen))
        misses = [figure for figure in self.figures if figure.entry is None]
        if misses:
            from tqdm import tqdm

            context = DrawContext(self.store, self.source, self.figure_width)
            for figure in tqdm(misses, desc="figures", unit="figure", disable=console.is_quiet()):
                log.debug("figure '%s': drawing (%s)", figure.request.figure_id, figure.key[:12])
                drawn = draw(figure.request, context)
                figure.key = self.keys.cache_key(figure.request)  # a model built to draw it may key anew
                figure.entry = self.cache.put(figure.key, partial(write_entry, drawn=drawn,
                                                                  versions=library_versions()))
        self.warn_illegible()
        self.check_words()

    def check_words(self) -> None:
        """Every caption's words about the layout (maps per row, positions, markers, counts) against the drawing."""
        for figure in self.figures:
            check_caption(figure.request, (self.meta(figure).get("record") or {}).get(FACTS))

    def warn_illegible(self) -> None:
        """A warning per figure whose maps or text fall below the legibility thresholds."""
        for figure in self.figures:
            warn_illegible(figure.request, self.meta(figure)["legibility"])

    def is_refreshed(self, figure: Figure) -> bool:
        """`--refresh` named this figure or a model it draws from."""
        return figure.request.figure_id in self.refresh or any(map(self.store.is_refreshed, figure.request.model_refs))

    def input_key(self, request: FigureRequest) -> str:
        """The frozen results' key: the cache key's inputs without any library version."""
        return self.keys.input_key(request)

    def meta(self, figure: Figure) -> dict:
        """The figure entry's meta.json, read once."""
        if str(figure.entry) not in self._meta:
            self._meta[str(figure.entry)] = read_meta(entry(figure))
        return self._meta[str(figure.entry)]

    # -- results: generator.figures.html and generator.figures.manifest --

    def result(self, figure_links: dict[tuple[str, str], str] | None = None,
               added: ComputeResult | None = None) -> ComputeResult:
        """Plain data for the render step: the figures' HTML (`figure_links`: (post, figure id) -> the URL its
        figure.html links to), their files and figures.json, joined with what a step on top of the figures
        computed (`added`: the explorers' files, figures.json entries, pages and links)."""
        links, added = figure_links or {}, added or ComputeResult()
        replacements: dict[Path, dict[str, str]] = {path: {} for path in self.collection.sources}
        for figure in self.figures:
            explore_url = links.get((figure.post, figure.request.figure_id))
            replacements[figure.request.source_path][figure.request.placeholder] = \
                self.html.render(figure, self.meta(figure), explore_url=explore_url)
        manifest = sorted_entries(self.manifest() + added.manifest)
        manifest_path = write_manifest(manifest, self.cache.root)
        figures = FiguresContext({f"{figure.slug}/{figure.request.figure_id}": self.meta(figure)["record"]
                                  for figure in self.figures if self.meta(figure).get("record")})
        return ComputeResult(context={"models": ModelsContext(self.records, self.store.names()), "figures": figures},
                             replacements=replacements,
                             outputs=self.files() + added.outputs + [(manifest_path.name, manifest_path)],
                             manifest=manifest, model_refs=self.model_refs(), pages=added.pages,
                             links_after=added.links_after)

    def files(self) -> list[tuple[str, Path]]:
        """(site path, file) for every figure's files and the published models."""
        files = [(path, entry(figure) / name) for figure in self.figures
                 for path, name in site_files(figure, self.meta(figure)).items()]
        # Readers download the models a post is about; variants and untrained copies stay in the cache.
        for name in sorted({ref.split(":")[0] for ref in self.model_refs()}):
            if self.store.publishes(name):
                files.append((f"models/{name}.keras", Path(self.store.publish_path(name))))
            else:
                self.store.note_unpublished(name)
        return files

    def manifest(self) -> list[dict]:
        return sorted_entries([manifest_entry(figure, self.meta(figure), self.store, self.keys)
                               for figure in self.figures])


def entry(figure: Figure) -> Path:
    """The figure's cache or frozen entry, which compute() has given every figure."""
    assert figure.entry is not None, f"figure '{figure.request.figure_id}' was not computed"
    return figure.entry
