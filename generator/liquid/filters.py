"""Jekyll's filters for python-liquid (jekyll/filters.rb, url_filters.rb, date_filters.rb), and
layerpress's `percent` and `thousands` for model values.

Filters take Liquid's values: an undefined variable arrives as a `liquid.Undefined` (treated as nil).
"""

from __future__ import annotations

import functools
import json
import random
import re
import unicodedata
from datetime import date, datetime, timezone, tzinfo
from urllib.parse import quote_plus

from liquid import soft_str
from liquid.builtin.filters.string import replace as liquid_replace
from liquid.exceptions import FilterArgumentError, FilterError, OutputStreamLimitError, ResourceLimitError
from liquid.filter import string_filter, with_context
from liquid.undefined import Undefined

from generator.content.dates import DATE_TEXT, datetime_from_match, ruby_time_parse, site_timezone
from generator.content.permalinks import slugify as jekyll_slugify
from generator.content.sitedata import HTML
from generator.errors import ConfigError
from generator.figures.context import percent as format_percent
from generator.jekyll import urls
from generator.liquid.buffer import TextBuffer

SAMPLE_SEED = 0   # `sample` is Jekyll's random pick, made the same on every build
RUBY_SPACE = " \t\n\v\f\r"   # what Ruby's `split` splits words on: not a no-break space


def register(env) -> None:
    site = env.values.get("site", {})
    picker = random.Random(SAMPLE_SEED)
    liquid_date = env.filters.get("date")
    zone = build_zone(site)

    def date_filter(value, *args, **kwargs):
        """Liquid's `date`; nil or empty text is given back as it is (Ruby's Liquid), not an error."""
        value = nil(value)
        if value is None or value == "" or liquid_date is None:
            return value
        return liquid_date(value, *args, **kwargs)

    def relative_url(value):
        return None if nil(value) is None else urls.relative_url(site, value)

    def absolute_url(value):
        return None if nil(value) is None else urls.absolute_url(site, value)

    def markdownify(value):
        text = str(nil(value) or "")
        if len(text.encode("utf-8", "surrogatepass")) > env.limits.markdown_bytes:
            raise MarkdownTooLarge("markdownify's text is too large", token=None)
        return HTML(env.values["markdownify"](text) + "\n")   # kramdown ends with one

    def sample(value, count=None):
        items = list(sequence(value))
        if count is None:
            return picker.choice(items) if items else None
        return picker.sample(items, min(int(count), len(items)))

    filters: dict = {
        "relative_url": relative_url, "absolute_url": absolute_url, "strip_index": strip_index,
        "date_to_xmlschema": lambda value: date_to_xmlschema(value, zone),
        "date_to_rfc822": lambda value: date_to_rfc822(value, zone),
        "date_to_string": lambda value, kind=None, style=None: date_to_string(value, kind, style, zone),
        "date_to_long_string": lambda value, kind=None, style=None: date_to_long_string(value, kind, style, zone),
        "xml_escape": xml_escape, "cgi_escape": cgi_escape, "uri_escape": uri_escape,
        "jsonify": jsonify, "inspect": inspect, "normalize_whitespace": normalize_whitespace, "strip_html": strip_html,
        "truncatewords": truncatewords,
        "number_of_words": number_of_words, "slugify": slugify, "markdownify": markdownify,
        "smartify": smartify, "where": where, "where_exp": where_exp, "find": find, "find_exp": find_exp,
        "group_by": group_by, "group_by_exp": group_by_exp, "sort": sort, "sample": sample,
        "array_to_sentence_string": array_to_sentence_string, "to_integer": to_integer,
        "push": push, "pop": pop, "shift": shift, "unshift": unshift,
        "percent": percent, "thousands": thousands,
    }
    if liquid_date is not None:
        filters["date"] = functools.wraps(liquid_date)(date_filter)
    for name, function in filters.items():
        env.add_filter(name, guarded(name, function))
    env.add_filter("replace", bounded_replace(env.limits.output_bytes))


class MarkdownTooLarge(ResourceLimitError):
    """`markdownify` of a text over `markdown_bytes` (Markdown's time grows faster than its text)."""

    budget = ("markdown_bytes", "markdownify's text is more than {limit:,} bytes")


def bounded_replace(limit: int):
    """Liquid's `replace`, refusing a result of more than `limit` characters before making it: each
    replace can square a text's size (`s | replace: "a", s`), too fast for the variables' limit."""
    @string_filter
    def replace(value: str, seq="", sub="") -> str:
        old, new = soft_str(seq), soft_str(sub)
        count = value.count(old) if old else len(value) + 1
        if len(value) + count * (len(new) - len(old)) > limit:
            raise OutputStreamLimitError("output stream limit reached", token=None)
        return liquid_replace(value, old, new)
    return replace


def build_zone(site) -> tzinfo:
    """The zone Jekyll's date filters print in: the site's `timezone` (Jekyll sets TZ to it), else UTC."""
    try:
        return site_timezone(str(site.get("timezone") or "UTC"))
    except ConfigError:
        return timezone.utc


def guarded(name: str, function):
    """A filter whose Python error (`"abc" | percent`) is a Liquid error at the filter's line."""
    @functools.wraps(function)   # keeps `with_context`
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (ValueError, TypeError, ArithmeticError) as problem:
            raise FilterError(f"{name}: {problem}", token=None) from None
    return call


def nil(value):
    return None if isinstance(value, Undefined) else value


def sequence(value) -> list:
    value = nil(value)
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


# -- URLs --

def strip_index(value):
    value = nil(value)
    return None if value is None else re.sub(r"/index\.html?$", "/", str(value))


# -- dates --

def as_time(value) -> datetime:
    value = nil(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        match = DATE_TEXT.match(value.strip())
        try:
            return datetime_from_match(match) if match else ruby_time_parse(value.strip())
        except (ValueError, OverflowError):
            pass
    raise FilterArgumentError(f"invalid date {value!r}", token=None)


def local_time(value, zone: tzinfo) -> datetime:
    """Jekyll's `time(input)`: the value as a time in the build's zone (the site's `timezone`, else UTC)."""
    time = as_time(value)
    return time.astimezone(zone) if time.tzinfo else time.replace(tzinfo=zone)


def date_to_xmlschema(value, zone: tzinfo = timezone.utc):
    return None if nil(value) is None else local_time(value, zone).isoformat()


def date_to_rfc822(value, zone: tzinfo = timezone.utc):
    return None if nil(value) is None else local_time(value, zone).strftime("%a, %d %b %Y %H:%M:%S %z")


def ordinal(day: int) -> str:
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def stringify_date(value, month: str, kind=None, style=None, zone: tzinfo = timezone.utc):
    if nil(value) is None:
        return None
    time = local_time(value, zone)
    if kind == "ordinal":
        day = f"{time.day}{ordinal(time.day)}"
        return time.strftime(f"{month} {day}, %Y" if style == "US" else f"{day} {month} %Y")
    return time.strftime(f"%d {month} %Y")


def date_to_string(value, kind=None, style=None, zone: tzinfo = timezone.utc):
    return stringify_date(value, "%b", nil(kind), nil(style), zone)


def date_to_long_string(value, kind=None, style=None, zone: tzinfo = timezone.utc):
    return stringify_date(value, "%B", nil(kind), nil(style), zone)


# -- text --

def xml_escape(value):
    """Ruby's `encode(xml: :attr)` without the quotes around, as Jekyll's xml_escape."""
    value = nil(value)
    if value is None:
        return None
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def cgi_escape(value):
    return quote_plus(str(nil(value) or ""), safe="~")


def uri_escape(value):
    return urls.uri_escape(str(nil(value) or ""))


def plain_data(value):
    """Liquid's values as JSON data: dates as Ruby prints them, Markup as text. A document's
    `previous`/`next` become their path, as Jekyll's DocumentDrop collapses them."""
    value = nil(value)
    if isinstance(value, dict):
        return {str(key): (item["path"] if key in ("previous", "next") and isinstance(item, dict) and "path" in item
                           else plain_data(item)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return str(value) if isinstance(value, str) else value
    return str(value)


def jsonify(value):
    return json.dumps(plain_data(value), ensure_ascii=False, separators=(",", ":"))


def inspect(value):
    """Ruby's inspect (JSON is close enough for lists, text and numbers), HTML-escaped as Jekyll does."""
    return xml_escape(json.dumps(plain_data(value), ensure_ascii=False, separators=(", ", "=>")))


@string_filter
def strip_html(value: str) -> str:
    """Ruby Liquid's `strip_html`, not an HTML parser's: text between a `<` and the next `>` goes
    (`a < b and c > d` is `a  d`), `<SCRIPT>`'s text stays; and a regular expression is faster (a
    search index strips every post)."""
    return urls.strip_html(value)


def ruby_words(text: str) -> list[str]:
    """Ruby's `text.split`: words apart by ASCII whitespace (`a\u00a0b` is one word)."""
    text = text.strip(RUBY_SPACE)
    return re.split(f"[{RUBY_SPACE}]+", text) if text else []


@string_filter
def truncatewords(value: str, count=15, end="...") -> str:
    """Ruby Liquid's: the first `count` words (at least one) and `end`, or the text as it is if it has no
    more; words are apart by ASCII whitespace, as Ruby splits them."""
    count = max(int(count), 1)
    words = ruby_words(value)
    return value if len(words) <= count else " ".join(words[:count]) + str(nil(end) or "")


def normalize_whitespace(value):
    return re.sub(r"\s+", " ", str(nil(value) or "")).strip()


@functools.cache
def cjk() -> re.Pattern:
    """A CJK character; compiled on first use (its wide ranges cost milliseconds, and few templates count them)."""
    return re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def number_of_words(value, mode=None):
    text = str(nil(value) or "")
    mode = nil(mode)
    if mode == "cjk":
        return len(cjk().findall(text)) + len(ruby_words(cjk().sub(" ", text)))
    if mode == "auto" and cjk().search(text):
        return number_of_words(text, "cjk")
    return len(ruby_words(text))


SLUG_REPLACED = {
    "raw": re.compile(r"\s+"),
    "ascii": re.compile(r"[^A-Za-z0-9]+"),
    "latin": re.compile(r"[^A-Za-z0-9]+"),
}


def slugify(value, mode=None):
    """Jekyll's Utils.slugify with its modes: raw, default, pretty, ascii, latin, none."""
    value, mode = nil(value), nil(mode) or "default"
    if value is None:
        return None
    text = str(value)
    if mode in ("default", "pretty"):
        return jekyll_slugify(text, mode)
    if mode not in SLUG_REPLACED:
        return text.lower()
    if mode == "latin":   # I18n.transliterate: accents dropped, other letters become '?'
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if unicodedata.category(char) != "Mn")
        text = "".join(char if char.isascii() else "?" for char in text)
    return re.sub(r"^-|-$", "", SLUG_REPLACED[mode].sub("-", text)).lower()


def smartify(value):
    """Typographic quotes, dashes and ellipses (SmartyPants, as Jekyll's kramdown does)."""
    import markdown

    html = markdown.markdown(str(nil(value) or ""), extensions=["smarty"])
    return re.sub(r"^<p>|</p>$", "", html)


def array_to_sentence_string(value, connector="and"):
    items = [str(item) for item in sequence(value)]
    connector = nil(connector) or "and"
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {connector} {items[1]}"
    return f"{', '.join(items[:-1])}, {connector} {items[-1]}"


def to_integer(value):
    value = nil(value)
    return int(value) if value is not None and value != "" else 0


def push(value, item):
    return sequence(value) + [nil(item)]


def pop(value, count=1):
    return sequence(value)[: -int(count)] if int(count) else sequence(value)


def shift(value, count=1):
    return sequence(value)[int(count):]


def unshift(value, item):
    return [nil(item)] + sequence(value)


# -- arrays of documents --

def item_property(item, name: str):
    """`item.name` (dots for nested keys), as Jekyll's filters read a property."""
    for part in str(name).split("."):
        if isinstance(item, dict):
            item = item.get(part)
        else:
            try:
                item = item[part]
            except (KeyError, TypeError, IndexError, AttributeError):
                return None
    return nil(item)


def matches(value, target) -> bool:
    """Jekyll's compare_property_vs_target: text comparison; an array property matches any element."""
    if target is None:
        return value is None
    target = str(target)
    if isinstance(value, str):
        return value == target
    if value is None:
        return False
    values = value if isinstance(value, (list, tuple)) else [value]
    return any(str(v).lower() == target if isinstance(v, bool) else str(v) == target for v in values)


def where(value, name, target=None):
    target = nil(target)
    if nil(name) is None or isinstance(target, (list, dict)):
        return value
    return [item for item in sequence(value) if matches(item_property(item, name), target)]


def find(value, name, target=None):
    return next(iter(where(value, name, target)), None)


def parsed_once(context, source: str):
    """A template made from a filter's expression argument, parsed once per build."""
    cache = context.env.expressions
    if source not in cache:
        cache[source] = context.env.from_string(source)
    return cache[source]


def condition_of(context, expression: str):
    """`where_exp`'s expression as a template printing 1 when it holds."""
    return parsed_once(context, "{% if " + expression + " %}1{% endif %}")


def holds(context, variable: str, item, expression: str) -> bool:
    buffer = TextBuffer()
    with context.extend({variable: item}):
        condition_of(context, expression).render_with_context(context, buffer, partial=True)
    return buffer.value() == "1"


@with_context
def where_exp(value, variable, expression, *, context):
    return [item for item in sequence(value) if holds(context, str(variable), item, str(expression))]


@with_context
def find_exp(value, variable, expression, *, context):
    return next((item for item in sequence(value) if holds(context, str(variable), item, str(expression))), None)


def groups(items: list, keys: list) -> list[dict]:
    grouped: dict = {}
    for item, key in zip(items, keys):
        grouped.setdefault(key, []).append(item)
    return [{"name": name, "items": members, "size": len(members)} for name, members in grouped.items()]


def as_text(value) -> str:
    value = nil(value)
    return "" if value is None else str(value)


def group_by(value, name):
    items = sequence(value)
    return groups(items, [as_text(item_property(item, name)) for item in items])


@with_context
def group_by_exp(value, variable, expression, *, context):
    items, keys = sequence(value), []
    template = parsed_once(context, "{{ " + str(expression) + " }}")
    for item in items:
        buffer = TextBuffer()
        with context.extend({str(variable): item}):
            template.render_with_context(context, buffer, partial=True)
        keys.append(buffer.value())
    return groups(items, keys)


def sort_key(value):
    """Ruby's <=> across Liquid's values: numbers with numbers, the rest as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return (1, str(value))
    return (0, value)


def sort(value, name=None, nils="first"):
    """Jekyll's sort: by the value, or by a property with nils first (default) or last."""
    items = sequence(value)
    if nil(name) is None:
        return sorted(items, key=sort_key)
    if nil(nils) not in ("first", "last"):
        raise FilterArgumentError(f"sort: nils must be 'first' or 'last', not {nils!r}", token=None)
    present = [item for item in items if item_property(item, name) is not None]
    missing = [item for item in items if item_property(item, name) is None]
    present.sort(key=lambda item: sort_key(item_property(item, name)))
    return missing + present if nils == "first" else present + missing


# -- layerpress's model values --

@with_context
def percent(value, digits=1, *, context):
    """0.9123 -> "91.2%" (`| percent: 2` -> "91.23%")."""
    number = model_number(value, "percent", context)
    return "" if number is None else format_percent(float(number), int(digits))


@with_context
def thousands(value, separator=",", *, context):
    """60000 -> "60,000"; `| thousands: "\\,"` for LaTeX's thin space."""
    number = model_number(value, "thousands", context)
    if number is None:
        return ""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return f"{number:,}".replace(",", str(separator))


def model_number(value, name: str, context) -> int | float | None:
    """The number a layerpress filter formats; None when the variable itself does not exist (the document's
    warning names it); anything else that is no number is a filter error naming what it got, in our words."""
    if isinstance(value, Undefined):
        if value.name not in context.scope:
            return None
        raise FilterArgumentError(f"{name}: needs a number, got nothing ({value.hint or 'undefined'})",
                                  token=None)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = "nil" if value is None else f"{type(value).__name__} {str(value)[:40]!r}"
        raise FilterArgumentError(f"{name}: needs a number, got {shown}", token=None)
    return value
