"""Jekyll 4's permalink algorithm, checked against the values Jekyll's docs and sources give."""

from datetime import datetime

import pytest

from generator.content import permalinks as p
from generator.errors import ContentError

SLAP_CHOP = datetime(2009, 4, 29)    # the date Jekyll's permalink docs use (a Wednesday)


def post_url(template, *, slug="slap-chop", categories=(), date=SLAP_CHOP):
    values = p.post_placeholders(date, slug, list(categories), ".html", f"2009-04-29-{slug}")
    return p.expand(p.style_template(template), values)


@pytest.mark.parametrize("style, url", [
    ("date", "/2009/04/29/slap-chop.html"),
    ("pretty", "/2009/04/29/slap-chop/"),
    ("ordinal", "/2009/119/slap-chop.html"),
    ("weekdate", "/2009/W18/Wed/slap-chop.html"),
    ("none", "/slap-chop.html"),
])
def test_builtin_styles_match_jekyll_docs(style, url):
    assert post_url(style) == url


def test_categories_are_downcased_joined_and_deduplicated():
    assert post_url("pretty", categories=["Food", "Kitchen", "food"]) == "/food/kitchen/2009/04/29/slap-chop/"


def test_issue_example_keeps_case_and_underscores_in_title():
    url = post_url("pretty", slug="easy-peasy_deep_learning", categories=["deep_learning"], date=datetime(2017, 1, 29))
    assert url == "/deep_learning/2017/01/29/easy-peasy_deep_learning/"
    assert p.output_path(url, ".html") == "deep_learning/2017/01/29/easy-peasy_deep_learning/index.html"


@pytest.mark.parametrize("template, url", [
    ("/:year/:i_month/:i_day/:title:output_ext", "/2009/4/5/slap-chop.html"),
    ("/:short_year/:month/:day/:slug/", "/09/04/05/slap-chop/"),
    ("/:year/:y_day/:title/", "/2009/095/slap-chop/"),
    ("/:year/:month_:day/:title", "/2009/04_05/slap-chop"),
    ("/blog/:short_month/:long_month/:short_day/:long_day/:title/", "/blog/Apr/April/Sun/Sunday/slap-chop/"),
])
def test_custom_templates(template, url):
    assert post_url(template, date=datetime(2009, 4, 5)) == url


def test_title_keeps_case_but_slug_is_downcased():
    assert post_url("/:title/:slug/", slug="Hello_World.v2") == "/Hello_World.v2/hello-world-v2/"


def test_category_with_space_is_escaped_in_url_and_unescaped_in_path():
    url = post_url("pretty", categories=["Deep Learning"])
    assert url == "/deep%20learning/2009/04/29/slap-chop/"
    assert p.output_path(url, ".html") == "deep learning/2009/04/29/slap-chop/index.html"


@pytest.mark.parametrize("text, mode, cased, slug", [
    ("The _config.yml file", "default", False, "the-config-yml-file"),      # Jekyll docs, slugify filter
    ("The _config.yml file", "pretty", False, "the-_config.yml-file"),
    ("The _config.yml file", "pretty", True, "The-_config.yml-file"),
    ("  Café crème!! ", "default", False, "café-crème"),
    ("Jekyll's (pretty) slug@home", "pretty", True, "Jekyll's-(pretty)-slug@home"),
])
def test_slugify(text, mode, cased, slug):
    assert p.slugify(text, mode, cased) == slug


def test_titleize_slug_capitalizes_each_hyphen_word_like_ruby():
    assert p.titleize_slug("easy-peasy_deep_learning") == "Easy Peasy_deep_learning"
    assert p.titleize_slug("hello-WORLD") == "Hello World"


@pytest.mark.parametrize("style, url", [
    ("pretty", "/about/"),
    ("date", "/about.html"),
    ("ordinal", "/about.html"),
    ("none", "/about.html"),
    ("/:categories/:title/", "/about/"),
    ("/blog/:year/:title:output_ext", "/about.html"),
])
def test_page_templates(style, url):
    template = p.page_template(style, "", "about", is_html=True)
    assert p.expand(template, {"path": "", "basename": "about", "output_ext": ".html"}) == url


def test_index_page_and_non_html_page():
    assert p.expand(p.page_template("date", "docs", "index", True), {"path": "docs", "basename": "index",
                                                                     "output_ext": ".html"}) == "/docs/"
    assert p.expand(p.page_template("pretty", "", "feed", False), {"path": "", "basename": "feed",
                                                                   "output_ext": ".xml"}) == "/feed.xml"


def test_sanitize_removes_dot_segments_as_jekyll_does():
    assert p.expand("/a/../b/./c/", {}) == "/a/b/c/"


def test_unknown_placeholder_is_an_error_with_a_hint():
    with pytest.raises(ContentError) as caught:
        post_url("/:yaer/:title/")
    assert str(caught.value).endswith("unknown permalink placeholder ':yaer' (did you mean 'year'?)")
