"""Every data-set source keeps the contract (generator.datasets.DatasetSource) and is registered."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types

import pytest

import generator.datasets as datasets


def source_modules() -> list[str]:
    """Modules of generator/datasets/ that define `load`: data-set sources."""
    names = [info.name for info in pkgutil.iter_modules(datasets.__path__)]
    return sorted(name for name in names if hasattr(importlib.import_module(f"generator.datasets.{name}"), "load"))


def test_every_source_module_is_registered():
    registered = sorted(module.__name__.rsplit(".", 1)[1] for module in datasets.KINDS.values())
    assert registered == source_modules() == ["fashion_mnist", "folder", "shapes"]


@pytest.mark.parametrize("name", sorted(datasets.KINDS))
def test_every_source_satisfies_the_protocol(name):
    source = datasets.KINDS[name]
    assert isinstance(source, datasets.DatasetSource)
    assert source.OPTIONS and all(hasattr(option, "default") for option in source.OPTIONS.values())
    for function in (source.load, source.identity):
        assert list(inspect.signature(function).parameters) == ["options", "base_dir"]
    assert inspect.signature(source.load).return_annotation == "Arrays"


def test_a_module_without_identity_is_not_a_source():
    assert not isinstance(types.SimpleNamespace(OPTIONS={}, load=lambda options, base_dir: None),
                          datasets.DatasetSource)
