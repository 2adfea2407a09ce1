"""{% seo %}: the <title>, meta tags and JSON-LD of jekyll-seo-tag 2.8, computed in Python.

Line for line what jekyll-seo-tag's (minified) template writes, from the same values
(`page`, `site`, `paginator`), except the generator meta, which names layerpress.
`{% seo title=false %}` leaves the <title> out, as the plugin does.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

from liquid.ast import Node
from liquid.tag import Tag

from generator.content.dates import site_timezone
from generator.jekyll.urls import absolute_url, lookup, plain_text, uri_escape, xmlschema
from generator.liquid.tag_text import tag_text

SEO_VERSION = "2.8.0"
TITLE_SEPARATOR = " | "
HOMEPAGE_OR_ABOUT = re.compile(r"^/(about/)?(index\.html?)?$")
VERIFICATIONS = [("google", "google-site-verification"), ("bing", "msvalidate.01"), ("alexa", "alexaVerifyID"),
                 ("yandex", "yandex-verification"), ("baidu", "baidu-site-verification"),
                 ("facebook", "facebook-domain-verification")]


def generator_version() -> str:
    from generator.package_versions import installed_version
    return installed_version("layerpress") or "0"


def sub_hash(mapping, key: str) -> dict:
    value = lookup(mapping, key)
    return value if isinstance(value, dict) or hasattr(value, "keys") else {}


class SeoValues:
    """jekyll-seo-tag's Drop: every value the template prints, for one page."""

    def __init__(self, page, site, paginator=None, show_title: bool = True, markdownify=None) -> None:
        self.page, self.site, self.paginator, self.show_title = page, site, paginator, show_title
        self.zone = site_zone(site)
        self.markdownify = markdownify
        self.site_title = self.plain_text(lookup(site, "title") or lookup(site, "name"))
        self.site_description = self.plain_text(lookup(site, "description"))
        self.site_tagline = self.plain_text(lookup(site, "tagline"))
        self.page_title = self.plain_text(lookup(page, "title")) or self.site_title
        self.page_seo = sub_hash(page, "seo")
        self.author = self.resolve_author()
        self.image = self.resolve_image()

    def plain_text(self, markdown_text) -> str | None:
        return plain_text(markdown_text, self.markdownify)

    @property
    def homepage_or_about(self) -> bool:
        return bool(HOMEPAGE_OR_ABOUT.match(str(lookup(self.page, "url") or "")))

    def title(self) -> str | None:
        site_title, page_title = self.site_title, self.page_title
        title: str | None
        if site_title and page_title != site_title:
            title = f"{page_title}{TITLE_SEPARATOR}{site_title}"
        elif self.site_description and site_title:
            title = site_title + TITLE_SEPARATOR + (self.site_tagline or self.site_description)
        else:
            title = page_title or site_title
        return self.page_number() + title if title else title

    def page_number(self) -> str:
        current = lookup(self.paginator, "page")
        if not current or int(current) <= 1:
            return ""
        message = str(lookup(self.site, "seo_paginator_message") or "Page %<current>s of %<total>s for ")
        return message.replace("%<current>s", str(current)).replace(
            "%<total>s", str(lookup(self.paginator, "total_pages")))

    def name(self) -> str | None:
        if lookup(self.page_seo, "name"):
            return self.plain_text(lookup(self.page_seo, "name"))
        if not self.homepage_or_about:
            return None
        social = sub_hash(self.site, "social")
        return self.plain_text(lookup(social, "name")) if lookup(social, "name") else self.site_title

    def description(self) -> str | None:
        given = lookup(self.page, "description") or lookup(self.page, "excerpt")
        return self.plain_text(str(given)) if given else self.site_description

    def resolve_author(self) -> dict:
        authors = lookup(self.page, "authors")
        sources = [lookup(self.page, "author"), authors[0] if isinstance(authors, list) and authors else None,
                   lookup(self.site, "author")]
        found = next((s for s in sources if s is not None and str(s) != ""), None)
        if isinstance(found, str):
            data_authors = sub_hash(sub_hash(self.site, "data"), "authors")
            extra = lookup(data_authors, found)
            return {"name": found} | (dict(extra) if isinstance(extra, dict) else {})
        return dict(found) if found is not None and hasattr(found, "keys") else {}

    def author_twitter(self) -> str | None:
        twitter = self.author.get("twitter") or self.author.get("name")
        return twitter.removeprefix("@") if isinstance(twitter, str) else None

    def resolve_image(self) -> dict | None:
        given = lookup(self.page, "image")
        image: dict[str, Any] = ({"path": None} | dict(given) if hasattr(given, "keys")
                                 else {"path": given if isinstance(given, str) else None})
        raw = image.get("path") or image.get("facebook") or image.get("twitter")
        if not raw:
            return None
        image["path"] = uri_escape(absolute_url(self.site, raw))
        return image

    def canonical_url(self) -> str:
        given = lookup(self.page, "canonical_url")
        if given:
            return str(given)
        return re.sub(r"/index\.html$", "/", absolute_url(self.site, lookup(self.page, "url") or ""))

    def type(self) -> str:
        if lookup(self.page_seo, "type"):
            return str(lookup(self.page_seo, "type"))
        if self.homepage_or_about:
            return "WebSite"
        return "BlogPosting" if lookup(self.page, "date") else "WebPage"

    def logo(self) -> str | None:
        logo = lookup(self.site, "logo")
        if not logo:
            return None
        return uri_escape(absolute_url(self.site, logo))

    def locale(self) -> str:
        lang = lookup(self.page, "lang") or lookup(self.site, "lang") or "en_US"
        return str(lookup(self.page, "locale") or lookup(self.site, "locale") or lang).replace("-", "_")

    def json_ld(self) -> dict:
        page_type = self.type()
        date = lookup(self.page, "date")
        modified = (lookup(self.page_seo, "date_modified") or lookup(self.page, "last_modified_at") or date)
        links = lookup(self.page_seo, "links") or (
            lookup(sub_hash(self.site, "social"), "links") if self.homepage_or_about else None)
        values = {
            "@context": "https://schema.org", "@type": page_type, "author": self.json_author(),
            "dateModified": xmlschema(modified, self.zone) if modified else None,
            "datePublished": xmlschema(date, self.zone) if date else None,
            "description": self.description(), "headline": self.page_title, "image": self.json_image(),
            "mainEntityOfPage": ({"@type": "WebPage", "@id": self.canonical_url()}
                                 if page_type in ("BlogPosting", "CreativeWork") else None),
            "name": self.name(), "publisher": self.json_publisher(), "sameAs": links, "url": self.canonical_url(),
        }
        return {key: values[key] for key in sorted(values) if values[key] is not None}

    def json_author(self) -> dict | None:
        name, kind = self.author.get("name"), self.author.get("type")
        if not name or (kind and kind not in ("Organization", "Person")):
            return None
        author = {"@type": kind or "Person", "name": name}
        if self.author.get("url"):
            author["url"] = self.author["url"]
        return author

    def json_image(self):
        if self.image is None:
            return None
        if set(self.image) == {"path"}:
            return self.image["path"]
        image = {key: value for key, value in self.image.items() if key != "path"}
        return image | {"url": self.image["path"], "@type": "imageObject"}

    def json_publisher(self) -> dict | None:
        logo = self.logo()
        if not logo:
            return None
        publisher = {"@type": "Organization", "logo": {"@type": "ImageObject", "url": logo}}
        if self.author.get("name"):
            publisher["name"] = self.author["name"]
        return publisher


def seo_tags(page, site, paginator=None, *, show_title: bool = True, markdownify=None) -> str:
    """What `{% seo %}` writes for this page (titles and descriptions through `markdownify`, the site's converter)."""
    seo = SeoValues(page, site, paginator, show_title, markdownify)
    lines = [f"<!-- Begin Jekyll SEO tag v{SEO_VERSION} -->"]
    title = seo.title()
    if title and show_title:
        lines.append(f"<title>{title}</title>")
    lines.append(f'<meta name="generator" content="layerpress v{generator_version()}" />')
    if seo.page_title:
        lines.append(f'<meta property="og:title" content="{seo.page_title}" />')
    if seo.author.get("name"):
        lines.append(f'<meta name="author" content="{seo.author["name"]}" />')
    lines.append(f'<meta property="og:locale" content="{seo.locale()}" />')
    description = seo.description()
    if description:
        lines += [f'<meta name="description" content="{description}" />',
                  f'<meta property="og:description" content="{description}" />']
    if lookup(site, "url"):
        lines += [f'<link rel="canonical" href="{seo.canonical_url()}" />',
                  f'<meta property="og:url" content="{seo.canonical_url()}" />']
    if seo.site_title:
        lines.append(f'<meta property="og:site_name" content="{seo.site_title}" />')
    lines += image_tags(seo.image)
    lines += date_tags(lookup(page, "date"), seo.zone)
    lines += pagination_links(site, paginator)
    lines += twitter_tags(seo, page, site)
    lines += verification_tags(site)
    lines.append('<script type="application/ld+json">')
    lines.append(json.dumps(seo.json_ld(), ensure_ascii=False, separators=(",", ":"), default=str) + "</script>")
    lines.append("<!-- End Jekyll SEO tag -->")
    return "\n".join(lines) + "\n"


def image_tags(image: dict | None) -> list[str]:
    if image is None:
        return []
    lines = [f'<meta property="og:image" content="{image["path"]}" />']
    for key in ("height", "width", "alt"):
        if image.get(key):
            lines.append(f'<meta property="og:image:{key}" content="{image[key]}" />')
    return lines


def date_tags(date, zone) -> list[str]:
    if not date:
        return ['<meta property="og:type" content="website" />']
    return ['<meta property="og:type" content="article" />',
            f'<meta property="article:published_time" content="{xmlschema(date, zone)}" />']


def site_zone(site):
    """The zone of dates written without an offset: the site's `timezone` (layerpress's default, UTC)."""
    return site_timezone(str(lookup(site, "timezone") or "UTC"))


def pagination_links(site, paginator) -> list[str]:
    lines = []
    for rel, key in (("prev", "previous_page"), ("next", "next_page")):
        if lookup(paginator, key):
            lines.append(f'<link rel="{rel}" href="{absolute_url(site, lookup(paginator, key + "_path") or "")}" />')
    return lines


def twitter_tags(seo: SeoValues, page, site) -> list[str]:
    if seo.image:
        card = (lookup(sub_hash(page, "twitter"), "card") or lookup(sub_hash(site, "twitter"), "card")
                or "summary_large_image")
        lines = [f'<meta name="twitter:card" content="{card}" />',
                 f'<meta property="twitter:image" content="{seo.image["path"]}" />']
    else:
        lines = ['<meta name="twitter:card" content="summary" />']
    if seo.image and seo.image.get("alt"):
        lines.append(f'<meta name="twitter:image:alt" content="{seo.image["alt"]}" />')
    if seo.page_title:
        lines.append(f'<meta property="twitter:title" content="{seo.page_title}" />')
    if lookup(site, "twitter"):
        username = str(lookup(sub_hash(site, "twitter"), "username") or "").replace("@", "")
        lines.append(f'<meta name="twitter:site" content="@{username}" />')
        if seo.author_twitter():
            lines.append(f'<meta name="twitter:creator" content="@{seo.author_twitter()}" />')
    facebook = sub_hash(site, "facebook")
    for key, meta in (("admins", 'property="fb:admins"'), ("publisher", 'property="article:publisher"'),
                      ("app_id", 'property="fb:app_id"')):
        if lookup(facebook, key):
            lines.append(f'<meta {meta} content="{lookup(facebook, key)}" />')
    return lines


def verification_tags(site) -> list[str]:
    verifications = lookup(site, "webmaster_verifications")
    if verifications:
        return [f'<meta name="{meta}" content="{lookup(verifications, key)}" />'
                for key, meta in VERIFICATIONS if lookup(verifications, key)]
    if lookup(site, "google_site_verification"):
        return [f'<meta name="google-site-verification" content="{lookup(site, "google_site_verification")}" />']
    return []


class SeoNode(Node):
    __slots__ = ("show_title",)

    def __init__(self, token, show_title: bool) -> None:
        super().__init__(token)
        self.show_title = show_title
        self.blank = False

    def __str__(self) -> str:
        return "{% seo %}" if self.show_title else "{% seo title=false %}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        def get(name):
            return context.resolve(name, default=None)
        site = get("site")
        values = getattr(context.env, "values", {})
        defaults = values.get("site_defaults", ())
        if defaults and hasattr(site, "items"):   # layerpress's own defaults are not the user's settings
            site = {key: value for key, value in site.items() if key not in defaults}
        return buffer.write(seo_tags(get("page"), site, get("paginator"), show_title=self.show_title,
                                     markdownify=values.get("markdownify")))


class SeoTag(Tag):
    """`{% seo %}` and `{% seo title=false %}`."""

    name = sys.intern("seo")
    block = False

    def parse(self, stream) -> SeoNode:
        token, arguments = tag_text(stream, self.name)
        return SeoNode(token, show_title=re.search(r"title=false", arguments, re.IGNORECASE) is None)
