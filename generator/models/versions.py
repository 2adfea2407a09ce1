"""Library versions that affect trained weights, read without importing the libraries."""

from __future__ import annotations

from functools import cache

from generator import __version__
from generator.package_versions import installed_version

TENSORFLOW_DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tf-nightly")


@cache
def versions() -> dict[str, str | None]:
    return {"tensorflow": _first_installed(TENSORFLOW_DISTRIBUTIONS), "keras": _first_installed(("keras",)),
            "numpy": _first_installed(("numpy",)), "layerpress": __version__}


def _first_installed(names) -> str | None:
    return next((found for found in map(installed_version, names) if found is not None), None)
