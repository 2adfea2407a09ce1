"""Conversions to HTML kept between builds: `ConversionCache` (Markdown documents, highlighted code)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from functools import cache
from pathlib import Path

from generator.cache import digest, write_atomically

# The modules whose code decides the HTML, besides this one (their digests salt every entry).
CONVERTERS = ("markdown.py", "kramdown.py", "kramdown_spans.py", "html_tags.py", "html_blocks.py", "footnotes.py",
              "emphasis.py", "stray_tags.py", "fences.py", "raw_spans.py",
              "highlight.py", "strikethrough.py", "links.py", "links_after.py")


class ConversionCache:
    """Conversions (of documents with one set of options, or of code blocks), a JSON file each, named by
    a digest of the text, the `salt` (what else decides the HTML), this module's, kramdown.py's and
    highlight.py's code, and the versions of the libraries that convert: an entry is never stale. An
    entry that does not read back whole (its HTML against its SHA-256) is ignored, and written again."""

    def __init__(self, folder: Path, *salt) -> None:
        self.folder = folder
        self._salt = digest(*salt, converter_versions())

    def key(self, text) -> str:
        return digest(self._salt, text)

    def get(self, key: str) -> str | None:
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            html = entry["html"]
            if hashlib.sha256(html.encode()).hexdigest() == entry["sha256"]:
                return html
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return None

    def put(self, key: str, html: str) -> None:
        with contextlib.suppress(OSError):   # a read-only cache: the next build converts again
            write_atomically(self._path(key), json.dumps({"sha256": hashlib.sha256(html.encode()).hexdigest(),
                                                          "html": html}))

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"


@cache
def converter_versions() -> dict:
    """What besides the text and the options decides the HTML (the libraries are imported, not
    their extensions built: a full build whose texts are all cached never builds Markdown)."""
    import markdown
    import pygments
    import pymdownx

    here = Path(__file__)
    code = [hashlib.sha256(path.read_bytes()).hexdigest()
            for path in (here, *(here.with_name(name) for name in CONVERTERS))]
    return {"python": sys.version_info[:2], "markdown": markdown.__version__, "pymdown-extensions": pymdownx.__version__,
            "pygments": pygments.__version__, "code": code}
