"""Every figure kind keeps the contract (generator.figures.registry.FigureKind), is registered, and is
documented: its keys have help text and the generated reference page is the committed one."""

from __future__ import annotations

import pkgutil
import typing
from pathlib import Path

import pytest

import generator.figures.kinds as kinds_package
from generator.figures import registry
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.reference import reference

REFERENCE_PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "figures.md"
MODULES = sorted(info.name for info in pkgutil.iter_modules(kinds_package.__path__))


def test_every_module_in_kinds_is_registered_and_every_registered_kind_exists():
    assert len(MODULES) >= 12
    assert sorted(registry.KINDS.values()) == MODULES


@pytest.mark.parametrize("name", sorted(registry.KINDS))
def test_every_kind_satisfies_the_protocol_with_typed_draw(name):
    module = registry.kind_module(name)
    assert isinstance(module, registry.FigureKind)
    assert isinstance(module.VERSION, int) and module.KEYS
    assert all(hasattr(key, "check") and hasattr(key, "default") for key in module.KEYS.values())
    hints = typing.get_type_hints(module.draw)
    assert hints == {"request": FigureRequest, "ctx": DrawContext, "return": registry.DrawnFigure}


def test_a_module_without_draw_is_not_a_kind():
    import types

    assert not isinstance(types.SimpleNamespace(KEYS={}, VERSION=1), registry.FigureKind)


@pytest.mark.parametrize("name", sorted(registry.KINDS))
def test_every_key_of_every_kind_has_help_text(name):
    keys = {**registry.COMMON_KEYS, **registry.kind_module(name).KEYS}
    if not any(hasattr(key, "help") for key in keys.values()):
        pytest.skip("KEYS carry no help text yet: the option framework (issue 13 item 1) adds it")
    assert [key_name for key_name, key in keys.items() if not key.help.strip()] == []


def test_the_committed_reference_page_is_the_generated_one():
    assert REFERENCE_PAGE.read_text() == reference(), \
        "run `make reference` (python -m generator.figures.reference > docs/reference/figures.md)"
    for name in registry.KINDS:
        assert f"## `{name}`" in REFERENCE_PAGE.read_text()
