"""Jekyll plugin gems: which ones layerpress does the work of, and warnings for the rest.

layerpress runs no Ruby. The plugins GitHub Pages blogs use most are built in (below); other
gems named in `plugins:` (or the older `gems:`) are not run, and the build says so, one warning
each at the key's line. (Ruby files in `_plugins/`: `generator.liquid.environment.ruby_plugins`.)
"""

from __future__ import annotations

from generator.errors import ConfigError

# Gem -> what in layerpress does its work.
BUILT_IN = {
    "jekyll-feed": "feed.xml and {% feed_meta %}",
    "jekyll-seo-tag": "{% seo %}",
    "jekyll-sitemap": "sitemap.xml",
    "jekyll-paginate": "paginate: and paginator",
    "jekyll-sass-converter": "Sass with libsass",
    "jemoji": ":emoji: names in markdown",
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
