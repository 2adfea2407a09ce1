"""{% seo %} and {% feed_meta %} as python-liquid tags: what jekyll-seo-tag 2.8 and jekyll-feed write."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from liquid import Environment

from generator.jekyll.feed import FeedMetaTag, feed_meta
from generator.jekyll.seo import SeoTag, seo_tags

SITE = {"title": "Notes & sketches", "description": "Small *networks*, looked at closely.",
        "url": "https://notes.example.org", "baseurl": "/blog", "author": "Ada Example",
        "twitter": {"username": "@ada"}, "logo": "/img/logo.png"}
POST = {"url": "/2024/05/21/dropout.html", "title": "Dropout, seen from the weights",
        "date": "2024-05-21 18:00:00 +0000", "image": {"path": "/img/drop out.png", "width": 640},
        "excerpt": "<p>With dropout the weights spread out.</p>\n"}


@pytest.fixture
def env():
    environment = Environment()
    environment.add_tag(SeoTag)
    environment.add_tag(FeedMetaTag)
    return environment


def json_ld(head: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)</script>', head, re.DOTALL)[1])


def meta(head: str) -> dict:
    return dict(re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)" />', head))


def test_a_post_is_a_blog_posting_with_its_image_and_author(env):
    head = env.from_string("{% seo %}").render(page=POST, site=SITE)
    assert "<title>Dropout, seen from the weights | Notes &amp; sketches</title>" in head
    tags = meta(head)
    assert tags["og:type"] == "article" and tags["article:published_time"] == "2024-05-21T18:00:00+00:00"
    assert tags["og:image"] == "https://notes.example.org/blog/img/drop%20out.png"
    assert tags["og:image:width"] == "640" and tags["twitter:card"] == "summary_large_image"
    assert tags["description"] == "With dropout the weights spread out."
    assert tags["twitter:site"] == "@ada" and tags["twitter:creator"] == "@Ada Example"
    assert '<link rel="canonical" href="https://notes.example.org/blog/2024/05/21/dropout.html" />' in head
    data = json_ld(head)
    assert data["@type"] == "BlogPosting" and data["headline"] == POST["title"]
    assert data["author"] == {"@type": "Person", "name": "Ada Example"}
    assert data["image"] == {"width": 640, "url": tags["og:image"], "@type": "imageObject"}
    assert data["publisher"]["logo"]["url"] == "https://notes.example.org/blog/img/logo.png"
    assert data["mainEntityOfPage"]["@id"] == data["url"] and list(data) == sorted(data)


def test_the_home_page_is_a_website_with_the_description_in_its_title(env):
    head = env.from_string("{%- seo -%}").render(page={"url": "/index.html"}, site=SITE,
                                                  paginator={"page": 2, "total_pages": 3, "next_page": 3,
                                                             "next_page_path": "/page3/"})
    assert "<title>Page 2 of 3 for Notes &amp; sketches | Small networks, looked at closely.</title>" in head
    assert json_ld(head)["@type"] == "WebSite" and json_ld(head)["name"] == "Notes &amp; sketches"
    assert '<link rel="next" href="https://notes.example.org/blog/page3/" />' in head
    assert meta(head)["og:type"] == "website" and meta(head)["twitter:card"] == "summary"


def test_title_false_and_feed_meta(env):
    html = env.from_string("<head>{% seo title=false %}{% feed_meta %}</head>").render(
        page={"url": "/about/", "title": "About"}, site=SITE | {"feed": {"path": "atom.xml"}})
    assert "<title>" not in html
    assert html.endswith('<link type="application/atom+xml" rel="alternate" '
                         'href="https://notes.example.org/blog/atom.xml" title="Notes &amp; sketches" /></head>')


GENERATOR = re.compile(r'<meta name="generator" content="[^"]*" />\n')
SEO_LAYOUT = "{% seo %}\nPAGE-DATA{{ page | jsonify }}END-PAGE-DATA\n{% feed_meta %}\n"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("jekyll") is None, reason="Debian's jekyll is not installed")
def test_same_tags_as_jekyll_for_a_small_site(tmp_path):
    """Jekyll renders a small site with jekyll-seo-tag and jekyll-feed, and writes each page's data
    beside the tags; the same data through our tags gives the same lines (but the generator's name)."""
    blog = Path(__file__).resolve().parents[1] / "compat" / "fixture_minima"
    source = tmp_path / "src"
    shutil.copytree(blog, source, ignore=shutil.ignore_patterns(".jekyll-cache"))
    config = yaml.safe_load((source / "_config.yml").read_text())
    config.pop("theme")
    (source / "_config.yml").write_text(yaml.safe_dump(config))
    (source / "_layouts").mkdir()
    for name in ("default", "home", "page", "post"):
        (source / "_layouts" / f"{name}.html").write_text(SEO_LAYOUT)
    subprocess.run(["jekyll", "build", "--quiet", "-s", str(source), "-d", str(tmp_path / "site")],
                   check=True, capture_output=True, cwd=tmp_path)
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) == 5
    for page in pages:
        theirs = page.read_text()
        start, end = theirs.index("PAGE-DATA"), theirs.rindex("END-PAGE-DATA")
        data = json.loads(theirs[start + len("PAGE-DATA"):end])
        theirs_seo = GENERATOR.sub("", theirs[:start])
        assert GENERATOR.sub("", seo_tags(data, config)) + "\n" == theirs_seo, page
        assert feed_meta(config) + "\n" == theirs[end + len("END-PAGE-DATA\n"):]


@pytest.mark.parametrize("machine_zone", ["America/Los_Angeles", "Asia/Kolkata"])
def test_a_date_without_offset_is_read_in_the_site_zone_not_the_machines(env, monkeypatch, machine_zone):
    import time

    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        post = POST | {"date": "2024-05-21 18:00", "last_modified_at": "2024-06-01"}
        head = env.from_string("{% seo %}").render(page=post, site=SITE)
        paris = env.from_string("{% seo %}").render(page=post, site=SITE | {"timezone": "Europe/Paris"})
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert meta(head)["article:published_time"] == "2024-05-21T18:00:00+00:00"
    assert json_ld(head)["dateModified"] == "2024-06-01T00:00:00+00:00"
    assert meta(paris)["article:published_time"] == "2024-05-21T18:00:00+02:00"


def test_titles_and_descriptions_go_through_the_sites_markdown_converter(env):
    """jekyll-seo-tag markdownifies with the site's kramdown settings: the tag takes the environment's
    converter (the one `markdownify` uses), not one with default options."""
    seen = []
    env.values = {"markdownify": lambda text: seen.append(text) or f"<p>{text} (site converter)</p>"}
    head = env.from_string("{% seo %}").render(page=POST, site=SITE)
    assert "<title>Dropout, seen from the weights (site converter) | Notes &amp; sketches (site converter)</title>" in head
    assert "Small *networks*, looked at closely." in seen
