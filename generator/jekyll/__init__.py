"""What Jekyll blogs need beyond Liquid itself: installed themes (`theme:`), Sass, and the two
plugins nearly every GitHub Pages blog uses ({% seo %} from jekyll-seo-tag, {% feed_meta %}
from jekyll-feed), rebuilt in Python."""
