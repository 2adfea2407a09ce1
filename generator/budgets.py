"""What one build may spend: Liquid loop iterations, template output, include depth, and the size
of a Markdown text and of a YAML text it converts (`layerpress: {limits: ...}` in _config.yml).

The defaults are far above what the blogs measured in docs/reference/limits.md need, and low enough
that a template loop of 10^9 steps or a megabyte-doubling `append` ends in a second as a `file:line`
error instead of a hang. `load_config` makes a blog's limits the current ones (`use`); the readers
that have no config at hand (the YAML reader, the Markdown step) ask `current()`.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import NamedTuple

from generator.errors import ContentError, LayerpressError

KEY = "layerpress.limits"


class Limits(NamedTuple):
    loop_iterations: int = 1_000_000      # Liquid loop iterations (and includes) one template render runs
    output_bytes: int = 50_000_000        # bytes one template render writes, or one Liquid variable holds
    include_depth: int = 30               # nested includes and blocks (python-liquid's context depth)
    markdown_bytes: int = 500_000         # one document's Markdown, after Liquid (Markdown's time grows faster)
    yaml_bytes: int = 1_000_000           # one YAML text: front matter, _config.yml, a model spec, a figure block


DEFAULT = Limits()
HELP = {
    "loop_iterations": "Liquid loop iterations one template may run (each include counts one).",
    "output_bytes": "Bytes one Liquid template may write (or one of its variables hold).",
    "include_depth": "How deep includes, loops and blocks may nest (an include counts two).",
    "markdown_bytes": "Bytes of Markdown one document (after Liquid) or one markdownify may convert.",
    "yaml_bytes": "Bytes of one YAML text: front matter, _config.yml, a model spec, a figure block.",
}
_current: ContextVar[Limits] = ContextVar("layerpress_limits", default=DEFAULT)


def use(limits: Limits) -> None:
    """Make `limits` the ones the readers of this build check against."""
    _current.set(limits)


def current() -> Limits:
    return _current.get()


def raise_hint(name: str) -> str:
    return f"raise {KEY}.{name} in _config.yml if the blog really needs more"


def check_size(text: str, name: str, *, what: str, file, line: int | None = 1,
               error: type[LayerpressError] = ContentError) -> None:
    """`error` at file:line when `text` is larger (in UTF-8 bytes) than the current limit `name`."""
    limit = getattr(current(), name)
    if len(text) <= limit // 4:   # no character takes more than 4 bytes: most texts need no encoding
        return
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise error(f"{what} is {size:,} bytes, more than the {limit:,} of {KEY}.{name}",
                    file=file, line=line, hint=raise_hint(name))
