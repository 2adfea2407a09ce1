"""The few Jekyll filters the {% seo %} and {% feed_meta %} tags apply, in Python (as Jekyll 4.3
and Liquid 5 define them), so the tags do not depend on how the Liquid environment is set up."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

ESCAPE_ONCE = re.compile(r"[\"><']|&(?!([a-zA-Z]+|(#\d+));)")
HTML_BLOCK = re.compile(r"<script.*?</script>|<!--.*?-->|<style.*?</style>", re.DOTALL)
HTML_TAG = re.compile(r"<.*?>", re.DOTALL)
ESCAPES = {"&": "&amp;", ">": "&gt;", "<": "&lt;", '"': "&quot;", "'": "&#39;"}
# Addressable's normalize_component keeps these as they are.
URI_SAFE = "!#$&'()*+,/:;=?@[]~%"


def lookup(mapping, key: str):
    """`mapping[key]` for a dict or a Liquid drop; None when missing or undefined."""
    if mapping is None:
        return None
    try:
        found = mapping[key] if isinstance(mapping, Mapping) or hasattr(mapping, "__getitem__") else None
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None if is_undefined(found) else found


def is_undefined(value) -> bool:
    from liquid import Undefined
    return isinstance(value, Undefined)


def is_absolute(url: str) -> bool:
    return bool(urlsplit(str(url)).scheme)


def leading_slash(text: str) -> str:
    return text if not text or text.startswith("/") else "/" + text


def normalize_url(url: str) -> str:
    """Addressable's normalize, as far as paths go: unsafe characters percent-encoded."""
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~")


def relative_url(site, path) -> str:
    """Jekyll's relative_url filter: `path` under the site's baseurl, percent-encoded; an absolute
    URL as it is. The Liquid filter and the {% seo %} tag both call this one."""
    path = str(path)
    if is_absolute(path):
        return path
    return normalize_url(leading_slash(str(lookup(site, "baseurl") or "").rstrip("/")) + leading_slash(path))


def absolute_url(site, path) -> str:
    """Jekyll's absolute_url filter: relative_url prefixed with the site's url (when it has one)."""
    relative = relative_url(site, path)
    if is_absolute(relative):
        return relative
    root = str(lookup(site, "url") or "").rstrip("/")
    return normalize_url(root + relative) if root else relative


def uri_escape(text: str) -> str:
    return quote(str(text), safe=URI_SAFE)


def escape_once(text: str) -> str:
    return ESCAPE_ONCE.sub(lambda match: ESCAPES[match[0][0]], text)


def strip_html(text: str) -> str:
    """Ruby Liquid's strip_html (standardfilters.rb): script, comment and style blocks (case-sensitive), then all
    from a `<` to the next `>`; entities are kept."""
    return HTML_TAG.sub("", HTML_BLOCK.sub("", text))


def xmlschema(value, zone: dt.tzinfo = dt.timezone.utc) -> str | None:
    """Jekyll's date_to_xmlschema: 2024-05-21T18:00:00+00:00. A date without an offset is read in
    `zone` (the site's `timezone`), never the machine's: two machines must print the same page."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace(" +", "+").replace(" ", "T", 1))
        except ValueError:
            return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.isoformat(timespec="seconds")


def plain_text(markdown_text, markdownify=None) -> str | None:
    """jekyll-seo-tag's format_string: markdownify, strip_html, normalize_whitespace, escape_once;
    None for an empty result. Typographic characters stay characters (kramdown's as_char).
    `markdownify` is the site's converter (its Markdown options); default options without one."""
    if markdown_text is None:
        return None
    if markdownify is None:
        from generator.content.markdown import shared_renderer, MarkdownOptions
        markdownify = shared_renderer(MarkdownOptions()).convert
    converted = markdownify(str(markdown_text))
    text = " ".join(html.unescape(strip_html(converted)).split())
    return escape_once(text) or None
