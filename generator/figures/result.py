"""What the figures stage hands the build: `ComputeResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.freeze import FreezeReport
    from generator.models.store import ModelStore


@dataclass
class ComputeResult:
    context: dict = field(default_factory=dict)  # Jinja globals for bodies: {"models": ModelsContext}
    replacements: dict[Path, dict[str, str]] = field(default_factory=dict)  # source_path -> {placeholder: HTML}
    outputs: list[tuple[str, Path]] = field(default_factory=list)  # (site-relative path, file to copy there)
    filters: dict = field(default_factory=dict)  # Jinja filters for bodies: {"percent": percent}
    manifest: list[dict] = field(default_factory=list)  # the entries of figures.json
    freeze_report: FreezeReport | None = None  # what was frozen, computed, stale
    model_refs: list[str] = field(default_factory=list)  # every model a figure or the text uses
    store: ModelStore | None = None  # the stage's store: the explorer shares its keys and trained models
