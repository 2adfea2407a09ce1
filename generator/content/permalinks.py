"""Jekyll 4's permalinks: styles, placeholders, slugify, URL sanitising and output paths."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from urllib.parse import quote, unquote

from generator.errors import ContentError, did_you_mean
from generator.names import PATH_MAX, name_problem, shown

# Jekyll 4 `Configuration::STYLE_TO_PERMALINK`.
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

# Characters `slugify(mode: "pretty")` keeps besides letters, marks and decimal digits.
PRETTY_KEEPS = set("._~!$&'()+,;=@")
PLACEHOLDER = re.compile(r":([a-z_]+)")
# Jekyll's `URL.escape_path`: characters left as they are.
URL_SAFE = "_.-~!$&'()*+,;=:@/"


def slugify(text, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's `Utils.slugify` for the modes `default` and `pretty`."""
    def kept(char: str) -> bool:
        category = unicodedata.category(char)
        if category[0] in "LM" or category == "Nd":
            return True
        return mode == "pretty" and char in PRETTY_KEEPS

    slug = re.sub(r"-+", "-", "".join(c if kept(c) else "-" for c in str(text)))
    slug = re.sub(r"^-|-$", "", slug)
    return slug if cased else slug.lower()


def titleize_slug(slug: str) -> str:
    """Jekyll's `Utils.titleize_slug`: Ruby's capitalize on each hyphen-separated word."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in slug.split("-"))


def style_template(style: str) -> str:
    """The permalink template for a style name, or the custom template itself."""
    return STYLES.get(style, style)


def page_template(style: str, directory: str, basename: str, is_html: bool) -> str:
    """Jekyll 4 `Page#template` + `Utils.add_permalink_suffix`."""
    if not is_html:
        return "/:path/:basename:output_ext"
    if basename == "index":
        return "/:path/"
    return add_permalink_suffix("/:path/:basename", style)


def add_permalink_suffix(template: str, style: str) -> str:
    """Jekyll 4 `Utils.add_permalink_suffix`: what the site's permalink style ends a page's URL with."""
    if style == "pretty":
        return template + "/"
    if style in ("date", "ordinal", "none"):
        return template + ":output_ext"
    if style.endswith("/"):
        template += "/"
    if style.endswith(":output_ext"):
        template += ":output_ext"
    return template


def post_placeholders(date: datetime, slug: str, categories: list, output_ext: str,
                      basename: str) -> dict:
    """Jekyll 4 `Drops::UrlDrop` values for a post."""
    values = {
        "categories": "/".join(dict.fromkeys(str(c).lower() for c in categories)),
        "title": slugify(slug, "pretty", cased=True),
        "slug": slugify(slug),
        "name": slugify(basename),
        "path": "",
        "collection": "posts",
        "output_ext": output_ext,
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "hour": f"{date.hour:02d}",
        "minute": f"{date.minute:02d}",
        "second": f"{date.second:02d}",
        "i_month": str(date.month),
        "i_day": str(date.day),
        "short_year": f"{date.year % 100:02d}",
        "y_day": f"{date.timetuple().tm_yday:03d}",
        "short_month": date.strftime("%b"),
        "long_month": date.strftime("%B"),
        "short_day": date.strftime("%a"),
        "long_day": date.strftime("%A"),
        "week": f"{date.isocalendar()[1]:02d}",
        "w_year": str(date.isocalendar()[0]),
        "w_day": str(date.isocalendar()[2]),
    }
    return values


def expand(template: str, values: dict, *, file=None, line=None) -> str:
    """Jekyll 4 `URL#generate_url_from_drop` followed by `URL#sanitize_url`."""
    def replace(match: re.Match) -> str:
        name = match.group(1)
        pool = [name, name.rstrip("_")] if name.endswith("_") else [name]
        winner = next((key for key in pool if key in values), None)
        if winner is None:
            raise ContentError(f"unknown permalink placeholder ':{name}'", file=file, line=line,
                               hint=did_you_mean(name, values) or "see the permalink placeholders in the README")
        tail = name[len(winner):]
        return quote(str(values[winner] or ""), safe=URL_SAFE) + tail

    url = f"/{PLACEHOLDER.sub(replace, template)}".replace("..", "/").replace("./", "")
    return re.sub(r"/+", "/", url)


def check_output_path(path: str, *, file, line: int | None) -> str:
    """`path` (relative to the site), or a ContentError if no file system would take it (half of the OS's
    path length is left for the site folder's own)."""
    problem = name_problem(path, path_max=PATH_MAX // 2)
    if problem:
        raise ContentError(f"output path '{shown(path)}' {problem}", file=file, line=line,
                           hint="change its permalink, slug or file name")
    return path


def output_path(url: str, output_ext: str) -> str:
    """Jekyll's `destination`: `index.html` for a folder URL, else the extension added if missing."""
    path = unquote(url).lstrip("/")
    if url.endswith("/"):
        return f"{path}index.html"
    return path if path.endswith(output_ext) else path + output_ext
