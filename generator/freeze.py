"""Freezing: what a build does with the frozen results (generator/frozen.py, `<source>/_freeze/`).

The policy works on plain data, `Uses` (the models, published models and figures of a build by their
input keys, which the figures stage lists): `require_complete` fails a `build --frozen` (CI) before
anything is computed when a result the site needs is not frozen; `record_results` copies what a build
computed into the frozen results when it freezes (`layerpress freeze`, `freeze: auto`), and finds (or
prunes) the entries nothing uses any more; `summary_lines` says so in at most two lines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.console import NOTE
from generator.errors import did_you_mean
from generator.frozen import FREEZE_DIR, MODEL_FILE, RECORD_FILE, FreezeError, FrozenResults

__all__ = ["FREEZE_DIR", "FreezeError", "FrozenResults", "FreezeReport", "ModelUse", "FigureUse", "Uses",
           "check_refresh_names", "require_complete", "record_results", "summary_lines", "log_summary"]

log = logging.getLogger(__name__)


@dataclass
class FreezeReport:
    written: list[tuple[str, str]] = field(default_factory=list)   # ("model", "shapes_cnn"), ("figure", "'x' in post")
    computed: list[tuple[str, str]] = field(default_factory=list)  # used but not frozen, and no freezing asked
    stale: list[tuple[str, str, str]] = field(default_factory=list)   # (what, name, key)
    pruned: list[tuple[str, str, str]] = field(default_factory=list)


def check_refresh_names(names, models: list[str], figure_ids: list[str]) -> None:
    """Every --refresh NAME must be a model (NAME or NAME:VARIANT) or a figure id of this blog."""
    for name in names:
        if name.split(":")[0] not in models and name not in figure_ids:
            hint = did_you_mean(name, models + figure_ids) or "models: " + ", ".join(models or ["none"])
            raise FreezeError(f"--refresh {name}: no model or figure of that name", hint=hint)


@dataclass(frozen=True)
class ModelUse:
    """A model a build uses, as the freezing policy sees it (plain data from the compute step)."""

    ref: str                  # NAME or NAME:VARIANT
    key: str                  # its input key (ModelStore.input_key)
    refreshed: bool = False   # --refresh names it: its frozen entry is not used, and is replaced


@dataclass(frozen=True)
class FigureUse:
    """A figure a build draws, as the freezing policy sees it."""

    figure_id: str
    post: str                 # the document's path in the blog
    key: str                  # its input key
    refreshed: bool = False   # --refresh names it or a model it draws from
    entry: Path | None = None  # the frozen or cache entry it came from, once computed

    @property
    def name(self) -> str:
        return f"'{self.figure_id}' in {self.post}"


@dataclass(frozen=True)
class Uses:
    """What a build's site is made of, by input key: every model a figure or the text uses, those whose records
    the text quotes, their base models and those of them whose .keras files the site publishes, and every figure."""

    models: list[ModelUse] = field(default_factory=list)
    quoted: list[ModelUse] = field(default_factory=list)
    bases: list[ModelUse] = field(default_factory=list)       # the models (NAME) of `models`, variants aside
    published: list[ModelUse] = field(default_factory=list)   # those of `bases` whose .keras the site publishes
    figures: list[FigureUse] = field(default_factory=list)


def require_complete(frozen: FrozenResults | None, uses: Uses) -> None:
    """`build --frozen` (CI): fail, before anything is computed, when a result the site needs is not frozen."""
    if frozen is None:
        return
    published = {model.ref for model in uses.published}
    missing = [f"model {model.ref}" for model in uses.quoted if not _is_frozen(frozen, model)]
    missing += [f"model {model.ref} (its .keras file)" for model in uses.bases
                if not _is_frozen(frozen, model, with_model=model.ref in published)]
    missing += [f"figure {figure.name}" for figure in uses.figures if frozen.figure_entry(figure.key) is None]
    if missing:
        raise FreezeError(f"{_count(len(missing), 'result')} not frozen: {_listing(missing)}",
                          file=frozen.root, hint="run `layerpress freeze` and commit the folder")


def record_results(frozen: FrozenResults, uses: Uses, *, write: bool, prune: bool = False, versions: dict,
                   model_entry: Callable[[str], Path]) -> FreezeReport:
    """After a build's compute stage: freeze what it used (when `write`; `model_entry(ref)` is the model's
    cache entry, trained first when missing), find and prune stale entries (`versions`: the libraries that
    draw figures here, for entries cached before meta.json held them)."""
    report = FreezeReport()
    published = {model.ref for model in uses.published}
    used_models: dict[str, list[ModelUse]] = {}  # a variant equal to its base spec shares its key
    for model in uses.models:
        used_models.setdefault(model.key, []).append(model)
    for key, models in sorted(used_models.items(), key=lambda item: [model.ref for model in item[1]]):
        first, with_model = models[0], any(model.ref in published for model in models)
        files = [RECORD_FILE] + ([MODEL_FILE] if with_model else [])
        if _is_frozen(frozen, first, with_model=with_model):
            if write and frozen.keep_only(key, files):   # no longer published: its .keras file goes
                report.written.append(("model", first.ref))
            continue
        if not write:
            report.computed.append(("model", first.ref))
        elif frozen.put_model(key, model_entry(first.ref), files, replace=any(model.refreshed for model in models)):
            report.written.append(("model", first.ref))
    for figure in uses.figures:
        assert figure.entry is not None, f"figure {figure.name} was not computed"
        if figure.entry.is_relative_to(frozen.root):
            continue
        if not write:
            report.computed.append(("figure", figure.name))
        elif frozen.put_figure(figure.key, figure.entry, figure.post, figure.figure_id,
                               versions=versions, replace=figure.refreshed):
            report.written.append(("figure", figure.name))
    report.stale = frozen.stale(set(used_models), {figure.key for figure in uses.figures})
    if write and not prune:  # a figure or model frozen again under a new key replaces its old entry
        replaced = set(report.written)
        for what, name, key in report.stale:
            if (what, name) in replaced:
                frozen.remove(what, key)
        report.stale = [item for item in report.stale if item[:2] not in replaced]
    if prune:
        for what, _, key in report.stale:
            frozen.remove(what, key)
        report.pruned, report.stale = report.stale, []
    return report


def _is_frozen(frozen: FrozenResults, model: ModelUse, *, with_model: bool = False) -> bool:
    """A frozen entry this build takes (a refreshed model's is not taken)."""
    return not model.refreshed and frozen.model_entry(model.key, with_model=with_model) is not None


def summary_lines(report: FreezeReport, frozen: FrozenResults) -> list[tuple[int, str]]:
    """(log level, line): at most two lines for a build's output; nothing when the frozen results are
    complete and current."""
    lines = []
    if report.written:
        lines.append((logging.INFO, f"froze {_count(len(report.written), 'result')} into {frozen.root}: "
                                    f"{_listing(_names(report.written))}"))
    if report.computed and frozen.exists():
        lines.append((NOTE, f"{_count(len(report.computed), 'result')} computed here, not frozen "
                            f"({_listing(_names(report.computed))}); `layerpress freeze` keeps them"))
    if report.stale:
        lines.append((NOTE, f"{_count(len(report.stale), 'frozen result')} no longer used "
                            f"({_listing(_names(report.stale))}); `layerpress freeze --prune` removes them"))
    if report.pruned:
        lines.append((logging.INFO, f"pruned {_count(len(report.pruned), 'frozen result')}: "
                                    f"{_listing(_names(report.pruned))}"))
    return lines


def log_summary(report: FreezeReport, frozen: FrozenResults) -> None:
    for level, line in summary_lines(report, frozen):
        log.log(level, line)


def _names(items) -> list[str]:
    return [f"{item[0]} {item[1]}" for item in items]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _listing(names: list[str], shown: int = 3) -> str:
    more = f", and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
