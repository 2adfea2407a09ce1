"""A small real blog with a tiny trained model, built once with baseurl /blog and served on loopback."""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "figures"))
from figures_testkit import TINY_SPEC, write_probes  # (two convolutions and a pooling layer)

POST = """\
---
title: Tiny maps
---
The model ([`tiny.keras`]({{ site.baseurl }}/models/tiny.keras)) for two shapes:

```figure
kind: activations
id: maps
model: tiny
probes: [probes/triangle.png, probes/circle.png]
layers: [conv2d, max_pooling2d]
caption: Every channel of the first two layers.
```

```figure
kind: grad-cam
id: where
model: tiny
probes: [probes/triangle.png, probes/circle.png]
classes: [circle, square, triangle]
cmap: magma
caption: Where the last convolution looks, for each class.
```
"""


def write_blog(source: Path) -> Path:
    (source / "_models").mkdir(parents=True)
    (source / "_posts").mkdir()
    (source / "_config.yml").write_text('title: Tiny explorer blog\nurl: https://example.org\nbaseurl: "/blog"\n')
    (source / "_models" / "tiny.yml").write_text(TINY_SPEC)
    (source / "_posts" / "2026-01-05-tiny-maps.md").write_text(textwrap.dedent(POST))
    write_probes(source / "probes")
    (source / "probes" / "notes.png").unlink()  # the test kit's unreadable probe is for other tests
    return source


@pytest.fixture(scope="session")
def built_blog(tmp_path_factory) -> tuple[Path, Path]:
    """(source, site): the blog built once, its site under www/blog/ so that /blog/ is its baseurl."""
    from generator.build import BuildOptions, build

    root = tmp_path_factory.mktemp("explore")
    source = write_blog(root / "content")
    site = root / "www" / "blog"
    site.parent.mkdir()
    build(BuildOptions(source=source, dest=site))
    return source, site


@pytest.fixture
def blog_copy(built_blog, tmp_path) -> tuple[Path, Path]:
    """A private copy of the built blog and its caches, to build again or change."""
    source, site = built_blog
    shutil.copytree(source, tmp_path / "content")
    shutil.copytree(site, tmp_path / "www" / "blog")
    return tmp_path / "content", tmp_path / "www" / "blog"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def served_blog(built_blog):
    """The built site over HTTP: (base URL ending in /blog/, source, site)."""
    source, site = built_blog
    handler = functools.partial(QuietHandler, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/blog/", source, site
    server.shutdown()
    server.server_close()
