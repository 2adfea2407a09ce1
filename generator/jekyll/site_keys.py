"""Which `_config.yml` keys are not "unknown": Jekyll's own settings (Configuration::DEFAULTS), the
settings of the plugins GitHub Pages blogs use or the blog lists (`jekyll-minifier:` for the plugin
of that name, which warns once itself), keys a theme's `_config.yml` defines, and keys the
blog's or its theme's templates read (`site.KEY`): a theme such as al-folio keeps dozens of its own
settings in the blog's `_config.yml`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from generator.errors import LayerpressError
from generator.themes import theme_of

# Jekyll 4's Configuration::DEFAULTS, and the settings of GitHub Pages' plugins and jekyll-scholar.
JEKYLL_SETTINGS = {
    "source", "destination", "collections_dir", "cache_dir", "plugins_dir", "layouts_dir", "data_dir",
    "includes_dir", "collections", "safe", "include", "exclude", "keep_files", "encoding", "markdown_ext",
    "strict_front_matter", "show_drafts", "limit_posts", "future", "unpublished", "whitelist", "plugins",
    "markdown", "highlighter", "lsi", "excerpt_separator", "incremental", "detach", "port", "host", "baseurl",
    "show_dir_listing", "permalink", "paginate_path", "timezone", "quiet", "verbose", "defaults", "liquid",
    "kramdown", "rdiscount", "redcarpet", "webrick", "disable_disk_cache", "livereload", "livereload_port",
    "livereload_min_delay", "livereload_max_delay", "livereload_ignore", "serving", "watch", "profile",
    # plugins: jekyll-seo-tag, jekyll-feed, jekyll-gist, jemoji, jekyll-github-metadata, jekyll-scholar ...
    "author", "social", "twitter", "facebook", "logo", "webmaster_verifications", "locale", "seo", "feed",
    "gist", "emoji", "github", "scholar", "jekyll-archives", "redirect_from", "titles_from_headings",
    "optional_front_matter", "readme_index", "relative_links", "jekyll_compose", "sitemap", "paginate",
    "pagination", "autopages",       # jekyll-paginate-v2
}
SITE_KEY = re.compile(r"\bsite\.([A-Za-z_][\w-]*)|\bsite\[\s*['\"]([^'\"]+)['\"]\s*\]")
TEXT_SUFFIXES = {".html", ".htm", ".md", ".markdown", ".xml", ".json", ".liquid", ".scss", ".sass", ".css",
                 ".js", ".txt", ".yml", ".yaml"}
NOT_TEMPLATES = {".git", "_site", "node_modules", "vendor", ".jekyll-cache", ".layerpress-cache", ".sass-cache"}
LARGEST_TEMPLATE = 1_000_000


def keys_read_in(folder: Path) -> set[str]:
    """The `site.KEY` names the text files under `folder` read."""
    keys: set[str] = set()
    for walked, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if name not in NOT_TEMPLATES]
        for name in files:
            path = Path(walked, name)
            if path.suffix.lower() not in TEXT_SUFFIXES or path.stat().st_size > LARGEST_TEMPLATE:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if "site" in text:
                keys.update(match[1] or match[2] for match in SITE_KEY.finditer(text))
    return keys


def theme_settings(theme_root: Path | None) -> set[str]:
    """The keys a theme's own `_config.yml` defines."""
    path = theme_root / "_config.yml" if theme_root else None
    if path is None or not path.is_file():
        return set()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return set()
    return {str(key) for key in data} if isinstance(data, dict) else set()


def unknown_to_the_blog(config) -> list[str]:
    """`config.unknown_keys` without those Jekyll, its plugins, the theme or the templates know."""
    if not config.unknown_keys:
        return []
    try:
        theme = theme_of(config)
    except LayerpressError:         # an unknown theme: the build stops on it a moment later
        theme = None
    theme_root = theme.root if theme else None
    listed = [config.data.get(key) for key in ("plugins", "gems")]
    plugin_names = {str(name) for names in listed if isinstance(names, list) for name in names}
    known = JEKYLL_SETTINGS | plugin_names | theme_settings(theme_root) | keys_read_in(config.source)
    if theme_root is not None:
        known |= keys_read_in(theme_root)
    return [key for key in config.unknown_keys if str(key) not in known]
