"""_config.yml -> a typed, validated `Config`; unknown keys warn, wrong types raise."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from generator.errors import ConfigError
from generator.options import Invalid, Option, Where, any_value, declared, expects, named, of_type, string, validate
from generator.yaml_lines import load_mapping

CONFIG_NAME = "_config.yml"
CACHE_DIR_NAME = ".layerpress-cache"

# Jekyll's own default exclusions (Jekyll 4 `Configuration::DEFAULTS["exclude"]`).
JEKYLL_EXCLUDES = [".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock",
                   "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/",
                   "figures.lock"]

# Keys Jekyll or its common themes and plugins understand: accepted silently, passed to `site`.
KNOWN_JEKYLL_KEYS = {
    "markdown", "highlighter", "kramdown", "theme", "remote_theme", "plugins", "gems", "sass",
    "collections", "defaults", "encoding", "safe", "source", "destination", "incremental",
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


@expects("a string")
def base_url(value) -> str:
    """'' for a user site, '/repo' for a project site (leading slash, no trailing one)."""
    return normalise_baseurl(string(value))


@expects("a string")
def site_url(value) -> str:
    return string(value).rstrip("/")


@expects("a list")
def path_list(value) -> list:
    if not isinstance(value, list):
        raise Invalid()
    return value


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
    cname = Option(string, "", "A custom domain for GitHub Pages: written to the site's CNAME file.")
    exclude = Option(path_list, [], "Files and folders (glob patterns) the build leaves out, after Jekyll's own.")
    include = Option(path_list, [], "Files and folders the build keeps although their names start with '.' or '_'.")
    future = Option(of_type(bool), False, "Also build posts dated in the future (as --future).")
    show_drafts = Option(of_type(bool), False, "Also build the posts in _drafts/ (as --drafts).")
    unpublished = Option(of_type(bool), False, "Also build documents with published: false (as --unpublished).")
    strict = Option(of_type(bool), False, "Treat warnings as errors (as --strict).")
    layerpress = Option(of_type(dict), {}, "layerpress's own options: see LAYERPRESS_KEYS.")
    freeze = Option(of_type(str, bool, phrase="'auto' or false"), False,
                    "'auto' keeps _freeze/ current on every build (see generator/freeze.py).")

    def __init__(self, source: Path, data: dict | None = None, warnings: list | None = None,
                 lines: dict | None = None):
        self.source = source
        self.data = data if data is not None else {name: option.default for name, option in CONFIG_KEYS.items()}
        self.warnings = warnings if warnings is not None else []
        self.lines = lines if lines is not None else {}        # line of each top-level key in _config.yml

    @property
    def file(self) -> Path:
        return self.source / CONFIG_NAME

    def option(self, name: str):
        """A `layerpress:` option with its default."""
        default = LAYERPRESS_KEYS[name].default if name in LAYERPRESS_KEYS else None
        return self.layerpress.get(name, default)


CONFIG_KEYS = declared(Config)

# Options of the `layerpress:` mapping. The stage that reads one of them checks it (the null
# defaults stand for that stage's own default).
LAYERPRESS_KEYS = named({
    "pygments_style": Option(string, "friendly", "The Pygments style of code blocks."),
    "pygments_dark_style": Option(string, "monokai", "The Pygments style of code blocks in dark mode."),
    "figure_width": Option(any_value, None, "The text column figures are drawn for, in CSS px (default 632; "
                                           "checked by generator/figures/stage.py)."),
    "shared_folders": Option(any_value, None, "Folders outside the blog that probes and model files may "
                                             "come from (generator/confine.py)."),
    "check": Option(any_value, None, "Tolerances of `layerpress check`: accuracy, loss, array, pixels "
                                    "(generator/check.py)."),
    "explorer": Option(any_value, None, "The layer explorer's options, e.g. {reader_images: true} "
                                       "(generator/explore/reader.py)."),
})


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
    text = read_utf8(path, ConfigError) if path.is_file() else ""
    data, lines = load_mapping(text, file=path, error=ConfigError)
    where = Where(path, lines.get, ConfigError)
    declared_data = {key: value for key, value in data.items() if key in CONFIG_KEYS}
    values = validate(declared_data, CONFIG_KEYS, where, null_is_default=True)
    warnings = [where.unknown(key, list(CONFIG_KEYS) + sorted(KNOWN_JEKYLL_KEYS),
                              note=f" (available to templates as site.{key})", list_keys=False)
                for key in data if key not in CONFIG_KEYS and key not in KNOWN_JEKYLL_KEYS]
    others = {key: value for key, value in data.items() if key not in CONFIG_KEYS}
    return Config(source=source, data=values | others, warnings=warnings, lines=lines)


def normalise_baseurl(baseurl: str | None) -> str:
    """'' for a user site, '/repo' for a project site (leading slash, no trailing one)."""
    baseurl = (baseurl or "").strip("/")
    return f"/{baseurl}" if baseurl else ""


def read_utf8(path: Path, error=ConfigError) -> str:
    """A text file's contents; bytes that are not UTF-8 are a user error naming the line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise error("text is not UTF-8", file=path, line=line,
                    hint="save the file as UTF-8") from None
