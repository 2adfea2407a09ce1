"""Links to the explorer after a model's download links (no model needed: the stage's linking alone)."""

from __future__ import annotations

from pathlib import Path

from generator.explore.stage import ExplorerModel, ExplorerStage
from generator.site import RenderedPage


def stage(baseurl: str):
    """What the stage hands the build for one model, 'tiny' (no page data: only the links are tested)."""
    explorer = ExplorerStage(store=None, source=Path("."), cache_dir=Path("cache"), baseurl=baseurl)
    explorer.models = [ExplorerModel("tiny", [], "viridis", ("trained",), Path("_models/tiny.yml"))]
    explorer.index = lambda model: {"layers": [], "probes": [], "variants": [], "metrics": {}}
    return explorer.published()


def test_every_download_link_gets_one_explore_link_under_the_baseurl():
    html = ('<p><a href="/blog/models/tiny.keras"><code>tiny.keras</code></a>, '
            '<a href="https://example.org/blog/models/tiny.keras">again</a> and '
            '<a href="/blog/models/xtiny.keras">another model</a></p>')
    page = RenderedPage("post/index.html", html, "post.md")
    explorer = stage("/blog/")
    explorer.link_downloads([page])
    link = ' <a class="explore-link" href="/blog/explore/tiny/">(explore its layers)</a>'
    assert page.text == ('<p><a href="/blog/models/tiny.keras"><code>tiny.keras</code></a>' + link + ', '
                         '<a href="https://example.org/blog/models/tiny.keras">again</a>' + link + ' and '
                         '<a href="/blog/models/xtiny.keras">another model</a></p>')
    once = page.text
    explorer.link_downloads([page])
    assert page.text == once                      # a second pass adds nothing


def test_other_files_and_the_explorer_pages_are_left_alone():
    html = '<a href="/models/tiny.keras">tiny</a>'
    pages = [RenderedPage("feed.xml", html, "feed"), RenderedPage("explore/tiny/index.html", html, "explore")]
    stage("").link_downloads(pages)
    assert [page.text for page in pages] == [html, html]
