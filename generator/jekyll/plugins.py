"""What of a Jekyll blog's _config.yml layerpress does not do, said as warnings.

layerpress runs no Ruby. The plugins GitHub Pages blogs use most are built in (below); other
gems named in `plugins:` (or the older `gems:`) are not run, and the build says so, in one warning
at the key's line. So are Ruby files in `_plugins/` and `remote_theme:`.
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
    "jekyll-scholar": "{% cite %} and {% bibliography %} (bibliography_template, group_by, --file, --query, --cited ...) "
                      "from _bibliography/",
}


# What a blog may write in `plugins:` for a built-in gem (its `require` path).
ALIASES = {"jekyll/scholar": "jekyll-scholar"}


def plugin_warnings(config) -> list[ConfigError]:
    """One warning per list (`plugins:`, `gems:`) naming the plugins layerpress does not have."""
    warnings = []
    for key in ("plugins", "gems"):
        names = config.data.get(key)
        missing = [str(name) for name in (names if isinstance(names, list) else [])
                   if ALIASES.get(str(name), str(name)) not in BUILT_IN]
        if not missing:
            continue
        named = ", ".join(f"'{name}'" for name in missing)
        subject = f"plugin {named} is" if len(missing) == 1 else f"plugins {named} are"
        warnings.append(ConfigError(
            f"{subject} not supported: layerpress runs no Ruby, so what {'it adds' if len(missing) == 1 else 'they add'}"
            " is missing", file=config.file, line=config.lines.get(key),
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
