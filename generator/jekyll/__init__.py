"""What Jekyll blogs need beyond Liquid itself: installed themes (`theme:`), Sass, and the two
plugins nearly every GitHub Pages blog uses ({% seo %} from jekyll-seo-tag, {% feed_meta %}
from jekyll-feed), rebuilt in Python."""


def register_plugin_tags(env, config=None) -> None:
    """Add {% seo %} and {% feed_meta %} to a python-liquid Environment. With the `Config`, the
    site keys that hold layerpress's defaults rather than the user's (`lang: en`) are named in
    `env.values["site_defaults"]`: jekyll-seo-tag reads an absent `lang` as en_US."""
    from generator.config import CONFIG_KEYS
    from generator.jekyll.feed import FeedMetaTag
    from generator.jekyll.seo import SeoTag
    env.add_tag(SeoTag)
    env.add_tag(FeedMetaTag)
    if config is not None and hasattr(env, "values"):
        env.values["site_defaults"] = frozenset(key for key in CONFIG_KEYS if key not in config.lines)
