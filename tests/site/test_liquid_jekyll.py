"""A small blog using Jekyll's filters, tags, layouts, includes, data and defaults, built by
layerpress and compared with the pages Jekyll 4.3 wrote for it (tests/site/liquid_blog_jekyll/)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent
BLOG, JEKYLL_PAGES = HERE / "liquid_blog", HERE / "liquid_blog_jekyll"
PAGES = sorted(path.relative_to(JEKYLL_PAGES).as_posix() for path in JEKYLL_PAGES.rglob("*.html"))


def without_blank_lines(text: str) -> str:
    """kramdown ends a converted body with a newline, Python-Markdown does not."""
    return re.sub(r"\n\s*\n", "\n", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from generator.cli import main

    root = tmp_path_factory.mktemp("liquid")
    shutil.copytree(BLOG, root / "blog")
    try:
        main(["build", "--source", str(root / "blog"), "--dest", str(root / "site"), "--quiet"])
    except SystemExit as stop:
        assert stop.code in (0, None)
    return root / "site"


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_the_same_as_jekylls(built, page, monkeypatch):
    expected = (JEKYLL_PAGES / page).read_text()
    assert without_blank_lines((built / page).read_text()) == without_blank_lines(expected)


def test_the_filters_page_matches_line_by_line(built):
    """The same comparison, but a failure names the line (one filter each)."""
    ours = (built / "filters.html").read_text().splitlines()
    theirs = (JEKYLL_PAGES / "filters.html").read_text().splitlines()
    assert [line for line in ours if line not in theirs] == []
    assert len(ours) == len(theirs)


@pytest.mark.skipif(shutil.which("jekyll") is None, reason="Jekyll is not installed (Debian: apt install jekyll)")
def test_the_stored_pages_are_what_jekyll_writes(tmp_path):
    site, source = tmp_path / "jekyll", tmp_path / "blog"
    shutil.copytree(BLOG, source)   # Jekyll writes a .jekyll-cache folder into its source
    subprocess.run(["jekyll", "build", "--quiet", "-s", str(source), "-d", str(site)], check=True,
                   capture_output=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    for page in PAGES:
        assert (site / page).read_text() == (JEKYLL_PAGES / page).read_text(), page
