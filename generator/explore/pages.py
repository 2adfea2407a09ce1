"""What the build does with the explorers once the site is rendered: `ExplorerPages`.

Plain data, apart from the explorer stage (generator/explore/stage.py) that computes it: the stage
memo (generator/stage_memo.py) keeps it between builds, and reusing it imports nothing heavy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DOWNLOAD_LINK_TEXT = "explore its layers"


@dataclass
class ExplorerPages:
    """The explorer pages, rendered with the theme's `explore.html`, and the link after every download
    link of a model."""

    baseurl: str = ""
    models: list[tuple[str, str]] = field(default_factory=list)        # (name, url)
    page_data: list[tuple[str, dict]] = field(default_factory=list)    # (output path, the page's variables)

    def pages(self, renderer) -> list:
        return [renderer.furniture_page("explore", path, page) for path, page in self.page_data]

    def link_downloads(self, pages) -> None:
        """After every link to models/NAME.keras in the site's pages, a link to NAME's explorer."""
        for name, url in self.models:
            pattern = re.compile(r'<a\b[^>]*\bhref="[^"]*?' + re.escape(f"{self.baseurl}/models/{name}.keras")
                                 + r'"[^>]*>(?:(?!</a>).)*</a>(?!\s*<a class="explore-link")', re.DOTALL)
            link = f' <a class="explore-link" href="{self.baseurl}{url}">({DOWNLOAD_LINK_TEXT})</a>'
            for page in pages:
                if page.output_path.endswith(".html") and not page.output_path.startswith("explore/"):
                    page.text = pattern.sub(lambda match: match[0] + link, page.text)  # noqa: B023 (used at once)
