"""`LinksAfter`, the Python-Markdown tree processor that writes a document's `LinkAfter`s (generator/content/links.py)
after the links they follow, in the parsed document: no HTML is edited as text."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from markdown.treeprocessors import Treeprocessor

from generator.content.links import LinkAfter

PRIORITY = 15   # after "inline" (20), which makes the links


class LinksAfter(Treeprocessor):
    """`links` is set before each conversion (none: the tree is left as it is)."""

    links: tuple[LinkAfter, ...] = ()

    def run(self, root: Element) -> None:
        if not self.links:
            return
        for parent in list(root.iter()):
            for index in reversed(range(len(parent))):
                anchor = parent[index]
                link = next((link for link in self.links if link.follows(anchor.get("href", ""))), None) \
                    if anchor.tag == "a" else None
                if link is not None:
                    added = parent.makeelement("a", {"class": link.css_class, "href": link.href})
                    added.text, added.tail, anchor.tail = link.text, anchor.tail, " "
                    parent.insert(index + 1, added)
