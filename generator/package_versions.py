"""Installed packages' versions, without importing them or importlib.metadata.

Installers name a package's metadata folder `{name}-{version}.dist-info` (the name with `-` and
`.` written `_`), so a listing of each `sys.path` folder gives every version: a prose edit's build
then imports neither the packages nor importlib.metadata and its email parser (tens of ms).
A package installed some other way (an `.egg-info`) is looked up with importlib.metadata.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache


def normalized(name: str) -> str:
    """A distribution name as installers spell it in folder names (PEP 503 and the wheel spec)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def installed_version(name: str) -> str | None:
    """The version of the installed distribution `name`, or None when it is not installed."""
    version = _dist_info_versions().get(normalized(name))
    if version is not None:
        return version
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@cache
def _dist_info_versions() -> dict[str, str]:
    """{normalized name: version} of every `.dist-info` folder on sys.path (the first one wins, as in imports)."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            if entry.endswith(".dist-info"):
                name, _, version = entry[:-len(".dist-info")].partition("-")
                found.setdefault(normalized(name), version)
    return found
