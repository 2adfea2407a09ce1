"""Modules imported on first use, for libraries that a no-change build names but never calls.

The data-set and figure-kind modules import numpy at their top; a build that trains and draws
nothing never calls it, and importing it costs about half of Python's own start-up. `defer`
puts a stand-in in `sys.modules`: `import numpy as np` binds the stand-in, and the first
attribute asked of it (`np.zeros`, `numpy.__path__` for a submodule) imports the real module.
(importlib's LazyLoader does not fit: on Python 3.11 the `import` statement itself reads the
module's `__spec__`, which makes LazyLoader load it.) A submodule (`PIL.Image`) is deferred without
importing its package: the package gets a stand-in too, and `from PIL import Image` loads the package
only (it must have a `__path__`), finding the submodule's stand-in as its attribute.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

# python-liquid imports asyncio (for its async loaders) and dateutil's parser (for its `date` filter on
# strings) at its top: a third of its import time, for what a Jekyll blog's templates never call.
# Pillow's image modules: the data-set modules import them at their top, a build with its probes and
# figures cached never opens an image.
# python-liquid's extra tags and filters (never registered here; its environment binds their registering
# function) and Babel's message catalogs (python-liquid binds `Catalog`, for extracting translatable text): Babel
# finds the machine's time zone as it loads, by comparing zone files. zoneinfo: only a `timezone:` other than
# UTC needs it.
# uuid (and the platform module it imports): click's UUID parameter type, which no command has. Jinja: the
# built-in theme's engine, for a blog that uses one of its layouts (generator/site.py's Theme).
DEFERRED = ("numpy", "asyncio", "dateutil.parser", "PIL.Image", "PIL.ImageOps", "PIL.ImageDraw", "PIL.ImageColor",
            "liquid.extra", "babel.messages", "zoneinfo", "urllib.request", "uuid", "jinja2")
# Functions a library binds with `from MODULE import NAME` at its top and calls only later: the stand-in
# holds a function of that name that imports the module when first called. pymdownx.util (which every
# Markdown converter here imports, through arithmatex) binds two of urllib.request's, whose import
# (http.client, email, ssl) costs more than building the converter's extensions.
FORWARDED = {"urllib.request": ("pathname2url", "url2pathname"), "liquid.extra": ("add_tags_and_filters",),
             "babel.messages": ("Catalog",)}


class DeferredModule(ModuleType):
    """Stands for a module not imported yet; its first missing attribute imports the real one,
    copies its namespace here (so later lookups are plain ones) and puts it in sys.modules."""

    def __getattr__(self, attribute: str):
        real = self.__dict__.get("_real_module")
        if real is None:
            spec = self.__dict__.get("__spec__")
            if attribute == "__path__" and spec is not None and spec.submodule_search_locations is None:
                raise AttributeError(attribute)   # not a package: `from module import name` asks, and needs no load
            if attribute == "__path__" and spec is not None and self.__name__ in FORWARDED:   # `from package import name`
                return list(spec.submodule_search_locations)
            real = _import_real(self)
        return getattr(real, attribute)


def _import_real(stand_in: DeferredModule) -> ModuleType:
    name = stand_in.__name__
    if sys.modules.get(name) is stand_in:
        del sys.modules[name]
    real = importlib.import_module(name)
    for child, module in list(stand_in.__dict__.items()):   # deferred submodules stay reachable as attributes
        if isinstance(module, DeferredModule) and child not in real.__dict__:
            setattr(real, child, module)
    stand_in.__dict__.update(real.__dict__)
    stand_in.__dict__["_real_module"] = real
    return real


def defer(name: str) -> ModuleType:
    """The module `name` if already imported, else a DeferredModule for it, put in sys.modules."""
    if name in sys.modules:
        return sys.modules[name]
    parent_name, _, child = name.rpartition(".")
    parent = defer(parent_name) if parent_name else None
    spec = _find_spec(name, parent)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    stand_in = DeferredModule(name)
    stand_in.__spec__ = spec  # what `import name` checks; __path__ etc. stay missing, so they load it
    for function in FORWARDED.get(name, ()):
        setattr(stand_in, function, _forwarding(stand_in, function))
    sys.modules[name] = stand_in
    if parent is not None:  # `from parent import child` finds the stand-in without loading either
        setattr(parent, child, stand_in)
    return stand_in


def _forwarding(stand_in: DeferredModule, function: str):
    """A function that calls the real module's `function`, importing the module on the first call."""
    def forward(*args, **kwargs):
        real = stand_in.__dict__.get("_real_module") or _import_real(stand_in)
        return getattr(real, function)(*args, **kwargs)
    forward.__name__ = forward.__qualname__ = function
    return forward


def _find_spec(name: str, parent: ModuleType | None):
    """`name`'s spec without importing it or its package (importlib.util.find_spec imports the package)."""
    if not isinstance(parent, DeferredModule) or "_real_module" in parent.__dict__:
        return importlib.util.find_spec(name)
    package = parent.__spec__
    assert package is not None, "a stand-in has its module's spec"
    return importlib.machinery.PathFinder.find_spec(name, package.submodule_search_locations)


def is_loaded(name: str) -> bool:
    """Whether `name` was really imported (a deferred module that nothing used yet does not count)."""
    module = sys.modules.get(name)
    return module is not None and (not isinstance(module, DeferredModule) or "_real_module" in module.__dict__)


def defer_heavy_modules() -> None:
    for name in DEFERRED:
        defer(name)
