"""The build's compute step: the figures stage (models and figures, generator/figures/stage.py), then the
explorers on top of them (generator/explore/stage.py), joined into one `ComputeResult`, the plain data
the render step gets. generator/stage_memo.py runs it, or reuses what it handed the last build."""

from __future__ import annotations

from generator.explore.stage import compute_explorers
from generator.figures import stage as figures_stage
from generator.figures.result import ComputeResult


def compute(config, documents, options, extracted=None) -> ComputeResult:
    """Models and figures (frozen, cached or computed, with the freezing policy of `options`), then an explorer
    per model the posts use; the figures' HTML comes last, with the links to the explorers."""
    figures = figures_stage.compute(config, documents, options, extracted)
    explorers = compute_explorers(config, options, figures.store.without_overrides(), figures.files(),
                                  figures.manifest(), figures.model_refs())
    return figures.result(explorers.figure_links, ComputeResult(
        outputs=explorers.outputs, manifest=explorers.manifest, pages=explorers.pages,
        links_after=explorers.links_after))
