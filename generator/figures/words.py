"""Words about a drawing, checked against it: what a caption may claim about a figure's layout.

A kind records the layout facts of what it drew in its record, `record["layout"]` (posts quote them as
`{{ figures.ID.layout.KEY }}`), and states them in its note. The stage checks every caption against them at
build time (`check_caption`): a caption that claims "two maps per row", "errors above the maps", "bars" or
"the marker shows the best epoch" where the drawing has something else stops the build at the caption's line.

The facts a caption is checked against (each optional):
    maps_per_row: int               a grid's maps per row (on the desktop column)
    form: "grid" | "strip" | "both" | "channel"
    counts: {noun: int}             "twelve test images", "the 32 channels", "three most likely classes"
    positions: {noun: "above" | "below"}   "the errors printed below the difference maps" (a clause naming the
                                    noun, singular or plural, may use no other position word)
    probabilities: "bars" | "percentages"   how class probabilities are drawn
    best_epoch_mark: str | None     how the kept epoch is marked ("dashed vertical line"), None: not marked
    columns: [str]                  the panels of one image, left to right: ["input", "predicted", "label"]
    channel: int                    the one channel shown ("channel 0 of the first convolution")
    sizes: {noun: [rows, columns]}  "a 2x2 RGB image", "the sixteen 3x3 kernels" (either order)
"""

from __future__ import annotations

import html
import re

from generator.errors import FigureError

FACTS = "layout"  # the record's key
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
           "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
           "sixty": 60, "sixty-four": 64, "hundred": 100}
# A number as a word of its own: not the 3 of "3x3", not "one's".
NUMBER = (r"(?<![\w×.,/'-])(\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")(?![\w×.,/'-])")
# A word between a number and its noun ("three hand-drawn probes"): no number, no possessive, no "of".
BETWEEN = r"(?:(?!" + NUMBER + r"|(?:of|per|for|in|with|from)\b)[\w×&;-]+\s+)"
CHANNEL = re.compile(r"\bchannel (\d+)\b")
PER_ROW = re.compile(NUMBER + r"\s+(?:\w+\s+)?maps?\s+(?:per|a|in each|on each|to a)\s+row|grid of\s+" + NUMBER)
ROW = re.compile(r"\s+(?:per|a|in each|on each|to a)\s+row\b")
FORMS = {"grid": re.compile(r"\bgrids?\b"), "strip": re.compile(r"\bstrips?\b")}
BARS = re.compile(r"\bbars?\b(?!\s+(?:is|are)\s+not)|\bbar chart|\bhistograms?\b")
BEST_EPOCH = re.compile(r"\b(?:best|kept|checkpoint\w*|chosen)\b.*\bepoch|\bepoch\b.*\b(?:best|kept|checkpoint\w*)\b")
MARKS = re.compile(r"\b(markers?|dots?|stars?|crosses|cross|circles?|diamonds?|points?|dashed|dotted|solid|"
                   r"vertical|lines?)\b")
POSITION_WORDS = {"above": "above", "over": "above", "below": "below", "under": "below", "beneath": "below",
                  "underneath": "below"}
POSITION = re.compile(r"\b(" + "|".join(POSITION_WORDS) + r")\b")
COLUMN_WORDS = {"left": 0, "middle": 1, "centre": 1, "center": 1, "right": -1}
CLASS_COLUMN = re.compile(r"\b(predicted|true|labelled)\s+class\s*\((left|middle|centre|center|right)\)")
COLUMN_OF = {"predicted": "predicted", "true": "label", "labelled": "label"}


class CaptionMismatch(FigureError):
    """A caption's words contradict the drawing: `file:line: figure 'ID': caption says "...", ...`."""


def number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word.lower()]


def in_words(count: int) -> str:
    """3 -> 'three' (up to twenty), else digits."""
    names = {value: name for name, value in NUMBERS.items() if value <= 20}
    return names.get(count, str(count))


def plain(caption: str) -> str:
    """A caption's words: entities decoded, markdown emphasis and code marks dropped, one line, lower case."""
    text = html.unescape(caption).replace("`", "").replace("*", "").replace("_", " ")
    return " ".join(text.split()).lower()


def clauses(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[.;:!?]\s+|[.;:!?]$", text) if part.strip()]


def problems(caption: str, facts: dict) -> list[tuple[str, str]]:
    """(the caption's words, what the drawing has) for every claim of the caption the facts contradict."""
    text = plain(caption)
    found: list[tuple[str, str]] = []
    found += _per_row(text, facts)
    found += _forms(text, facts)
    found += _counts(text, facts)
    found += _channel(text, facts) + _sizes(text, facts)
    for clause in clauses(text):
        found += _bars(clause, facts) + _best_epoch(clause, facts) + _positions(clause, facts) + _columns(clause, facts)
    return found


def check_caption(request, facts: dict | None) -> None:
    """Stop the build at the caption's line when its words contradict the drawn layout."""
    caption = request.options.get("caption") or ""
    if not caption or not facts:
        return
    found = problems(caption, facts)
    if found:
        words, drawn = found[0]
        raise CaptionMismatch(f"figure '{request.figure_id}': the caption says \"{words}\", but {drawn}",
                              file=request.source_path, line=request.line_of("caption"),
                              hint="change the caption, or the figure's options; the note under the figure "
                                   "says what is drawn")


def _per_row(text: str, facts: dict) -> list[tuple[str, str]]:
    drawn = facts.get("maps_per_row")
    found = []
    for match in PER_ROW.finditer(text):
        claimed = number(match[1] or match[2])
        if drawn is None:
            found.append((match[0], "the figure has no grid of a fixed number of maps per row"))
        elif claimed != drawn:
            found.append((match[0], f"its grid has {drawn} maps per row"))
    return found


def _forms(text: str, facts: dict) -> list[tuple[str, str]]:
    form = facts.get("form")
    if form is None:
        return []
    drawn = {"grid": {"grid"}, "strip": {"strip"}, "both": {"grid", "strip"}, "channel": set()}[form]
    return [(match[0], f"the maps are drawn as {' and '.join(sorted(drawn)) or 'one enlarged channel'}")
            for name, pattern in FORMS.items() if name not in drawn for match in pattern.finditer(text)]


def _counts(text: str, facts: dict) -> list[tuple[str, str]]:
    """'twelve test images' where the figure has 18: a number before a noun the kind counted, a few words apart.
    A number is right when any noun it reaches counts as many ("six convolution and pooling layers")."""
    counts = facts.get("counts") or {}
    patterns = {noun: re.compile(NUMBER + r"\s+" + BETWEEN + r"{0,3}?" + re.escape(noun) + r"\b")
                for noun in counts}
    found = []
    for start in re.finditer(NUMBER, text):
        reached = {noun: match for noun, pattern in patterns.items() if (match := pattern.match(text, start.start()))
                   and not ROW.match(text, match.end())}  # "two maps per row" is the grid's rule
        if reached and not any(number(match[1]) == counts[noun] for noun, match in reached.items()):
            noun, match = min(reached.items(), key=lambda item: len(item[1][0]))
            found.append((match[0], f"the figure has {counts[noun]} {noun}"))
    return found


def _channel(text: str, facts: dict) -> list[tuple[str, str]]:
    if facts.get("channel") is None:
        return []
    return [(match[0], f"the figure shows channel {facts['channel']}")
            for match in CHANNEL.finditer(text) if int(match[1]) != facts["channel"]]


def _sizes(text: str, facts: dict) -> list[tuple[str, str]]:
    found = []
    for noun, (rows, columns) in (facts.get("sizes") or {}).items():
        pattern = re.compile(r"(?<![\w.])(\d+)\s*[×x]\s*(\d+)\s+" + BETWEEN + r"{0,2}?" + re.escape(noun) + r"\b")
        for match in pattern.finditer(text):
            if {(int(match[1]), int(match[2])), (int(match[2]), int(match[1]))} != {(rows, columns), (columns, rows)}:
                found.append((match[0], f"the {noun} {'are' if noun.endswith('s') else 'is'} {rows}\u00d7{columns}"))
    return found


def _bars(clause: str, facts: dict) -> list[tuple[str, str]]:
    drawn = facts.get("probabilities")
    match = BARS.search(clause)
    if drawn is None or drawn == "bars" or not match:
        return []
    return [(clause, "the probabilities are printed as percentages, not drawn as bars")]


def _best_epoch(clause: str, facts: dict) -> list[tuple[str, str]]:
    if "best_epoch_mark" not in facts or not BEST_EPOCH.search(clause):
        return []
    claimed = MARKS.findall(clause)
    if not claimed:
        return []
    drawn = facts["best_epoch_mark"]
    if drawn is None:
        return [(clause, "no epoch is marked (the model has no best epoch)")]
    wrong = [word for word in claimed if word.rstrip("s") not in drawn]
    return [(clause, f"the kept epoch is marked by a {drawn}")] if wrong else []


def _positions(clause: str, facts: dict) -> list[tuple[str, str]]:
    found = []
    for thing, drawn in (facts.get("positions") or {}).items():
        if re.search(r"\b" + re.escape(thing.rstrip("s")) + r"s?\b", clause):
            for match in POSITION.finditer(clause):
                if POSITION_WORDS[match[1]] != drawn:
                    found.append((clause, f"the drawing puts the {thing} {drawn}"))
    return found


def _columns(clause: str, facts: dict) -> list[tuple[str, str]]:
    columns = facts.get("columns")
    if not columns:
        return []
    found = []
    for match in CLASS_COLUMN.finditer(clause):
        which, where = COLUMN_OF[match[1]], COLUMN_WORDS[match[2]]
        if which not in columns or columns.index(which) != where % len(columns):
            found.append((match[0], f"each image's panels are, left to right: {', '.join(columns)}"))
    return found
