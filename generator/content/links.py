"""Links a page's text gets after its own links to a target: `LinkAfter`, plain data a later stage hands the
render step (the explorer: after every link to a model's `.keras` file, a link to its layers). The Markdown
conversion writes them (generator/content/links_after.py)."""

from __future__ import annotations

from typing import NamedTuple


class LinkAfter(NamedTuple):
    """After every link whose URL ends with `target` (`/blog/models/NAME.keras`, also absolute), a space and
    `<a class="CSS_CLASS" href="HREF">TEXT</a>`."""

    target: str
    href: str
    text: str
    css_class: str

    def follows(self, href: str) -> bool:
        return href.endswith(self.target)
