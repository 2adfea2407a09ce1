"""What the render step gets of the explorers, as plain data: a page per model (rendered with the theme's
`explore.html`) and, after every link to a model's `.keras` file in a page's text, a link to its explorer
(`generator.content.links.LinkAfter`, written while the text is converted)."""

from __future__ import annotations

from generator.content.links import LinkAfter

DOWNLOAD_LINK_TEXT = "explore its layers"
DOWNLOAD_LINK_CLASS = "explore-link"
LAYOUT = "explore"


def download_link(baseurl: str, name: str, url: str) -> LinkAfter:
    """After a link to models/NAME.keras: ` <a class="explore-link" href="BASEURL/explore/NAME/">(explore its layers)</a>`."""
    return LinkAfter(f"{baseurl}/models/{name}.keras", f"{baseurl}{url}", f"({DOWNLOAD_LINK_TEXT})",
                     DOWNLOAD_LINK_CLASS)
