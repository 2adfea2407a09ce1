"""`layerpress check`: retrain every model and redraw every figure from scratch, and compare by meaning.

The fresh build goes to a temporary folder with an empty cache and ignores `_freeze/`
(`force=True`), so nothing is reused. It is compared with the published results: the
build in `dest` (its figures.json and files) and the models' records (frozen first, then
the local cache, as the build took them; a model that is neither, such as the untrained variant only an
explorer shows, by the metrics that explorer's page published). Per model: the change in test accuracy and
test loss; per figure: the largest absolute difference of its `.npz` arrays (also as a
share of the array's range) and the share of changed pixels. Each passes within the
tolerances of `layerpress: check:` in _config.yml (DEFAULT_TOLERANCES otherwise).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import click

from generator.config import DEFAULT_TOLERANCES as DEFAULT_TOLERANCES  # declared with `layerpress: check:`

from generator.errors import PublishError, display_path
from generator.explore.data import INDEX as EXPLORER_INDEX, variant_ref
from generator.figures.context import percent
from generator.safe import is_safe

MANIFEST_NAME = "figures.json"
IMAGE_SUFFIXES = (".png", ".gif")


@dataclass(frozen=True)
class Comparison:
    name: str                            # figure id or model reference
    where: str                           # post:line or the model spec's path
    what: str                            # "model", "figure" or a structural problem
    measured: str = ""                   # the numbers, as printed
    failures: tuple = ()                 # which tolerances it exceeds, with the numbers

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class CheckReport:
    figures: int
    models: int
    comparisons: list[Comparison] = field(default_factory=list)
    tolerances: dict = field(default_factory=dict)

    @property
    def failures(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.passed]

    @property
    def reproduced(self) -> bool:
        return not self.failures


def tolerances(config) -> dict:
    """`layerpress: check:` from _config.yml over the defaults (checked by load_config)."""
    return config.option("check")


def read_manifest(site: Path) -> dict[tuple[str, str], dict]:
    """The figures of a built site, by (post, figure id)."""
    path = Path(site) / MANIFEST_NAME
    if not path.is_file():
        raise PublishError(f"no build to check: '{display_path(path)}' is missing",
                           hint="run `layerpress build` first")
    return {(entry["post"], entry["id"]): entry for entry in json.loads(path.read_text(encoding="utf-8"))}


# -- figures --

def array_difference(published: bytes, fresh: bytes) -> tuple[float, float]:
    """(largest |difference| over every array of two .npz files, the same as a share of the array's range);
    arrays missing on one side or of another shape differ infinitely."""
    import numpy as np

    with np.load(io.BytesIO(published)) as old, np.load(io.BytesIO(fresh)) as new:
        if sorted(old.files) != sorted(new.files):
            return math.inf, math.inf
        largest, share = 0.0, 0.0
        for name in old.files:
            a, b = old[name], new[name]
            if a.shape != b.shape:
                return math.inf, math.inf
            if not (np.issubdtype(a.dtype, np.number) and np.issubdtype(b.dtype, np.number)):
                if not np.array_equal(a, b):
                    return math.inf, math.inf
                continue
            a, b = a.astype(np.float64), b.astype(np.float64)
            difference = float(np.max(np.abs(a - b))) if a.size else 0.0
            spread = float(np.max(a) - np.min(a)) if a.size else 0.0
            largest = max(largest, difference)
            share = max(share, difference / spread if spread else (0.0 if difference == 0 else math.inf))
        return largest, share


def changed_pixels(published: bytes, fresh: bytes) -> float:
    """Share of pixels (over every frame of a GIF) whose colour differs; 1.0 when the sizes differ."""
    import numpy as np
    from PIL import Image, ImageSequence

    def frames(data: bytes):
        with Image.open(io.BytesIO(data)) as image:
            return [np.asarray(frame.convert("RGBA")) for frame in ImageSequence.Iterator(image)]

    old, new = frames(published), frames(fresh)
    if len(old) != len(new) or any(a.shape != b.shape for a, b in zip(old, new)):
        return 1.0
    changed = sum(int(np.any(a != b, axis=-1).sum()) for a, b in zip(old, new))
    return changed / sum(a.shape[0] * a.shape[1] for a in old)


def compare_figure(entry: dict, fresh_entry: dict, site: Path, fresh_site: Path, where: str,
                   limits: dict) -> Comparison:
    largest, share, pixels = 0.0, 0.0, None
    for path in sorted(fresh_entry["outputs"]):
        published, fresh = _read(site / path), (fresh_site / path).read_bytes()
        if published is None:
            return Comparison(entry["id"], where, "figure", f"{path} is missing", (f"{path} missing from the site",))
        if path.endswith(".npz"):
            largest, share = map(max, zip((largest, share), array_difference(published, fresh)))
        elif path.endswith(IMAGE_SUFFIXES):  # every variant (wide, narrow) of a figure; an explorer's probes
            pixels = max(pixels or 0.0, changed_pixels(published, fresh))
        # other files (an explorer's quantised maps and index) follow from the models compared above
    measured = f"arrays: largest |difference| {_number(largest)} ({_percent(share)} of range)"
    if pixels is not None:
        measured += f", pixels changed {_percent(pixels)}"
    failures = []
    if share > limits["array"]:
        failures.append(f"arrays differ by {_percent(share)} of their range > {_percent(limits['array'])}")
    if pixels is not None and pixels > limits["pixels"]:
        failures.append(f"{_percent(pixels)} of pixels changed > {_percent(limits['pixels'])}")
    return Comparison(entry["id"], where, "figure", measured, tuple(failures))


def figure_comparisons(source: Path, current: dict, fresh: dict, site: Path, fresh_site: Path,
                       limits: dict) -> list[Comparison]:
    comparisons = []
    for key, entry in sorted(fresh.items()):
        where = f"{display_path(Path(source) / entry['post'])}:{entry['line']}"
        built = current.get(key)
        if built is None:
            comparisons.append(Comparison(entry["id"], where, "figure", "not in the current build",
                                          ("run `layerpress build`",)))
        elif built["cache_key"] != entry["cache_key"]:
            comparisons.append(Comparison(entry["id"], where, "figure", "inputs changed since the build",
                                          ("the site is older than its sources: run `layerpress build`",)))
        else:
            comparisons.append(compare_figure(built, entry, site, fresh_site, where, limits))
    for key, entry in sorted(current.items()):
        if key not in fresh:
            comparisons.append(Comparison(entry["id"], f"{display_path(Path(source) / entry['post'])}:{entry['line']}",
                                          "figure", "no longer in the sources", ("run `layerpress build`",)))
    return comparisons


# -- models --

def model_refs(used: list[str], *manifests: dict) -> list[str]:
    """The models the fresh build used (figures and text), and those the current build's figures used."""
    return sorted(set(used) | {ref for manifest in manifests for entry in manifest.values() for ref in entry["models"]})


def compare_model(ref: str, where: str, published: dict, fresh: dict, limits: dict) -> Comparison:
    published, fresh = published or {}, fresh or {}
    if not published and not fresh:
        return Comparison(ref, where, "model", "no test metrics (no data set)")
    accuracy = _change(published.get("test_accuracy"), fresh.get("test_accuracy"))
    loss = _change(published.get("test_loss"), fresh.get("test_loss"))
    measured = (f"test accuracy {_percent(published.get('test_accuracy'))} -> {_percent(fresh.get('test_accuracy'))} "
                f"({_points(accuracy)}), test loss {_number(published.get('test_loss'))} -> "
                f"{_number(fresh.get('test_loss'))} ({_signed(loss)})")
    failures = []
    if abs(accuracy) > limits["accuracy"]:
        failures.append(f"accuracy changed {_points(accuracy)} > {_limit_points(limits['accuracy'])}")
    if abs(loss) > limits["loss"]:
        failures.append(f"loss changed {_signed(loss)} > {limits['loss']:g}")
    return Comparison(ref, where, "model", measured, tuple(failures))


def explorer_metrics(site: Path, manifest: dict) -> dict[str, tuple[dict, str]]:
    """{model reference: (the test metrics an explorer page of the site shows for it, the explorer's id)}.
    A build that takes its explorers from the frozen results loads none of their models: an untrained variant
    that only an explorer shows has no record there nor in the cache, and these numbers are what the site
    published of it."""
    shown: dict[str, tuple[dict, str]] = {}
    for entry in manifest.values():
        index = next((path for path in entry["outputs"] if entry["kind"] == "explorer"
                      and Path(path).name == EXPLORER_INDEX), None)
        text = _read(Path(site) / index) if index else None
        if text is None:
            continue
        page = json.loads(text)
        for variant, metrics in page.get("metrics", {}).items():
            shown[variant_ref(page["model"], variant)] = (metrics, entry["id"])
    return shown


def model_comparisons(source: Path, refs: list[str], fresh_cache: Path, limits: dict, *,
                      shown: dict[str, tuple[dict, str]] | None = None, safe: bool = False) -> list[Comparison]:
    """Metrics the build published (frozen, else the local cache, else as an explorer page of the site
    `shown` them: `explorer_metrics`) against the fresh ones."""
    from generator.config import Paths
    from generator.frozen import FrozenResults
    from generator.models.store import ModelStore

    published_store = ModelStore(Path(source), Paths.of(source).cache_dir,
                                 frozen=FrozenResults(Path(source)), safe=safe)
    fresh_store = ModelStore(Path(source), fresh_cache, safe=safe)
    shown = shown or {}
    comparisons = []
    for ref in refs:
        where = display_path(fresh_store.spec(ref).file)
        fresh = fresh_store.record(ref)["metrics"]
        if published_store.is_cached(ref):
            comparisons.append(compare_model(ref, where, published_store.record(ref)["metrics"], fresh, limits))
        elif ref in shown:
            metrics, explorer = shown[ref]
            compared = compare_model(ref, where, metrics, fresh, limits)
            comparisons.append(replace(compared, measured=f"{compared.measured}, as {explorer} shows them"))
        else:
            comparisons.append(Comparison(ref, where, "model", "not frozen, in the build cache nor on an explorer page",
                                          ("run `layerpress build`",)))
    return comparisons


def check(source: Path, dest: Path, *, safe: bool = False) -> CheckReport:
    """Rebuild from scratch in a temporary folder and compare with the build in `dest`."""
    from generator.build import BuildOptions, build
    from generator.config import load_config

    config = load_config(Path(source))
    limits, safe = tolerances(config), is_safe(safe, config)
    current = read_manifest(dest)
    with tempfile.TemporaryDirectory(prefix="layerpress-check-") as scratch:
        fresh_site, fresh_cache = Path(scratch) / "site", Path(scratch) / "cache"
        result = build(BuildOptions(source=Path(source), dest=fresh_site, cache_dir=fresh_cache, force=True,
                                    safe=safe))
        fresh = read_manifest(fresh_site)
        refs = model_refs(result.models, current, fresh)
        comparisons = (model_comparisons(source, refs, fresh_cache, limits, shown=explorer_metrics(dest, current),
                                         safe=safe)
                       + figure_comparisons(source, current, fresh, Path(dest), fresh_site, limits))
    return CheckReport(figures=len(fresh), models=len(refs), comparisons=comparisons, tolerances=limits)


# -- the report --

def report_table(comparisons: list[Comparison]) -> str:
    rows = [("model / figure", "where", "measured", "verdict")] + [
        (c.name, c.where, c.measured, "ok" if c.passed else "OUTSIDE: " + "; ".join(c.failures))
        for c in comparisons]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}" for a, b, c, d in rows)


def print_report(source: Path, dest: Path, *, safe: bool = False) -> bool:
    """`layerpress check`: the report on stdout (build progress on stderr); True when all is within tolerance."""
    with contextlib.redirect_stdout(sys.stderr):  # training progress: stdout is for the report
        report = check(source, dest, safe=safe)
    click.echo(report_table(report.comparisons))
    counted = f"{count(report.figures, 'figure')} and {count(report.models, 'model')}"
    limits = report.tolerances
    within = (f"accuracy ±{_limit_points(limits['accuracy'])}, loss ±{limits['loss']:g}, "
              f"arrays {_percent(limits['array'])} of range, pixels {_percent(limits['pixels'])}")
    if report.reproduced:
        click.echo(f"{counted} reproduced within tolerance ({within})")
        return True
    names = ", ".join(f"{c.name} ({'; '.join(c.failures)})" for c in report.failures)
    click.echo(f"{len(report.failures)} outside tolerance, checking {counted}: {names}")
    return False


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _change(old, new) -> float:
    if old is None or new is None:
        return 0.0 if old == new else math.inf
    return new - old


def _percent(value) -> str:
    if value is None:
        return "-"
    return "inf" if math.isinf(value) else percent(value, 2)


def _points(change: float) -> str:
    return "inf" if math.isinf(change) else f"{change * 100:+.2f} points"


def _limit_points(share: float) -> str:
    points = f"{share * 100:g}"
    return f"{points} point" if points == "1" else f"{points} points"


def _signed(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:+.4f}"


def _number(value) -> str:
    if value is None:
        return "-"
    return "inf" if math.isinf(value) else f"{value:.4g}"
