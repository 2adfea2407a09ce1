"""What Jekyll blogs need beyond Liquid itself: installed themes (`theme:`), Sass, and the two
plugins nearly every GitHub Pages blog uses ({% seo %} from jekyll-seo-tag, {% feed_meta %}
from jekyll-feed, {% gist %} from jekyll-gist), rebuilt in Python."""


def register_plugin_tags(env) -> None:
    """Add {% seo %}, {% feed_meta %}, {% gist %}, {% cite %} and {% bibliography %} to a python-liquid
    Environment. The seo tag reads
    `env.values["site_defaults"]` (when the environment has values): the site keys holding
    layerpress's defaults rather than the user's (`lang: en`); jekyll-seo-tag reads an absent
    `lang` as en_US."""
    from generator.jekyll.feed import FeedMetaTag
    from generator.jekyll.gist import GistTag
    from generator.jekyll.scholar import BibliographyTag, CiteTag
    from generator.jekyll.seo import SeoTag

    env.add_tag(SeoTag)
    env.add_tag(FeedMetaTag)
    env.add_tag(GistTag)
    env.add_tag(CiteTag)
    env.add_tag(BibliographyTag)
