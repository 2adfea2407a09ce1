"""The compute step of a build: run it (generator/compute.py `compute`: models, figures, explorers),
or reuse what it handed the last build when nothing it reads has changed.

A build after a prose edit changes no figure: the stages would find every model, figure and
explorer in the cache and hand the build the same result, at the cost of reading every model's
spec and record, every figure's entry and every explorer's index. Instead the build keeps what
the compute step handed it (`Snapshot`: a ComputeResult, plain data) in `<cache_dir>/builds/`, and the
next build reuses it when

- every document's figure blocks (parsed, without their line numbers) and `models.*` references
  are the same, in the same documents, and
- no other file of the blog changed (size and modification time: `_models/`, `_data/`, probes,
  `_config.yml`, `_freeze/`, layouts ...; the lock file, which the build itself writes, aside),
  nor the theme, layerpress's code, the library folders or the logging verbosity, and
- the cache's results (models, figures, explorers) are as the last build left them.

A figure block that moved keeps its drawing: its line numbers in `figures.json` and its legibility
warnings are those of the current documents. What the stages logged is logged again. Builds that
compute on purpose (`BuildOptions.computes_on_purpose`: `--force`, `--refresh`, `--freeze`, `--prune`,
`--frozen`) neither reuse nor keep a snapshot. With `freeze: auto`, a build that froze something changed
`_freeze/`, so the next one computes again (and freezes nothing); the one after may reuse.
"""

from __future__ import annotations

import logging
import os
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Callable

from generator import uptodate
from generator.console import PACKAGE
from generator.cache import digest, write_atomically
from generator.figures.layout import LEGIBILITY_LOGGER

if TYPE_CHECKING:
    from generator.figures.result import ComputeResult

log = logging.getLogger(__name__)

MEMO_VERSION = 3


@dataclass
class Snapshot:
    """What the compute step handed a build, with what it logged."""

    key: str
    results: list                        # uptodate.results_stats of the cache when the build ended
    computed: ComputeResult
    messages: list = field(default_factory=list)   # (logger name, level, text)


@dataclass
class Stages:
    """The compute step's result for build.py, and `keep()` to call once the build has succeeded."""

    computed: ComputeResult
    keep: Callable[[list], None]         # with uptodate.results_stats as the build ended


def compute(config, documents, options, environment: list, blog_files: list) -> Stages:
    """Run the compute step, or reuse what it handed the last build (`environment`
    and `blog_files`: what the build reads besides the blog, and the blog's files but the ones the build
    writes itself (the lock file), from generator.uptodate)."""
    from generator.figures.collect import ParsedBlocks, extract_documents

    cache_dir = options.paths.cache_dir
    parsed = ParsedBlocks(Path(cache_dir) / "builds" / "figure-blocks.pickle", digest(environment))
    extracted = extract_documents(documents, Path(options.source), parsed)
    parsed.save()
    if options.computes_on_purpose:
        _path(options, cache_dir).unlink(missing_ok=True)
        return Stages(_compute(config, documents, options, extracted), keep=lambda results: None)
    key = stage_key(cache_dir, environment, blog_files, extracted)
    snapshot, moved = reuse(options, cache_dir, key, extracted)
    if snapshot is None:
        with recorded_messages() as messages:
            computed = _compute(config, documents, options, extracted)
        snapshot = Snapshot(key, [], computed, messages)
    elif not moved:   # the cache is as the snapshot has it
        return Stages(snapshot.computed, keep=lambda results: None)
    return Stages(snapshot.computed, keep=partial(_keep, options, cache_dir, snapshot))


def _compute(config, documents, options, extracted) -> ComputeResult:
    from generator import compute as compute_step   # models, figures, explorers: not for a prose edit

    return compute_step.compute(config, documents, options, extracted)


def stage_key(cache_dir: Path, environment: list, blog_files: list, extracted) -> str:
    """Everything the two stages read: see the module's docstring."""
    documents = {item.post for item in extracted}
    return digest(MEMO_VERSION, environment, [row for row in blog_files if row[0] not in documents],
                  str(Path(cache_dir).resolve()), os.getcwd(),  # the snapshot's paths may be relative to it
                  logging.getLogger(PACKAGE).getEffectiveLevel(),
                  signature(extracted))


def signature(extracted) -> list:
    """Each document's figure blocks without their line numbers, and the models its text quotes."""
    return [[item.post, item.document.slug,
             [[request.figure_id, request.kind, request.options, request.model_refs] for request in item.requests],
             list(dict.fromkeys(ref for ref, _ in item.text_refs))]
            for item in extracted]


def _path(options, cache_dir: Path) -> Path:
    return uptodate.state_path(options, cache_dir).with_suffix(".stages.pickle")


def reuse(options, cache_dir: Path, key: str, extracted) -> tuple[Snapshot | None, bool]:
    """The last build's snapshot when it still holds, else None; and whether a figure block moved (its
    new line is written into the cache's figures.json). The documents' bodies get their placeholders,
    as the figures stage would give them."""
    try:
        snapshot = pickle.loads(_path(options, cache_dir).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None, False   # none yet, damaged, or from another version of the code (the key would differ)
    if not isinstance(snapshot, Snapshot) or snapshot.key != key \
            or snapshot.results != uptodate.results_stats(cache_dir):
        return None, False
    log.debug("figures and explorer: nothing they read changed since the last build")
    for item in extracted:
        item.document.body = item.body
    renumbered = _renumbered(snapshot.computed, extracted)
    for name, level, text in snapshot.messages:
        logging.getLogger(name).log(level, "%s", text)
    if renumbered is None:
        return snapshot, False
    return replace(snapshot, computed=renumbered), True


def _renumbered(computed: ComputeResult, extracted) -> ComputeResult | None:
    """The result with figures.json giving the current line of every figure block (a prose edit above it
    moves it), or None when none moved; and warnings again about the figures that are hard to read, at
    their current lines."""
    from generator.figures.layout import warn_illegible
    from generator.figures.manifest import sorted_entries, write_manifest

    entries = {(entry["post"], entry["id"]): entry for entry in computed.manifest}
    lines = {}
    for item in extracted:
        for request in item.requests:
            lines[(item.post, request.figure_id)] = request.line
            warn_illegible(request, entries[(item.post, request.figure_id)]["legibility"])
    if all(entry["line"] == lines.get(key, entry["line"]) for key, entry in entries.items()):
        return None
    manifest = sorted_entries([{**entry, "line": lines.get(key, entry["line"])} for key, entry in entries.items()])
    write_manifest(manifest, Path(dict(computed.outputs)["figures.json"]).parent)
    return replace(computed, manifest=manifest)


def _keep(options, cache_dir: Path, snapshot: Snapshot, results: list) -> None:
    """Write the snapshot once the build has succeeded, with the cache's results as the build left them."""
    data = pickle.dumps(replace(snapshot, results=results), protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(_path(options, cache_dir), data)


@contextmanager
def recorded_messages():
    """What layerpress's modules log meanwhile, as (logger name, level, text); legibility warnings
    aside (they name lines, which `reuse` gives anew)."""
    messages: list = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.INFO and record.name != LEGIBILITY_LOGGER:
                messages.append((record.name, record.levelno, record.getMessage()))

    logger, recorder = logging.getLogger(PACKAGE), Recorder()
    logger.addHandler(recorder)
    try:
        yield messages
    finally:
        logger.removeHandler(recorder)
