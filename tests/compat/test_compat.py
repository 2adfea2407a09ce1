"""The fixture blogs built by Debian's Jekyll and by layerpress give the same pages (tools/compat.py).

Runs when `jekyll` is on PATH (`.ci/run` installs Debian's jekyll and ruby-jekyll-feed)."""

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = [ROOT / "tests" / "compat" / "fixture_blog", ROOT / "tests" / "compat" / "fixture_kramdown"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("jekyll") is None, reason="Debian's jekyll is not installed")]


def load_compat():
    spec = importlib.util.spec_from_file_location("compat", ROOT / "tools" / "compat.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["compat"] = module          # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: path.name)
def test_fixture_blog_matches_jekyll(fixture, tmp_path):
    compat = load_compat()
    report = compat.compare(fixture, tmp_path)
    summary = report.summary()
    differing = [(post.url, post.first_difference) for post in report.posts if not post.text_matched]
    assert summary["builds"], report.layerpress_error
    assert summary["posts"] == len(list((fixture / "_posts").glob("*.md")))
    assert summary["urls_matched"] == summary["posts"]
    assert summary["text_matched"] == summary["posts"], differing
    assert summary["formulas"] > 0 and summary["formulas_intact"] == summary["formulas"]
    assert summary["heading_ids"] > 0 and summary["heading_ids_matched"] == summary["heading_ids"]
    assert summary["lists_matched"] == summary["posts"]
    assert report.feed_entries_matched == report.jekyll_feed_entries == min(summary["posts"], 10)   # jekyll-feed: 10
    assert summary["feed_valid"] and summary["sitemap_valid"] and summary["placeholders"] == 0


def test_body_text_ignores_markup_quotes_and_math_delimiters_only():
    compat = load_compat()
    ours = '<p>It’s <span class="arithmatex">\\(x_1\\)</span> &lt;0.01%</p>'
    assert compat.body_text(ours) == compat.body_text("<p>It's \\(x_1\\)\n<0.01%</p>")
    assert compat.body_text(ours) != compat.body_text("<p>It's \\(x_2\\) <0.01%</p>")


MINIMA = ROOT / "tests" / "compat" / "fixture_minima"


def test_minima_blog_pages_have_jekylls_visible_text(tmp_path):
    """A blog with `theme: minima` (Debian's gem), built as it is: every page Jekyll renders
    (home, about, posts) has the same visible text in layerpress's build."""
    from generator.themes import installed_theme
    if installed_theme("minima") is None:
        pytest.skip("jekyll-theme-minima is not installed")
    compat = load_compat()
    report = compat.compare_pages(MINIMA, tmp_path)
    summary = report.summary()
    differing = [(page.path, page.first_difference) for page in report.pages if not page.text_matched]
    assert summary["builds"], report.error
    assert summary["pages"] == 5 and summary["pages_found"] == 5
    assert summary["same_visible_text"] == summary["pages"], differing
    assert (tmp_path / "layerpress-whole-site" / "assets" / "main.css").is_file()
    assert report.layerpress_warnings == []


def test_visible_text_is_the_body_without_scripts_styles_or_head():
    compat = load_compat()
    page = ("<html><head><title>Tab title</title><style>p{}</style></head><body><h1>Hi</h1>"
            "<script>var x = 1;</script><p>It’s  here</p></body></html>")
    assert compat.visible_text(page) == "HiIt'shere"
    assert compat.visible_text(page.replace("Hi", "Ho")) != compat.visible_text(page)


DATA_MODEL = ROOT / "tests" / "compat" / "fixture_datamodel"


def test_data_model_blog_pages_have_jekylls_visible_text(tmp_path):
    """Jekyll's `site` and `page`, built as they are by both: pages' dates (a date, a timestamp, words),
    unset site keys that are nil, `site.time`'s year, a collection written at its permalink and one
    only listed (`site.collections`, `site.LABEL`, documents sorted by date)."""
    compat = load_compat()
    report = compat.compare_pages(DATA_MODEL, tmp_path)
    summary = report.summary()
    differing = [(page.path, page.first_difference) for page in report.pages if not page.text_matched]
    assert summary["builds"], report.error
    assert summary["pages"] == 9 and summary["pages_found"] == 9
    assert summary["same_visible_text"] == summary["pages"], differing
    assert report.layerpress_warnings == []


PAGINATE = ROOT / "tests" / "compat" / "fixture_paginate"


def test_compat_measures_paginated_tabbed_extensionless_blogs_whole(tmp_path):
    """tools/compat.py reads a config with tabs (Ruby's YAML), enables jekyll-paginate because `paginate:`
    is set, finds a post with an extension-less permalink in both sites, and compares whole bodies:
    a stray `</div>` (shown as text by kramdown, and by layerpress) does not cut the formulas after it."""
    compat = load_compat()
    assert compat._read_yaml(PAGINATE / "_config.yml")["title"] == "Paginated fixture"
    assert "jekyll-paginate" in compat.whole_site_plugins(compat._read_yaml(PAGINATE / "_config.yml"))
    report = compat.compare(PAGINATE, tmp_path / "posts")
    summary = report.summary()
    assert summary["builds"], report.layerpress_error
    assert summary["urls_matched"] == summary["posts"] == 3
    assert summary["text_matched"] == 3, [post.first_difference for post in report.posts]
    assert summary["formulas"] == 6 and summary["formulas_intact"] == 6
    pages = compat.compare_pages(PAGINATE, tmp_path / "pages")
    paths = [page.path for page in pages.pages]
    assert "page2/index.html" in paths and "notes/no-extension.html" in paths
    assert pages.summary()["same_visible_text"] == len(paths) == 5, [
        (page.path, page.first_difference) for page in pages.pages if not page.text_matched]
    assert pages.summary()["jekyll_seconds"] > 0 and pages.summary()["layerpress_warm_seconds"] > 0


def test_an_extensionless_url_is_the_html_file_jekyll_writes():
    compat = load_compat()
    assert compat.url_to_path("/notes/no-extension") == "notes/no-extension.html"
    assert compat.url_to_path("/notes/") == "notes/index.html"
    assert compat.url_to_path("/feed.xml") == "feed.xml"
