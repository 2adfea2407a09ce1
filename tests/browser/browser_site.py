"""The default blog as the browser tests see it: built once per session and served on loopback."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """A server of `folder` on a free loopback port, answering from a thread; `shutdown()` it after use."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def html_pages(dest: Path) -> list[str]:
    """Every HTML page of the built site, as a site-relative URL path."""
    pages = []
    for path in sorted(dest.rglob("*.html")):
        relative = path.relative_to(dest).as_posix()
        pages.append(relative.removesuffix("index.html"))
    return pages


def post_pages(dest: Path) -> list[str]:
    """The posts (pretty permalinks: cat/yyyy/mm/dd/slug/)."""
    return [page for page in html_pages(dest) if page.count("/") >= 4]
