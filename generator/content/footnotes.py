"""kramdown's footnotes on top of Python-Markdown's footnotes extension.

Python-Markdown finds the references and definitions (numbered by first reference, as
`USE_DEFINITION_ORDER: False` asks); this tree processor, run after the extension's own, writes
them as kramdown does: footnotes nobody references are dropped, the n-th reference of a note has
the id `fnref:name:n-1`, and each note ends with one back-link per reference
(`↩`, `↩²` ...) inside its last paragraph, in a `div.footnotes` without a rule.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor

# A paragraph that only holds a stashed block (a code block, raw HTML) is not a paragraph.
STASHED_BLOCK = re.compile("\x02wzxhzdk:\\d+\x03")
# The paragraph that stands for kramdown's `{:footnotes}` list (generator/content/kramdown.py).
FOOTNOTES_HERE = "\x02kramdown-footnotes\x03"


class KramdownFootnotes(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        division = next((div for div in root.iter("div") if div.get("class") == "footnote"), None)
        place = next((p for p in root.iter("p") if (p.text or "").strip() == FOOTNOTES_HERE), None)
        if place is not None:    # the footnotes go where `{:footnotes}` was, or nothing does
            place_parent = parent_of(root, place)
            if division is not None:
                parent_of(root, division).remove(division)
                place_parent.insert(list(place_parent).index(place), division)
            place_parent.remove(place)
        if division is None:
            return
        references = self.rename_references(root)
        division.attrib = {"class": "footnotes", "role": "doc-endnotes"}
        for rule in division.findall("hr"):
            division.remove(rule)
        listing = division.find("ol")
        if listing is None:
            return
        order = list(references)         # names by first reference, in document order
        for item in sorted(listing, key=lambda item: order.index(note_name(item)) if note_name(item) in references
                           else len(order)):
            listing.remove(item)
            name = note_name(item)
            if name not in references:      # referenced nowhere: kramdown leaves it out
                continue
            item.set("role", "doc-endnote")
            self.write_backlinks(item, name, references[name])
            listing.append(item)
        if not len(listing):        # no note is referenced: kramdown writes no list
            parent_of(root, division).remove(division)

    @staticmethod
    def rename_references(root: etree.Element) -> dict[str, int]:
        """kramdown's markup, ids and numbers on every reference, in document order (Python-Markdown's
        inline pass numbers them in the order it visits elements, not always the document's); how many
        times each note is referenced, by first reference."""
        counts: dict[str, int] = {}
        for sup in root.iter("sup"):
            link = sup.find("a")
            if link is None or link.get("class") != "footnote-ref":
                continue
            name = link.get("href", "").split(":", 1)[-1]
            seen = counts.get(name, 0)
            counts[name] = seen + 1
            sup.attrib = {"id": f"fnref:{name}" + (f":{seen}" if seen else ""), "role": "doc-noteref"}
            link.attrib = {"href": f"#fn:{name}", "class": "footnote", "rel": "footnote"}
            link.text = str(list(counts).index(name) + 1)
        return counts

    @staticmethod
    def write_backlinks(item: etree.Element, name: str, count: int) -> None:
        for parent in list(item.iter()):
            for child in list(parent):
                if child.tag == "a" and child.get("class") == "footnote-backref":
                    parent.remove(child)
            for attribute in ("text", "tail"):
                value = getattr(parent, attribute)
                if value and NBSP_PLACEHOLDER in value:
                    setattr(parent, attribute, value.replace(NBSP_PLACEHOLDER, ""))
        last = item[-1] if len(item) else None
        if last is None or last.tag != "p" or STASHED_BLOCK.fullmatch((last.text or "").strip()):
            last = etree.SubElement(item, "p")
        for index in range(count):
            link = etree.Element("a", {"href": f"#fnref:{name}" + (f":{index}" if index else ""),
                                       "class": "reversefootnote", "role": "doc-backlink"})
            link.text = FN_BACKLINK_TEXT
            if index:
                etree.SubElement(link, "sup").text = str(index + 1)
            if len(last) or (last.text or "").strip():
                append_text(last, " ")
            last.append(link)


def parent_of(root: etree.Element, element: etree.Element) -> etree.Element:
    return next(candidate for candidate in root.iter() if element in list(candidate))


def note_name(item: etree.Element) -> str:
    """`fn:NAME` -> NAME."""
    return item.get("id", "").split(":", 1)[-1]


def append_text(element: etree.Element, text: str) -> None:
    """`text` after everything `element` holds."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text
