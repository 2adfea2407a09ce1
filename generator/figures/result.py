"""What the compute step hands the render step: `ComputeResult`, plain data (no model store, nothing live),
which the stage memo keeps between builds as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.content.links import LinkAfter
from generator.figures.context import percent


@dataclass(frozen=True)
class ComputeResult:
    context: dict = field(default_factory=dict)  # variables for bodies: {"models": ModelsContext}
    replacements: dict[Path, dict[str, str]] = field(default_factory=dict)  # source_path -> {placeholder: HTML}
    outputs: list[tuple[str, Path]] = field(default_factory=list)  # (site-relative path, file to copy there)
    manifest: list[dict] = field(default_factory=list)  # the entries of figures.json
    model_refs: list[str] = field(default_factory=list)  # every model a figure or the text uses
    pages: list[tuple[str, str, dict]] = field(default_factory=list)  # (theme layout, output path, page variables)
    links_after: tuple[LinkAfter, ...] = ()  # a link a page's text gets after each of its links to a target

    @property
    def filters(self) -> dict:
        """Filters for templates outside the site's Liquid (which has `percent` itself): {"percent": percent}."""
        return {"percent": percent}
