"""`layerpress check`: rebuild every model and figure from scratch and compare with the site.

The fresh build goes to a temporary folder with an empty cache (`force=True`), so
nothing is reused. A figure passes when its files in the current site are
byte-identical to the fresh ones (hashes from both manifests and from the files
themselves), a model when its metrics are equal. The fresh figures are also compared
with `figures.lock`: same input key but other output hashes is a drift there too.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from generator.cache import file_digest
from generator.errors import PublishError, display_path
from generator.lockfile import INPUTS_CHANGED, OUTPUT_DRIFTED, LockDifference, compare, entries_from_manifest, read_lock

MANIFEST_NAME = "figures.json"


@dataclass(frozen=True)
class Drift:
    name: str                            # figure id or model reference
    where: str                           # post:line or the model spec's path
    what: str
    detail: str = ""


@dataclass
class CheckReport:
    figures: int
    models: int
    drifts: list[Drift] = field(default_factory=list)
    notes: list[LockDifference] = field(default_factory=list)   # inputs changed since the lock

    @property
    def reproduced(self) -> bool:
        return not self.drifts


def read_manifest(site: Path) -> dict[tuple[str, str], dict]:
    """The figures of a built site, by (post, figure id)."""
    path = Path(site) / MANIFEST_NAME
    if not path.is_file():
        raise PublishError(f"no build to check: '{display_path(path)}' is missing",
                           hint="run `layerpress build` first")
    return {(entry["post"], entry["id"]): entry for entry in json.loads(path.read_text(encoding="utf-8"))}


def figure_drifts(source: Path, current: dict, fresh: dict, site: Path) -> list[Drift]:
    drifts = []
    for key, entry in sorted(fresh.items()):
        where = f"{display_path(Path(source) / entry['post'])}:{entry['line']}"
        built = current.get(key)
        if built is None:
            drifts.append(Drift(entry["id"], where, "not in the current build", "run `layerpress build`"))
        elif built["cache_key"] != entry["cache_key"]:
            drifts.append(Drift(entry["id"], where, INPUTS_CHANGED, "the site is older than its sources"))
        else:
            changed = [path for path, sha in sorted(entry["outputs"].items())
                       if built["outputs"].get(path) != sha or on_disk_digest(site / path) != sha]
            if changed:
                drifts.append(Drift(entry["id"], where, OUTPUT_DRIFTED, ", ".join(changed)))
    for key, entry in sorted(current.items()):
        if key not in fresh:
            drifts.append(Drift(entry["id"], f"{display_path(Path(source) / entry['post'])}:{entry['line']}",
                                "no longer in the sources", "run `layerpress build`"))
    return drifts


def on_disk_digest(path: Path) -> str | None:
    return file_digest(path) if path.is_file() else None


def lock_drifts(source: Path, locked: dict, fresh: dict) -> tuple[list[Drift], list[LockDifference]]:
    """Drifts against figures.lock, and the figures whose inputs changed since it (not failures)."""
    lines = {(entry["post"], entry["id"]): entry["line"] for entry in fresh.values()}
    differences = compare(locked, entries_from_manifest(list(fresh.values())))
    drifts = [Drift(d.figure_id, f"{display_path(Path(source) / d.post)}:{lines[(d.post, d.figure_id)]}",
                    OUTPUT_DRIFTED, "differs from figures.lock: " + ", ".join(d.files))
              for d in differences if d.what == OUTPUT_DRIFTED]
    return drifts, [d for d in differences if d.what == INPUTS_CHANGED]


def model_refs(*manifests: dict) -> list[str]:
    return sorted({ref for manifest in manifests for entry in manifest.values() for ref in entry["models"]})


def model_drifts(source: Path, refs: list[str], fresh_cache: Path) -> list[Drift]:
    """Metrics of the models the current build used (its cache) against the fresh ones."""
    from generator.models.store import ModelStore

    current_store = ModelStore(Path(source), Path(source) / ".layerpress-cache", quiet=True)
    fresh_store = ModelStore(Path(source), fresh_cache, quiet=True)
    drifts = []
    for ref in refs:
        where = display_path(fresh_store.spec(ref).file)
        fresh = fresh_store.record(ref)["metrics"]
        if not current_store.is_cached(ref):
            drifts.append(Drift(ref, where, "not in the build cache", "run `layerpress build`"))
            continue
        built = current_store.record(ref)["metrics"]
        if built != fresh:
            changed = [f"{name} {built.get(name)} -> {fresh.get(name)}"
                       for name in sorted(built.keys() | fresh.keys()) if built.get(name) != fresh.get(name)]
            drifts.append(Drift(ref, where, "metrics drifted", ", ".join(changed)))
    return drifts


def check(source: Path, dest: Path, *, quiet: bool = True) -> CheckReport:
    """Rebuild from scratch in a temporary folder and compare with the build in `dest`."""
    from generator.build import BuildOptions, build

    current = read_manifest(dest)
    locked = read_lock(source)  # read before the fresh build, which may update it
    with tempfile.TemporaryDirectory(prefix="layerpress-check-") as scratch:
        fresh_site, fresh_cache = Path(scratch) / "site", Path(scratch) / "cache"
        build(BuildOptions(source=Path(source), dest=fresh_site, cache_dir=fresh_cache, force=True, quiet=quiet))
        fresh = read_manifest(fresh_site)
        refs = model_refs(current, fresh)
        drifts = figure_drifts(source, current, fresh, Path(dest)) + model_drifts(source, refs, fresh_cache)
    from_lock, notes = lock_drifts(source, locked, fresh)
    drifts += from_lock
    return CheckReport(figures=len(fresh), models=len(refs), drifts=drifts, notes=notes)


def drift_table(drifts: list[Drift]) -> str:
    rows = [("figure / model", "where", "what")] + [
        (d.name, d.where, f"{d.what} ({d.detail})" if d.detail else d.what) for d in drifts]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows)


def print_report(source: Path, dest: Path) -> bool:
    """`layerpress check`: the report on stdout (build progress on stderr); True when nothing drifted."""
    with contextlib.redirect_stdout(sys.stderr):  # training progress: stdout is for the report
        report = check(source, dest, quiet=False)
    for note in report.notes:
        click.echo(f"note: {note} since figures.lock (an edit; the build updates the lock)")
    counted = f"{count(report.figures, 'figure')} and {count(report.models, 'model')}"
    if report.reproduced:
        click.echo(f"{counted} reproduced exactly")
        return True
    click.echo(drift_table(report.drifts))
    click.echo(f"{len(report.drifts)} drifted, checking {counted}")
    return False


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
