"""The browser tests' one build of the default blog, shared by every test module of this folder."""

from __future__ import annotations

import pytest
from browser_site import REPO, serve

from generator.build import BuildOptions, build


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """(base URL, site folder): the default blog built once (sharing the models/figures cache with `make site`)
    and served on loopback."""
    dest = tmp_path_factory.mktemp("browser") / "site"
    build(BuildOptions(source=REPO / "content", dest=dest))
    server = serve(dest)
    yield f"http://127.0.0.1:{server.server_port}/", dest
    server.shutdown()
    server.server_close()
