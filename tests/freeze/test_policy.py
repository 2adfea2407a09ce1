"""The freezing policy on plain data (freeze.Uses): no figures stage, no model, real files in _freeze/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.freeze import FigureUse, FreezeError, ModelUse, Uses, record_results, require_complete
from generator.frozen import FrozenResults


def entries(tmp_path: Path) -> tuple[Path, Path]:
    """A model's cache entry (record and .keras file) and a figure's (meta.json and its image)."""
    model, figure = tmp_path / "cache" / "model", tmp_path / "cache" / "figure"
    model.mkdir(parents=True)
    figure.mkdir()
    (model / "record.json").write_text('{"name": "cnn"}')
    (model / "model.keras").write_bytes(b"weights")
    (figure / "meta.json").write_text(json.dumps({"versions": {"numpy": "2"}}))
    (figure / "figure.png").write_bytes(b"png")
    return model, figure


def uses(figure_entry: Path | None = None, *, refreshed: bool = False) -> Uses:
    cnn = ModelUse("cnn", "model-key", refreshed=refreshed)
    return Uses(models=[cnn], quoted=[cnn], bases=[cnn], published=[cnn],
                figures=[FigureUse("acts", "_posts/a.md", "figure-key", entry=figure_entry)])


def test_a_frozen_build_names_every_result_that_is_not_frozen(tmp_path):
    frozen = FrozenResults(tmp_path / "blog")
    with pytest.raises(FreezeError) as missing:
        require_complete(frozen, uses())
    assert str(missing.value) == (f"{frozen.root}: 3 results not frozen: model cnn, model cnn (its .keras file), "
                                  "figure 'acts' in _posts/a.md (run `layerpress freeze` and commit the folder)")
    require_complete(None, uses())   # --force: nothing is read from the frozen results


def test_recorded_results_make_the_frozen_build_complete_unless_refreshed(tmp_path):
    frozen = FrozenResults(tmp_path / "blog")
    model, figure = entries(tmp_path)
    asked = []
    report = record_results(frozen, uses(figure), write=True, versions={}, model_entry=lambda ref: asked.append(ref) or model)
    assert report.written == [("model", "cnn"), ("figure", "'acts' in _posts/a.md")] and asked == ["cnn"]
    assert (frozen.model_entry("model-key", with_model=True) / "model.keras").read_bytes() == b"weights"
    require_complete(frozen, uses())
    with pytest.raises(FreezeError, match="2 results not frozen: model cnn, model cnn"):
        require_complete(frozen, uses(refreshed=True))
    again = record_results(frozen, uses(frozen.figure_entry("figure-key")), write=False, versions={},
                           model_entry=lambda ref: pytest.fail("a frozen model is not looked up"))
    assert again.written == again.computed == again.stale == []
