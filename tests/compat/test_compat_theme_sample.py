"""A theme's sample site (tests/compat/fixture_theme_sample) built by Debian's Jekyll and by layerpress:
every page with the same visible text, and no stop where Jekyll goes on."""

import shutil
from pathlib import Path

import pytest

from test_compat import load_compat

SAMPLE = Path(__file__).resolve().parent / "fixture_theme_sample"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("jekyll") is None, reason="Debian's jekyll is not installed")]


def test_theme_sample_pages_have_jekylls_visible_text(tmp_path):
    """Listings by count keep `site.categories`' order (the oldest post's first), a collection takes the
    `defaults` of its type, a page lists the collection its front matter names, the theme's page at
    `/categories/tools/` is the blog's, a flag assigned in a loop's last turn is nil before (strict mode),
    a table's `|===|` foot is no row of text, and an excerpt takes the link definitions it uses along."""
    compat = load_compat()
    report = compat.compare_pages(SAMPLE, tmp_path / "pages")
    summary = report.summary()
    differing = [(page.path, page.first_difference) for page in report.pages if not page.text_matched]
    assert summary["builds"], report.error
    assert summary["pages"] == summary["pages_found"] == 8
    assert summary["same_visible_text"] == summary["pages"], differing
    assert report.layerpress_warnings == []
    posts = compat.compare(SAMPLE, tmp_path / "posts").summary()
    assert posts["text_matched"] == posts["posts"] == 3
