"""Freezing: what a build does with the frozen results (generator/frozen.py, `<source>/_freeze/`).

`require_complete` fails a `build --frozen` (CI) before anything is computed when a result the site needs
is not frozen; `record_results` copies what a build computed into the frozen results when it freezes
(`layerpress freeze`, `freeze: auto`), and finds (or prunes) the entries nothing uses any more;
`summary_lines` says so in at most two lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from generator.console import NOTE
from generator.errors import did_you_mean
from generator.frozen import FREEZE_DIR, MODEL_FILE, RECORD_FILE, FreezeError, FrozenResults

__all__ = ["FREEZE_DIR", "FreezeError", "FrozenResults", "FreezeReport", "check_refresh_names", "require_complete",
           "record_results", "summary_lines", "log_summary"]

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


def require_complete(stage) -> None:
    """`build --frozen` (CI): fail, before anything is computed, when a result the site needs is not frozen."""
    store, frozen = stage.store, stage.frozen
    if frozen is None:
        return
    missing = [f"model {ref}" for ref in stage.text_refs if store.frozen_entry(ref) is None]
    missing += [f"model {name} (its .keras file)" for name in sorted({r.split(":")[0] for r in stage.model_refs()})
                if store.frozen_entry(name) is None
                or (store.publishes(name) and store.frozen_entry(name, with_model=True) is None)]
    missing += [f"figure '{figure.request.figure_id}' in {figure.post}" for figure in stage.figures
                if frozen.figure_entry(stage.input_key(figure.request)) is None]
    if missing:
        raise FreezeError(f"{_count(len(missing), 'result')} not frozen: {_listing(missing)}",
                          file=frozen.root, hint="run `layerpress freeze` and commit the folder")


def record_results(stage, *, write: bool, prune: bool = False, versions: dict) -> FreezeReport:
    """After a build's compute stage: freeze what it used (when `write`), find and prune stale entries
    (`versions`: the libraries that draw figures here, for entries cached before meta.json held them)."""
    store, frozen = stage.store, stage.frozen
    report = FreezeReport()
    published = {name for name in {ref.split(":")[0] for ref in stage.model_refs()} if store.publishes(name)}
    used_models: dict[str, list[str]] = {}  # a variant equal to its base spec shares its key
    for ref in stage.model_refs():
        used_models.setdefault(store.input_key(ref), []).append(ref)
    for key, refs in sorted(used_models.items(), key=lambda item: item[1]):
        ref, with_model = refs[0], any(r in published for r in refs)
        files = [RECORD_FILE] + ([MODEL_FILE] if with_model else [])
        if store.frozen_entry(ref, with_model=with_model) is not None:
            continue
        if not write:
            report.computed.append(("model", ref))
        elif frozen.put_model(key, store.cached_entry(ref), files, replace=any(map(store.is_refreshed, refs))):
            report.written.append(("model", ref))
    for figure in stage.figures:
        if figure.entry.is_relative_to(frozen.root):
            continue
        name = f"'{figure.request.figure_id}' in {figure.post}"
        if not write:
            report.computed.append(("figure", name))
        elif frozen.put_figure(figure.input_key, figure.entry, figure.post, figure.request.figure_id,
                               versions=versions, replace=stage.is_refreshed(figure)):
            report.written.append(("figure", name))
    report.stale = frozen.stale(set(used_models), {figure.input_key for figure in stage.figures})
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
