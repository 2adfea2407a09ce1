"""{% feed_meta %}: jekyll-feed's <link> to the site's Atom feed."""

from __future__ import annotations

import sys
from typing import TextIO

from liquid.ast import Node
from liquid.tag import Tag
from liquid.token import TOKEN_TAG

from generator.jekyll.urls import absolute_url, lookup


def feed_path(site) -> str:
    """`feed: {path: ...}` in _config.yml, or feed.xml."""
    feed = lookup(site, "feed")
    return str(lookup(feed, "path") or "feed.xml") if hasattr(feed, "keys") else "feed.xml"


def feed_meta(site) -> str:
    """What `{% feed_meta %}` writes: the link, with the site's title when it has one."""
    attributes = {"type": "application/atom+xml", "rel": "alternate", "href": absolute_url(site, feed_path(site))}
    title = lookup(site, "title") or lookup(site, "name")
    if title:
        attributes["title"] = title
    return "<link " + " ".join(f"{key}={xml_attribute(value)}" for key, value in attributes.items()) + " />"


def xml_attribute(value) -> str:
    """Ruby's `encode(xml: :attr)`: in double quotes, with & < > " escaped (as xml.sax.saxutils would,
    whose import pulls in urllib.request, http.client and ssl)."""
    text = str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace('"', "&quot;")
    return f'"{text}"'


class FeedMetaNode(Node):
    def __init__(self, token) -> None:
        super().__init__(token)
        self.blank = False

    def __str__(self) -> str:
        return "{% feed_meta %}"

    def render_to_output(self, context, buffer: TextIO) -> int:
        return buffer.write(feed_meta(context.resolve("site", default=None)))


class FeedMetaTag(Tag):
    name = sys.intern("feed_meta")
    block = False

    def parse(self, stream) -> FeedMetaNode:
        stream.expect(TOKEN_TAG, value=self.name)
        return FeedMetaNode(stream.current)
