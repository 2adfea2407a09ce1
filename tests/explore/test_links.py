"""Links to the explorer after a model's download links (no model needed: the stage's links and pages,
handed to a real build as the compute step's result)."""

from __future__ import annotations

from pathlib import Path

import pytest

import generator.compute
from generator.build import BuildOptions, build
from generator.explore.stage import ExplorerModel, ExplorerStage
from generator.figures.result import ComputeResult

LINK = ' <a class="explore-link" href="/blog/explore/tiny/">(explore its layers)</a>'


def stage(baseurl: str) -> ExplorerStage:
    """The explorer stage with one model, 'tiny' (no data: only its links and page are used)."""
    explorer = ExplorerStage(store=None, source=Path("."), cache_dir=Path("cache"), baseurl=baseurl)
    explorer.models = [ExplorerModel("tiny", [], "viridis", ("trained",), Path("_models/tiny.yml"))]
    explorer.index = lambda model: {"layers": [], "probes": [], "variants": [], "metrics": {}}
    return explorer


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """A blog whose post links to the model three ways, built with what the explorer stage hands the render step."""
    source, dest = tmp_path / "blog", tmp_path / "site"
    (source / "_posts").mkdir(parents=True)
    (source / "_config.yml").write_text("title: T\nbaseurl: /blog\nurl: https://example.org\n")
    (source / "_posts" / "2026-01-01-post.md").write_text(
        "---\ntitle: Post\n---\n"
        "[`tiny.keras`]({{ site.baseurl }}/models/tiny.keras), [again](https://example.org/blog/models/tiny.keras)"
        " and [another model]({{ site.baseurl }}/models/xtiny.keras)\n")
    explorer = stage("/blog/")
    monkeypatch.setattr(generator.compute, "compute", lambda config, documents, options, extracted=None:
                        ComputeResult(pages=explorer.pages(), links_after=explorer.download_links()))
    build(BuildOptions(source=source, dest=dest))
    return dest


def test_every_download_link_gets_one_explore_link_under_the_baseurl(site):
    post = (site / "2026/01/01/post.html").read_text()
    assert ('<p><a href="/blog/models/tiny.keras"><code>tiny.keras</code></a>' + LINK + ', '
            '<a href="https://example.org/blog/models/tiny.keras">again</a>' + LINK + ' and '
            '<a href="/blog/models/xtiny.keras">another model</a></p>') in post
    assert post.count('class="explore-link"') == 2


def test_the_feed_and_the_explorer_page_are_left_alone(site):
    feed = (site / "feed.xml").read_text()
    assert "/blog/models/tiny.keras" in feed and "explore-link" not in feed
    page = (site / "explore/tiny/index.html").read_text()
    assert '<a class="explorer-download" href="/blog/models/tiny.keras">' in page and "explore-link" not in page
