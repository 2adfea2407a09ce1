"""The few Jekyll filters the {% seo %} and {% feed_meta %} tags apply, in Python (as Jekyll 4.3
and Liquid 5 define them), so the tags do not depend on how the Liquid environment is set up."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

ESCAPE_ONCE = re.compile(r"[\"><']|&(?!([a-zA-Z]+|(#\d+));)")
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


def relative_url(site, path) -> str:
    path = "" if path is None else str(path)
    if is_absolute(path):
        return path
    baseurl = str(lookup(site, "baseurl") or "").rstrip("/")
    if baseurl and not baseurl.startswith("/"):
        baseurl = "/" + baseurl
    return baseurl + ("/" + path.lstrip("/") if path or not baseurl else "")


def absolute_url(site, path) -> str:
    path = "" if path is None else str(path)
    if is_absolute(path):
        return path
    return str(lookup(site, "url") or "").rstrip("/") + relative_url(site, path)


def uri_escape(text: str) -> str:
    return quote(str(text), safe=URI_SAFE)


def escape_once(text: str) -> str:
    return ESCAPE_ONCE.sub(lambda match: ESCAPES[match[0][0]], text)


def strip_html(text: str) -> str:
    text = re.sub(r"<script.*?</script>|<!--.*?-->|<style.*?</style>", "", text, flags=re.DOTALL | re.IGNORECASE)
    return re.sub(r"<.*?>", "", text, flags=re.DOTALL)


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


def plain_text(markdown_text) -> str | None:
    """jekyll-seo-tag's format_string: markdownify, strip_html, normalize_whitespace, escape_once;
    None for an empty result. Typographic characters stay characters (kramdown's as_char)."""
    if markdown_text is None:
        return None
    from generator.content.markdown import shared_renderer, MarkdownOptions
    converted = shared_renderer(MarkdownOptions()).convert(str(markdown_text))
    text = " ".join(html.unescape(strip_html(converted)).split())
    return escape_once(text) or None
