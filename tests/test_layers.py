"""Every module and package of generator/ stands in a layer of the import-linter contract
(pyproject.toml), so that `lint-imports` in `make lint` checks its imports: one left out is
checked by nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def layered_names() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract, = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return {name.strip() for layer in contract["layers"] for name in layer.replace("|", ":").split(":")}


def test_every_module_of_the_package_is_in_a_layer():
    package = ROOT / "generator"
    modules = {path.stem for path in package.glob("*.py") if path.stem != "__init__"}
    packages = {path.parent.name for path in package.glob("*/__init__.py")}
    missing = sorted((modules | packages) - layered_names())
    assert not missing, f"add these to a layer of [tool.importlinter] in pyproject.toml: {missing}"
