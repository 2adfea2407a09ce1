"""The site's Atom feed (feed.xml) and sitemap (sitemap.xml), written without a template engine.

Every build writes both (unless the blog has its own), also for a blog whose layouts are all its own:
building them from strings keeps such a build from importing Jinja, the built-in theme's engine (a
sixth of a small blog's warm build). The bytes are those the theme's Jinja templates wrote (autoescaped
values, `trim_blocks` and `lstrip_blocks` whitespace), which tests/site/test_syndication.py checks.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# figure.html's second link around a figure, to its dark rendering: `hidden` until the theme's CSS shows it under a
# dark colour scheme. A feed reader has no such CSS and may drop the attribute: a feed entry leaves the copy out.
DARK_COPY = re.compile(r'<a\b[^>]*\bclass="[^"]*\bfigure-full-size-dark\b[^"]*"[^>]*>.*?</a>', re.DOTALL)


def _text(value) -> str:
    """A value as Jinja's autoescape prints it: escaped unless it is HTML already (`__html__`)."""
    return str(escape(value))


def _escaped_xml(xml_escape, value) -> str:
    """Jekyll's xml_escape as the theme printed it (Markup of its result: nil prints as None)."""
    return str(Markup(xml_escape(value)))


def atom_feed(site: dict, posts: list, filters: dict) -> str:
    """feed.xml: the site's title, links and author, and one entry per post (newest first, as given)."""
    url, xmlschema, xml_escape = filters["absolute_url"], filters["date_to_xmlschema"], filters["xml_escape"]
    lang = f' xml:lang="{_text(site["lang"])}"' if site.get("lang") else ""
    subtitle = f"<subtitle>{_text(site['description'])}</subtitle>" if site.get("description") else ""
    author = site.get("author")
    author = author.get("name", "") if isinstance(author, dict) else author
    updated = _text(xmlschema(posts[0]["date"])) if posts else "1970-01-01T00:00:00+00:00"
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           f'<feed xmlns="http://www.w3.org/2005/Atom"{lang}>\n',
           f"  <title>{_text(site.get('title'))}</title>\n",
           f'{subtitle}  <link href="{_text(url("/feed.xml"))}" rel="self" type="application/atom+xml"/>\n',
           f'  <link href="{_text(url("/"))}" rel="alternate" type="text/html"/>\n',
           f"  <id>{_text(url('/'))}</id>\n",
           f"  <updated>{updated}</updated>\n",
           "  <generator>layerpress</generator>\n",
           f"<author><name>{_text(author)}</name></author>" if author else ""]
    for post in posts:
        link, date, title = _text(url(post["url"])), _text(xmlschema(post["date"])), _text(post["title"])
        categories = "".join(f'<category term="{_text(category)}"/>' for category in post["categories"])
        out += ["  <entry>\n",
                f'    <title type="text">{title}</title>\n',
                f'    <link href="{link}" rel="alternate" type="text/html" title="{title}"/>\n',
                f"    <id>{link}</id>\n",
                f"    <published>{date}</published>\n",
                f"    <updated>{date}</updated>\n",
                f'{categories}    <summary type="html">{_escaped_xml(xml_escape, post.get("excerpt") or "")}</summary>\n',
                f'    <content type="html" xml:base="{link}">{_escaped_xml(xml_escape, _feed_html(post["content"]))}</content>\n',
                "  </entry>\n"]
    return "".join(out) + "</feed>\n"


def _feed_html(html):
    """A post's HTML for its feed entry: figures without their dark copies (see DARK_COPY)."""
    return DARK_COPY.sub("", html) if isinstance(html, str) and "figure-full-size-dark" in html else html


def sitemap(entries: list[dict], filters: dict) -> str:
    """sitemap.xml: one <url> per entry ({loc, lastmod}), in the order given."""
    url, xmlschema = filters["absolute_url"], filters["date_to_xmlschema"]
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for entry in entries:
        lastmod = f"<lastmod>{_text(xmlschema(entry['lastmod']))}</lastmod>" if entry.get("lastmod") else ""
        out += ["  <url>\n", f"    <loc>{_text(url(entry['loc']))}</loc>\n", f"{lastmod}  </url>\n"]
    return "".join(out) + "</urlset>\n"
