"""_config.yml -> a typed, validated `Config`; unknown keys warn, wrong types raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.content.yamldoc import load_mapping
from generator.errors import ConfigError, did_you_mean

CONFIG_NAME = "_config.yml"
CACHE_DIR_NAME = ".layerpress-cache"

# Jekyll's own default exclusions (Jekyll 4 `Configuration::DEFAULTS["exclude"]`).
JEKYLL_EXCLUDES = [".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock",
                   "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/",
                   "figures.lock"]

# key: (accepted types, default, what to call the type in an error message)
TYPED_KEYS = {
    "title": ((str,), "", "a string"),
    "description": ((str,), "", "a string"),
    "author": ((str, dict), "", "a string or a mapping"),
    "email": ((str,), "", "a string"),
    "url": ((str,), "", "a string"),
    "baseurl": ((str,), "", "a string"),
    "lang": ((str,), "en", "a string"),
    "permalink": ((str,), "date", "a string"),
    "excerpt_separator": ((str,), "\n\n", "a string"),
    "paginate": ((int,), 0, "an integer"),
    "paginate_path": ((str,), "/page:num/", "a string"),
    "timezone": ((str,), "UTC", "a string"),
    "cname": ((str,), "", "a string"),
    "exclude": ((list,), [], "a list"),
    "include": ((list,), [], "a list"),
    "future": ((bool,), False, "true or false"),
    "show_drafts": ((bool,), False, "true or false"),
    "unpublished": ((bool,), False, "true or false"),
    "strict": ((bool,), False, "true or false"),
    "layerpress": ((dict,), {}, "a mapping"),
    "freeze": ((str, bool), False, "'auto' or false"),   # see generator/freeze.py
}

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

# Options of the `layerpress:` mapping that the site engine reads (other stages add theirs).
THEME_KEYS = {"pygments_style": "friendly", "pygments_dark_style": "monokai"}


@dataclass
class Config:
    """The validated site configuration; `data` is what templates see as `site`."""

    source: Path
    data: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    lines: dict = field(default_factory=dict)      # line of each top-level key in _config.yml

    def __getattr__(self, name):
        data = self.__dict__.get("data", {})
        if name in TYPED_KEYS:
            return data.get(name, TYPED_KEYS[name][1])
        raise AttributeError(name)

    @property
    def file(self) -> Path:
        return self.source / CONFIG_NAME

    def option(self, name: str):
        """A `layerpress:` option with its default."""
        return self.layerpress.get(name, THEME_KEYS.get(name))


def load_config(source: Path) -> Config:
    """Read `<source>/_config.yml` (optional) and validate each value's type."""
    source = Path(source)
    if not source.is_dir():
        raise ConfigError(f"source folder '{source}' does not exist",
                          hint="pass --source with the folder holding _config.yml and _posts/")
    path = source / CONFIG_NAME
    text = read_utf8(path, ConfigError) if path.is_file() else ""
    data, lines = load_mapping(text, file=path, error=ConfigError)
    warnings = []
    for key, value in data.items():
        if key in TYPED_KEYS:
            check_type(key, value, path, lines.get(key))
        elif key not in KNOWN_JEKYLL_KEYS:
            hint = did_you_mean(key, list(TYPED_KEYS) + sorted(KNOWN_JEKYLL_KEYS))
            warnings.append(ConfigError(f"unknown key '{key}' (available to templates as site.{key})",
                                        file=path, line=lines.get(key), hint=hint))
    given = {key: value for key, value in data.items() if value is not None or key not in TYPED_KEYS}
    data = {key: default for key, (_, default, _) in TYPED_KEYS.items()} | given
    data["baseurl"] = normalise_baseurl(data["baseurl"])
    data["url"] = data["url"].rstrip("/")
    return Config(source=source, data=data, warnings=warnings, lines=lines)


def check_type(key: str, value, path: Path, line: int | None) -> None:
    types, _, described = TYPED_KEYS[key]
    wrong_bool = isinstance(value, bool) and bool not in types
    if value is not None and (wrong_bool or not isinstance(value, types)):
        raise ConfigError(f"'{key}' must be {described}, not {value!r}", file=path, line=line)
    if key == "paginate" and isinstance(value, int) and value < 0:
        raise ConfigError(f"'paginate' must be 0 or more, not {value}", file=path, line=line)


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
