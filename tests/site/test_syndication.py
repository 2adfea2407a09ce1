"""feed.xml and sitemap.xml written without Jinja (generator/syndication.py) are, byte for byte, what the
built-in theme's Jinja templates wrote (kept below as they were): escaping, whitespace, optional parts."""

from __future__ import annotations

import jinja2
import pytest

from generator.config import load_config
from generator.content.documents import ReadOptions, read_site
from generator.site import FEED_POSTS, SiteRenderer, jinja_filters

FEED_TEMPLATE = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"{% if site.lang %} xml:lang="{{ site.lang }}"{% endif %}>
  <title>{{ site.title }}</title>
  {% if site.description %}<subtitle>{{ site.description }}</subtitle>{% endif %}
  <link href="{{ '/feed.xml' | absolute_url }}" rel="self" type="application/atom+xml"/>
  <link href="{{ '/' | absolute_url }}" rel="alternate" type="text/html"/>
  <id>{{ '/' | absolute_url }}</id>
  <updated>{{ (posts[0].date | date_to_xmlschema) if posts else "1970-01-01T00:00:00+00:00" }}</updated>
  <generator>layerpress</generator>
  {% set author = site.author.get("name", "") if site.author is mapping else site.author %}
  {% if author %}<author><name>{{ author }}</name></author>{% endif %}
  {% for post in posts %}
  <entry>
    <title type="text">{{ post.title }}</title>
    <link href="{{ post.url | absolute_url }}" rel="alternate" type="text/html" title="{{ post.title }}"/>
    <id>{{ post.url | absolute_url }}</id>
    <published>{{ post.date | date_to_xmlschema }}</published>
    <updated>{{ post.date | date_to_xmlschema }}</updated>
    {% for category in post.categories %}<category term="{{ category }}"/>{% endfor %}
    <summary type="html">{{ (post.excerpt or "") | xml_escape }}</summary>
    <content type="html" xml:base="{{ post.url | absolute_url }}">{{ post.content | xml_escape }}</content>
  </entry>
  {% endfor %}
</feed>
"""
SITEMAP_TEMPLATE = """\
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{% for entry in entries %}
  <url>
    <loc>{{ entry.loc | absolute_url }}</loc>
    {% if entry.lastmod %}<lastmod>{{ entry.lastmod | date_to_xmlschema }}</lastmod>{% endif %}
  </url>
{% endfor %}
</urlset>
"""

POST = """---
title: {title}
categories: [{categories}]
---
Text with <b>markup</b> & an "ampersand".
"""
CONFIGS = {
    "everything": "title: Tom & Jerry's \"blog\"\ndescription: Cats <and> mice\nlang: fr\n"
                  "author: {name: A & B, email: a@b.c}\nurl: https://ex.org\nbaseurl: /b&b\n",
    "nothing optional": "url: https://ex.org\n",
    "author as text": "title: T\nauthor: O'Brien\n",
}


def renderer_for(tmp_path, config: str) -> SiteRenderer:
    source = tmp_path / "blog"
    (source / "_posts").mkdir(parents=True)
    (source / "_config.yml").write_text(config)
    for day, (title, categories) in enumerate([("First & <last>", "a<b, c'd"), ("Plain", ""), ("'Quoted'", "x")], 1):
        (source / "_posts" / f"2020-01-0{day}-post-{day}.md").write_text(POST.format(title=title, categories=categories))
    (source / "about.md").write_text("---\ntitle: About\nlast_modified_at: 2021-02-03\n---\nAbout.\n")
    config_ = load_config(source)
    renderer = SiteRenderer(config_, read_site(config_, ReadOptions()))
    renderer.check_layouts()
    return renderer


def jinja(template: str, renderer: SiteRenderer, **context) -> str:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=True,
                                     trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(jinja_filters(renderer.liquid.filters))
    return environment.from_string(template).render(context | {"site": renderer.theme.site(renderer.site)})


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_feed_and_sitemap_are_the_bytes_the_jinja_templates_wrote(tmp_path, config):
    renderer = renderer_for(tmp_path, config)
    pages = renderer.render_all()
    feed = renderer.feed()
    assert feed == jinja(FEED_TEMPLATE, renderer, posts=renderer.site["posts"][:FEED_POSTS])
    assert feed.count("<entry>") == 3
    entries = renderer.sitemap_entries(pages)
    assert any(entry["lastmod"] for entry in entries) and not all(entry["lastmod"] for entry in entries)
    assert renderer.sitemap(pages) == jinja(SITEMAP_TEMPLATE, renderer, entries=entries)


def test_a_feed_entry_leaves_out_the_hidden_dark_copy_of_a_figure(tmp_path):
    """figure.html's second link (to the dark rendering, shown by the theme's CSS under a dark colour scheme) is
    `hidden`; a feed reader has no such CSS and may drop the attribute, so the entry has the light link only."""
    renderer_for(tmp_path, "title: T\n")   # the blog, whose third post becomes one with a figure
    figure = ('<figure class="layerpress-figure" id="figure-f"><a class="figure-full-size figure-full-size-light" '
              'href="/f.png"><picture><img src="/f.png" alt="A map"></picture></a><a class="figure-full-size '
              'figure-full-size-dark" href="/f-dark.png" hidden><picture><img src="/f.png" alt="A map"></picture>'
              '</a><figcaption>A <a href="/x">link</a>.</figcaption></figure>')
    post = tmp_path / "blog" / "_posts" / "2020-01-03-post-3.md"
    post.write_text("---\ntitle: Figure\n---\nBefore.\n\n" + figure + "\n\nAfter.\n")
    renderer = SiteRenderer(load_config(tmp_path / "blog"), read_site(load_config(tmp_path / "blog"), ReadOptions()))
    renderer.check_layouts()
    pages = renderer.render_all()
    assert any("f-dark.png" in page.text for page in pages)
    feed = renderer.feed()
    assert "f-dark.png" not in feed and feed.count("A map") == 1
    assert "figure-full-size-light&quot; href=&quot;/f.png&quot;" in feed and "&lt;figcaption&gt;A &lt;a" in feed
