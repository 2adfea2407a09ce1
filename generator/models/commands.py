"""`layerpress models` and `layerpress train NAME`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.config import Paths, load_config
from generator.confine import check_writable
from generator import console
from generator.errors import display_path
from generator.frozen import FrozenResults
from generator.models.store import RECORD_FILE, ModelStore
from generator.safe import check_config as check_safe_config, is_safe

SOURCE = click.option("--source", type=click.Path(file_okay=False, path_type=Path), default=Path("content"),
                      show_default=True, help="The blog's source folder.")
CACHE_DIR = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                         help="Cache folder (default <source>/.layerpress-cache).")


def _store(source: Path, cache_dir: Path | None, **options) -> ModelStore:
    """The blog's models; with `safe: true` in its _config.yml, in safe mode (generator/safe.py)."""
    paths = Paths.of(source, cache_dir=cache_dir)
    check_writable(paths)   # training writes into the cache: never through a symlink out of it
    config = load_config(source) if Path(source).is_dir() else None
    safe = config is not None and is_safe(False, config)
    if config is not None and safe:
        check_safe_config(config)
    return ModelStore(source, paths.cache_dir, safe=safe, **options)


def summary(store: ModelStore, ref: str) -> dict:
    """One model's state (frozen, cached or missing), headline numbers and where they come from
    (no training, no TensorFlow)."""
    state, entry = store.state(ref)
    row = {"ref": ref, "state": state, "cached": entry is not None, "cache_key": store.cache_key(ref),
           "test_accuracy": None, "test_loss": None, "metrics": None, "params": None, "epochs": None,
           "best_epoch": None, "from": display_path(entry / RECORD_FILE) if entry is not None else None}
    if entry is not None:
        record = json.loads((entry / RECORD_FILE).read_text())
        metrics = record["metrics"] or {}
        row.update(test_accuracy=metrics.get("test_accuracy"), test_loss=metrics.get("test_loss"),
                   metrics=record["metrics"], params=record["params"], epochs=record["epochs"],
                   best_epoch=record["best_epoch"])
    return row


def _cell(value, digits: int = 4) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _origin(row: dict) -> str:
    """The table's short "from": the folder and the entry's key, e.g. `_freeze c6e5b0dc3829`."""
    if row["from"] is None:
        return "-"
    entry = Path(row["from"]).parent
    return f"{'_freeze' if row['state'] == 'frozen' else 'cache'} {entry.name[:12]}"


@click.command("models")
@SOURCE
@CACHE_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def models_command(source: Path, cache_dir: Path | None, as_json: bool) -> None:
    """List the model specs: state (frozen in _freeze/, cached, or missing), test metrics, and where they come from."""
    store = _store(source, cache_dir, frozen=FrozenResults(source))
    rows = [summary(store, ref) for ref in store.refs()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    header = ("model", "state", "test acc", "test loss", "params", "epochs", "best", "from")
    table = [header] + [(r["ref"], r["state"], _cell(r["test_accuracy"]), _cell(r["test_loss"]), _cell(r["params"]),
                         _cell(r["epochs"]), _cell(r["best_epoch"]), _origin(r)) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@click.command("train")
@click.argument("ref")
@SOURCE
@CACHE_DIR
@click.option("--force", is_flag=True, help="Train again even when a cached model exists.")
@console.QUIET_OPTION
def train_command(ref: str, source: Path, cache_dir: Path | None, force: bool) -> None:
    """Train one model (NAME or NAME:VARIANT), honouring the cache unless --force."""
    from generator.buildlock import build_lock

    store = _store(source, cache_dir, force=force)
    with build_lock(source):  # a build of the same blog would share the cache
        record = store.record(ref)
    state = "trained" if store.trainings else "cached"
    metrics = record["metrics"] or {}
    click.echo(f"{ref}: {state}; test accuracy {_cell(metrics.get('test_accuracy'))}, "
               f"test loss {_cell(metrics.get('test_loss'))}; {store.publish_path(ref)}")
