"""What of a Jekyll blog's _config.yml layerpress does not do, said as warnings.

layerpress runs no Ruby. The plugins GitHub Pages blogs use most are built in (below); other
gems named in `plugins:` (or the older `gems:`) are not run, and the build says so, one warning
each at the key's line. So are Ruby files in `_plugins/`, collections with pages of their own
and `remote_theme:`.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import ConfigError, ContentError, LayerpressError

# Gem -> what in layerpress does its work.
BUILT_IN = {
    "jekyll-feed": "feed.xml and {% feed_meta %}",
    "jekyll-seo-tag": "{% seo %}",
    "jekyll-sitemap": "sitemap.xml",
    "jekyll-paginate": "paginate: and paginator",
    "jekyll-sass-converter": "Sass with libsass",
    "jemoji": ":emoji: names in markdown",
    "jekyll-gist": "{% gist %} (the script tag)",
    "jekyll-scholar": "{% cite %} and {% bibliography %} (--file, --query, --cited) from _bibliography/",
}


def plugin_warnings(config) -> list[ConfigError]:
    """A warning for each plugin named in _config.yml that layerpress does not have."""
    warnings = []
    for key in ("plugins", "gems"):
        names = config.data.get(key)
        for name in names if isinstance(names, list) else []:
            if str(name) not in BUILT_IN:
                warnings.append(ConfigError(
                    f"plugin '{name}' is not supported: layerpress runs no Ruby, so what it adds is missing",
                    file=config.file, line=config.lines.get(key),
                    hint="built in: " + ", ".join(sorted(BUILT_IN))))
    return warnings


def ruby_plugins(source: Path) -> list[ContentError]:
    """One warning for a `_plugins/` folder holding Ruby files, naming the first."""
    folder = source / "_plugins"
    files = sorted(folder.rglob("*.rb")) if folder.is_dir() else []
    if not files:
        return []
    others = f" and {len(files) - 1} more" if len(files) > 1 else ""
    return [ContentError(f"Ruby plugins are not supported: {files[0].name}{others} in _plugins/ will not run",
                         file=files[0], hint="tags and filters they define render as nothing; see "
                         "'Bringing a Jekyll blog over' in docs/writing.md")]


def unsupported_warnings(config) -> list[LayerpressError]:
    """Plugin gems, Ruby plugins and remote themes: each a warning
    at its line (or file)."""
    warnings: list[LayerpressError] = [*plugin_warnings(config), *ruby_plugins(config.source)]
    if config.data.get("remote_theme"):
        warnings.append(ConfigError("remote_theme is not supported: layerpress does not download themes",
                                    file=config.file, line=config.lines.get("remote_theme"),
                                    hint="install the theme gem and use theme:, or copy its folders into the blog"))
    return warnings
