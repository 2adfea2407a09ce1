"""_config.yml -> a typed, validated `Config`; unknown keys warn, wrong types raise."""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from generator import budgets
from generator.errors import ConfigError, LayerpressError
from generator.names import name_problem, shown
from generator.readable import decode_utf8, read_bytes
from generator.options import (Invalid, Option, Where, choice, declared, expects, named, of_type, positive_int,
                               string, validate)
from generator.yaml_lines import LineDict, load_mapping, load_with_lines

CONFIG_NAME = "_config.yml"
CACHE_DIR_NAME = ".layerpress-cache"

# Jekyll's own default exclusions (Jekyll 4 `Configuration::DEFAULTS["exclude"]`).
JEKYLL_EXCLUDES = [".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock",
                   "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/",
                   "figures.lock"]

# Keys Jekyll or its common themes and plugins understand: accepted silently, passed to `site`.
KNOWN_JEKYLL_KEYS = {
    "markdown", "highlighter", "kramdown", "theme", "remote_theme", "plugins", "gems", "sass",
    "collections", "defaults", "encoding", "source", "destination", "incremental",
    "keep_files", "github", "repository", "twitter", "twitter_username", "github_username",
    "social", "google_analytics", "logo", "header_pages", "show_excerpts", "feed", "sitemap",
    "whitelist", "liquid", "strict_front_matter", "livereload", "port", "host", "version",
    "tagline", "date_format", "paginate_title", "rss", "data_dir", "layouts_dir",
    "includes_dir", "profile", "quiet", "verbose",
}


@expects("an integer, 0 or more")
def non_negative_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("an integer")
    if value < 0:
        raise Invalid("0 or more")
    return value


# What may not appear in a URL written into robots.txt, the feed and the sitemap as it is.
URL_BREAKERS = re.compile(r"[\x00-\x20\x7f<>\"'`\\{}|^]")
HOSTNAME = re.compile(r"(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*")


@expects("a path such as /blog")
def base_url(value) -> str:
    """'' for a user site, '/repo' for a project site (leading slash, no trailing one)."""
    text = string(value)
    if URL_BREAKERS.search(text) or "://" in text or any(char in text for char in "?#"):
        raise Invalid(hint="only the folder the site is served from; the host goes in url:")
    return normalise_baseurl(text)


@expects("a URL such as https://user.github.io")
def site_url(value) -> str:
    text = string(value)
    if text and (URL_BREAKERS.search(text) or not re.fullmatch(r"https?://[^/?#]+(/[^?#]*)?", text)):
        raise Invalid(hint="the scheme and host only, such as https://example.com; the folder goes in baseurl:")
    return text.rstrip("/")


@expects("a host name such as blog.example.com")
def hostname(value) -> str:
    """`cname:`: the one line of the site's CNAME file (GitHub Pages reads a host name and nothing else)."""
    text = string(value).strip()
    if text and not HOSTNAME.fullmatch(text):
        raise Invalid(hint="the custom domain only: no scheme, path, spaces or line breaks")
    return text


@expects("a list")
def path_list(value) -> list:
    if not isinstance(value, list):
        raise Invalid()
    return value


FREEZE_AUTO = "auto"   # `freeze: auto`: every build writes what it computed into _freeze/


@expects("'auto' or false")
def freeze_setting(value) -> str | bool:
    if value is False or value == FREEZE_AUTO:
        return value
    raise Invalid(hint="freeze: auto writes every computed result into _freeze/ on each build")


@expects("a list of paths inside the site, such as [.git, CNAME]")
def site_paths(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip("/") and not v.startswith("/")
                                              and ".." not in v.split("/") for v in value):
        raise Invalid()
    return [v.strip("/") for v in value]


@expects("a list of strings")
def folder_list(value) -> list[str]:
    folders = string_list(value)
    for folder in folders:
        problem = name_problem(folder)
        if problem:
            raise Invalid(hint=f"'{shown(folder)}' {problem}")
    return folders


@expects("a list of strings")
def string_list(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid()
    return value


@expects("a string or a list of strings")
def strings(value) -> list[str]:
    """One string or a list of them (Jekyll takes both), as a list."""
    return string_list([value] if isinstance(value, str) else value)


class Section:
    """A check for a mapping of options (`liquid:`, `layerpress:`): here only that it is a mapping;
    `check_mapping` then checks its keys, named `section.key`, at their own lines."""

    def __init__(self, options: dict[str, Option], phrase: str = "a mapping", *, others: bool = False):
        self.options = named(options)
        self.phrase = phrase
        self.others = others   # keys not declared pass unchecked (kramdown's and Sass's many options)

    def __call__(self, value) -> dict:
        if not isinstance(value, dict):
            raise Invalid(self.phrase)
        return value

    def defaults(self) -> dict:
        return {name: option.default for name, option in self.options.items()}


# -- Jekyll's own mappings, as far as layerpress reads them --------------------------------------

LIQUID_KEYS = {
    "error_mode": Option(choice("lax", "warn", "strict"), "warn",
                         "What a Liquid syntax error does: lax ignores it, warn reports it, strict stops."),
    "strict_variables": Option(of_type(bool), False, "An undefined variable is an error."),
    "strict_filters": Option(of_type(bool), False, "An undefined filter is an error."),
}

SASS_STYLES = ("nested", "expanded", "compact", "compressed")


@expects("one of " + ", ".join(SASS_STYLES))
def sass_style(value) -> str:
    return choice(*SASS_STYLES)(value.lstrip(":") if isinstance(value, str) else value)


SASS_KEYS = {
    "style": Option(sass_style, "compact", "The CSS output style (a leading ':', as in Ruby Sass, is allowed)."),
    "sass_dir": Option(string, "_sass", "The folder of Sass partials, inside the source (or a shared folder)."),
    "load_paths": Option(strings, [], "More folders (inside the source or a shared folder) that @import searches."),
}

KRAMDOWN_KEYS = {
    "input": Option(string, "GFM", "GFM (GitHub-flavoured, the default) or kramdown."),
    "toc_levels": Option(of_type(str, int), "1..6", "The heading levels a {:toc} lists, e.g. 2..3."),
    "parse_block_html": Option(of_type(bool), False, "Read the content of HTML blocks as markdown too."),
}


@expects("a list of {scope, values} mappings")
def default_sets(value) -> list[dict]:
    if not isinstance(value, list):
        raise Invalid()
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            raise Invalid(hint=f"entry {number} has no 'values' mapping: write {{scope: {{path: ''}}, "
                               "values: {layout: post}}")
        if not isinstance(entry.get("scope") or {}, dict):
            raise Invalid(hint=f"entry {number}'s 'scope' is not a mapping")
    return value


# -- layerpress's own options (`layerpress:` in _config.yml) --------------------------------------

DEFAULT_KEEP_FILES = (".git", ".svn")
DEFAULT_FIGURE_WIDTH = 632      # CSS px: the default theme's text column
MIN_FIGURE_WIDTH, MAX_FIGURE_WIDTH = 320, 4000
DEFAULT_TOLERANCES = {"accuracy": 0.01, "loss": 0.05, "array": 0.05, "pixels": 0.1}


@expects(f"a number of CSS pixels from {MIN_FIGURE_WIDTH} to {MAX_FIGURE_WIDTH}")
def figure_width(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_FIGURE_WIDTH <= value <= MAX_FIGURE_WIDTH:
        raise Invalid(hint=f"the default theme's text column is {DEFAULT_FIGURE_WIDTH}")
    return value


@expects("a number, 0 or more")
def tolerance(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise Invalid()
    return value


@expects("a Pygments style name, such as friendly (checked when Pygments is loaded)")
def pygments_style(value) -> str:
    return string(value)  # the name itself is checked by build.highlight_css, where Pygments is imported


TOLERANCE_KEYS = {
    "accuracy": Option(tolerance, DEFAULT_TOLERANCES["accuracy"],
                       "Largest change of a model's test accuracy (0.01 = one point)."),
    "loss": Option(tolerance, DEFAULT_TOLERANCES["loss"], "Largest change of a model's test loss."),
    "array": Option(tolerance, DEFAULT_TOLERANCES["array"],
                    "Largest |difference| of a figure's .npz arrays, as a share of the published array's range."),
    "pixels": Option(tolerance, DEFAULT_TOLERANCES["pixels"], "Share of a figure's pixels that may differ."),
}
LIMIT_KEYS = {name: Option(positive_int, default, budgets.HELP[name])
              for name, default in budgets.DEFAULT._asdict().items()}
EXPLORER_KEYS = {
    "reader_images": Option(of_type(bool), False, "Let readers run the model on their own images (ONNX in the browser)."),
}


# Options of the `layerpress:` mapping (`config.option(NAME)`), checked with the rest of _config.yml.
LAYERPRESS_KEYS = named({
    "pygments_style": Option(pygments_style, "friendly", "The Pygments style of code blocks."),
    "pygments_dark_style": Option(pygments_style, "monokai", "The Pygments style of code blocks in dark mode."),
    "figure_width": Option(figure_width, DEFAULT_FIGURE_WIDTH, "The text column figures are drawn for, in CSS px."),
    "shared_folders": Option(folder_list, [], "The allow-list of folders outside the blog (relative to it) that "
                                              "its files may come from (data, layouts, probes, model files...); "
                                              "not /, the home folder or a folder holding the blog or it. Files "
                                              "elsewhere are never read (README, Safety)."),
    "check": Option(Section(TOLERANCE_KEYS, "a mapping of tolerances"), dict(DEFAULT_TOLERANCES),
                    "Tolerances of `layerpress check`: accuracy, loss, array, pixels."),
    "explorer": Option(Section(EXPLORER_KEYS), {"reader_images": False},
                       "The layer explorer's options, e.g. {reader_images: true}."),
    "heading_permalinks": Option(of_type(bool), False, "Add a ¶ link to each heading."),
    "limits": Option(Section(LIMIT_KEYS, "a mapping of limits"), budgets.DEFAULT._asdict(),
                     "What one build may spend (docs/limits.md): " + ", ".join(LIMIT_KEYS) + "."),
    "liquid_in_code": Option(of_type(bool), True, "Run Liquid inside fenced code blocks, as Jekyll does; false "
                                                  "prints them as written (a document's front matter may say too)."),
})


class Config:
    """The validated site configuration; `data` is what templates see as `site`.

    Each option below is a typed attribute (`config.baseurl` is a str); adding a key is one line.
    Keys not declared here stay in `data` (templates see them) and warn unless Jekyll knows them.
    """

    title = Option(string, "", "The site's title (site.title), shown in the header and the feed.")
    description = Option(string, "", "A sentence about the site, for the home page and search engines.")
    author = Option(of_type(str, dict), "", "The author's name, or a mapping such as {name, email}.")
    email = Option(string, "", "The author's email address, shown by the default theme.")
    url = Option(site_url, "", "The site's scheme and host, e.g. https://user.github.io (no trailing slash).")
    baseurl = Option(base_url, "", "The folder the site is served from, e.g. /blog for a project site.")
    lang = Option(string, "en", "The language of the pages (the html element's lang).")
    permalink = Option(string, "date", "Jekyll's permalink style or template for posts, e.g. /:year/:title/.")
    excerpt_separator = Option(string, "\n\n", "What ends a post's excerpt.")
    paginate = Option(non_negative_int, 0, "Posts per home page; 0 puts every post on one page.")
    paginate_path = Option(string, "/page:num/", "Where the second and later home pages go.")
    timezone = Option(string, "UTC", "The time zone of post dates written without one, e.g. Europe/Paris.")
    cname = Option(hostname, "", "A custom domain for GitHub Pages: written to the site's CNAME file.")
    exclude = Option(path_list, [], "Files and folders (glob patterns) the build leaves out, after Jekyll's own.")
    include = Option(path_list, [], "Files and folders the build keeps although their names start with '.' or '_'.")
    future = Option(of_type(bool), False, "Also build posts dated in the future (as --future).")
    show_drafts = Option(of_type(bool), False, "Also build the posts in _drafts/ (as --drafts).")
    unpublished = Option(of_type(bool), False, "Also build documents with published: false (as --unpublished).")
    strict = Option(of_type(bool), False, "Treat warnings as errors (as --strict).")
    safe = Option(of_type(bool), False, "Refuse shared_folders and model files with code in them (as --safe).")
    layerpress = Option(Section(LAYERPRESS_KEYS), {}, "layerpress's own options (LAYERPRESS_KEYS).")
    freeze = Option(freeze_setting, False, "'auto' keeps _freeze/ current on every build (see generator/freeze.py).")
    # Jekyll's keys that layerpress reads; `site.KEY` in templates stays what the file says (see RAW_IN_SITE).
    keep_files = Option(site_paths, list(DEFAULT_KEEP_FILES), "Paths in the destination a build leaves alone.")
    liquid = Option(Section(LIQUID_KEYS), Section(LIQUID_KEYS).defaults(),
                    "Liquid's options: error_mode (lax, warn, strict), strict_variables, strict_filters.")
    theme = Option(of_type(str, allow_none=True), None,
                   "A Jekyll theme: an installed gem's name (e.g. minima) or a folder, relative to the blog, "
                   "inside it or a shared folder.")
    sass = Option(Section(SASS_KEYS, others=True), Section(SASS_KEYS).defaults(),
                  "Sass options: style, sass_dir, load_paths (others are accepted and ignored).")
    defaults = Option(default_sets, [], "Front matter defaults: a list of {scope: {path, type}, values}.")
    page_excerpts = Option(of_type(bool), False, "Give pages an excerpt too (posts always have one).")
    data_dir = Option(string, "_data", "The folder of data files (site.data), inside the source (or a shared folder).")
    kramdown = Option(Section(KRAMDOWN_KEYS, others=True), Section(KRAMDOWN_KEYS).defaults(),
                      "kramdown's options; layerpress reads input, toc_levels and parse_block_html (others are accepted "
                      "and ignored).")

    def __init__(self, source: Path, data: dict | None = None, unknown_keys: list | None = None,
                 lines: dict | None = None, values: dict | None = None):
        self.source = source
        self.data = data if data is not None else {name: option.default for name, option in CONFIG_KEYS.items()}
        self.values = values if values is not None else self.data   # the checked options (the typed attributes)
        self.unknown_keys = unknown_keys if unknown_keys is not None else []   # keys neither layerpress nor Jekyll read
        self.lines = lines if lines is not None else {}        # line of each top-level key in _config.yml
        self.shared_folders: list[Path] = []                   # layerpress.shared_folders, resolved and checked

    @cached_property
    def warnings(self) -> list[LayerpressError]:
        """A warning for each of `unknown_keys`, made when asked for (its hint compares the key with every known
        one); a build adds its own warnings to the list."""
        where = Where(self.file, self.lines.get, ConfigError)
        return [where.unknown(key, list(CONFIG_KEYS) + sorted(KNOWN_JEKYLL_KEYS),
                              note=f" (available to templates as site.{key})", list_keys=False)
                for key in self.unknown_keys]

    @property
    def file(self) -> Path:
        return self.source / CONFIG_NAME

    def option(self, name: str):
        """A `layerpress:` option, checked, with its default."""
        return self.layerpress.get(name, LAYERPRESS_KEYS[name].default)

    @property
    def limits(self) -> budgets.Limits:
        """`layerpress: {limits: ...}`, the defaults filled in."""
        return budgets.Limits(**(budgets.DEFAULT._asdict() | self.option("limits")))


CONFIG_KEYS = declared(Config)
# Declared for their checks and typed attributes, but templates see them as written (or not at all).
RAW_IN_SITE = {"layerpress", "keep_files", "liquid", "theme", "sass", "defaults", "page_excerpts", "data_dir",
               "kramdown"}

class Paths(NamedTuple):
    """Where a command reads and writes, decided once from its options and passed down.

    (A NamedTuple rather than a dataclass: config is imported by every command, and a
    dataclass costs milliseconds to create.)
    """

    source: Path
    dest: Path | None
    cache_dir: Path             # <source>/.layerpress-cache unless --cache-dir says otherwise

    @classmethod
    def of(cls, source, dest=None, cache_dir=None) -> Paths:
        source = Path(source)
        return cls(source, Path(dest) if dest is not None else None,
                   Path(cache_dir) if cache_dir else source / CACHE_DIR_NAME)


def load_config(source: Path) -> Config:
    """Read `<source>/_config.yml` (optional) and validate each value's type."""
    source = Path(source)
    if not source.is_dir():
        raise ConfigError(f"source folder '{source}' does not exist",
                          hint="pass --source with the folder holding _config.yml and _posts/")
    path = source / CONFIG_NAME
    budgets.use(budgets.DEFAULT)   # _config.yml itself is read within the default limits
    text = read_config_text(source)
    data, lines = load_mapping(text, file=path, error=ConfigError)
    where = Where(path, lines.get, ConfigError)
    values = check_config(data, text, where)
    shared = shared_folders(source, values["layerpress"].get("shared_folders", []),
                            where.section("layerpress", nested_line_of(text, where, ("layerpress",))))
    unknown_keys = [key for key in data if key not in CONFIG_KEYS and key not in KNOWN_JEKYLL_KEYS]
    site = {key: value for key, value in values.items() if key not in RAW_IN_SITE or key == "layerpress"}
    site["layerpress"] = data.get("layerpress") or {}
    others = {key: value for key, value in data.items() if key not in site}
    config = Config(source=source, data=site | others, unknown_keys=unknown_keys, lines=lines, values=values)
    config.shared_folders = shared
    budgets.use(config.limits)
    return config


def shared_folders(source: Path, folders: list[str], where: Where) -> list[Path]:
    """`layerpress.shared_folders`, resolved: never /, the home folder, or a folder holding the blog or
    the home folder (each would let the blog publish any file of the machine or of its owner)."""
    blog, home = source.resolve(), Path.home().resolve()
    resolved = []
    for folder in folders:
        real = (source / folder).resolve()
        reason = ("is the root folder" if real == Path(real.anchor) else "is the home folder" if real == home
                  else "holds the blog folder" if blog.is_relative_to(real)
                  else "holds the home folder" if home.is_relative_to(real) else None)
        if reason:
            raise where.fail(f"'layerpress.shared_folders' entry '{folder}' {reason}", "shared_folders",
                             hint="name the one folder of shared files, e.g. ../shared-data")
        resolved.append(real)
    return resolved


def read_config_text(source: Path) -> str:
    """The text of `<source>/_config.yml` ('' without one): a regular file inside the blog (it holds the
    allow-list of folders outside it, so it cannot be one of them)."""
    path = source / CONFIG_NAME
    if not os.path.lexists(path):
        return ""
    if not path.resolve().is_relative_to(source.resolve()):
        raise ConfigError(f"'{CONFIG_NAME}' is outside the blog folder (a symlink leads there)", file=path,
                          hint="keep the blog's _config.yml inside the blog folder")
    return decode_utf8(read_bytes(path.resolve(), "config", error=ConfigError, what="config file",
                                  shown=CONFIG_NAME, file=path), path, ConfigError)


def check_config(data: dict, text: str, where: Where) -> dict:
    """The declared keys of `data` checked, defaults filled in (see `check_mapping`)."""
    declared_data = {key: value for key, value in data.items() if key in CONFIG_KEYS}
    return check_mapping(declared_data, CONFIG_KEYS, where, text, ())


def check_mapping(data: dict, options: dict[str, Option], where: Where, text: str, path: tuple) -> dict:
    """`validate`, then the keys of each given `Section` (such as `layerpress:`), as `section.key`."""
    values = validate(data, options, where, null_is_default=True)
    for name, option in options.items():
        section = option.check
        if isinstance(section, Section) and isinstance(data.get(name), dict):
            inner = where.section(name, nested_line_of(text, where, (*path, name)))
            given = data[name]
            others = {key: value for key, value in given.items() if section.others and key not in section.options}
            declared = {key: value for key, value in given.items() if key not in others}
            values[name] = check_mapping(declared, section.options, inner, text, (*path, name)) | others
    return values


def section_where(config: Config, name: str) -> Where:
    """Where the keys of the mapping `name:` of a loaded config are, for a check made later (Pygments styles)."""
    where = Where(config.file, config.lines.get, ConfigError)
    text = read_config_text(config.source)
    return where.section(name, nested_line_of(text, where, (name,)))


def nested_line_of(text: str, where: Where, path: tuple):
    """line_of for the keys of a nested mapping; the file is parsed again only when an error needs a line."""
    def line_of(key) -> int | None:
        node = load_with_lines(text, file=where.file, error=ConfigError)
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        return node.line(key) if isinstance(node, LineDict) else where.line_of(path[-1])

    return line_of


def normalise_baseurl(baseurl: str | None) -> str:
    """'' for a user site, '/repo' for a project site (leading slash, no trailing one)."""
    baseurl = (baseurl or "").strip("/")
    return f"/{baseurl}" if baseurl else ""
