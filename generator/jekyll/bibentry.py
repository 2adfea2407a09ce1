"""A BibTeX entry as jekyll-scholar 7 sees it through bibtex-ruby: read by citeproc-py's BibTeX parser
(keys keep their case, `@string`s replaced, months as bibtex-ruby parses them), shown to a bibliography
template as `entry` (jekyll-scholar's `liquidify`), queried (`@TYPE[field=value, ...]`), sorted and grouped.

`entry.FIELD` is the field's text after jekyll-scholar's `bibtex_filters` (default: `\\textsc`,
`\\textsuperscript`, `\\emph`, `\\textit`, `\\lowercase`, `\\textregistered`, `\\tiny` to HTML, then LaTeX to
Unicode); a name field also gives `FIELD_array` (`first`, `last`, `prefix`, `suffix` of each name) and
`FIELD_INDEX_PART`; `entry.bibtex` is the entry written back as BibTeX without `abstract`.
One deliberate difference: `$...$` math stays as written (for MathJax), where latex-decode drops the `$`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cmp_to_key
from pathlib import Path


NAME_FIELDS = ("author", "editor", "translator", "director", "producer", "composer")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
DEFAULT_FILTERS = ["smallcaps", "superscript", "italics", "textit", "lowercase", "textregistered", "tiny", "latex"]
# bibtex-ruby's query: `@TYPE` or `@*`, `!@TYPE`, each with optional `[conditions]` (`,`/`&&` all, `||` any).
QUERY = re.compile(r"(!)?@(\*|\w+)(?:\[([^\]]*)\])?")
CONDITION = re.compile(r"\s*([!~/^<>]?=|!~|=~|<|>)\s*")
# A command right before a brace or the end (`graph{\\rq}s`, `\\emph{x}`) stops citeproc-py's LaTeX parser:
# it drops braces before parsing and then looks past the end for more of the name. TeX's `\\/` (which writes
# nothing) after the name ends it; not before the argument of a command citeproc-py knows (`\\c{c}`).
LETTER_ARGUMENT = re.compile(r"\\([^A-Za-z\s{}\\]|[A-Za-z]+)\{(\\[A-Za-z]+|[^{}\\\s])\}")
COMMAND_BEFORE_BRACE = re.compile(r"(\\([A-Za-z]+))\s*(?=([{}]|\Z))")


@cache
def entry_parser() -> type:
    """The class of `EntryParser` (made on first use: citeproc loads only for a blog that cites)."""
    from citeproc.source.bibtex.bibparse import BibTeXParser

    class EntryParser(BibTeXParser):
        """citeproc-py's BibTeX parser, reading as bibtex-ruby does where they differ: a key keeps its case
        (`Perez-Garcia:2006aa`), `month = jan` stays `jan`, a bare number is text, an unknown bare word
        stays as written, names are split at `AND` too."""

        standard_variables = {month: month for month in MONTHS}

        def _parse_key(self, file) -> str:
            key = ""
            char = file.read(1)
            while char != ",":
                key += char
                char = file.read(1)
                if not char:
                    raise ValueError("end of file while parsing a key")
            return key.strip()

        def _parse_variable(self, file, char) -> str:
            word, restore = "", file.tell()
            while char.isalnum() or char in "-_":
                word += char
                restore = file.tell()
                char = file.read(1)
            file.seek(restore)
            return self.variables.get(word.lower(), self.standard_variables.get(word.lower(), word))

        def _parse_integer(self, file, char) -> str:
            return str(super()._parse_integer(file, char))

        def _parse_entry(self, file):
            """Names as BibTeX splits them (at `and` in any case, across line breaks); a repeated key renamed."""
            parsed = super()._parse_entry(file)
            if parsed is None:
                return None
            kind, key, fields = parsed
            for field in NAME_FIELDS:
                if field in fields:
                    fields[field] = re.sub(r"\s+and\s+", " and ", " ".join(fields[field].split()), flags=re.IGNORECASE)
            while key in self:    # bibtex-ruby keeps both entries of a key: the second as the key's `succ`
                key = ruby_succ(key)
            return kind, key, fields

    return EntryParser


def parse_bib(path: Path):
    """A .bib file read by `entry_parser()`: {key: citeproc-py's entry}, in the file's order."""
    return entry_parser()(str(path), "utf-8")


@dataclass
class Entry:
    """One entry: its key as written, its type (`article`), its fields (lower-case names) as written,
    `month` as bibtex-ruby's month filter leaves it and `month_numeric` after the others."""

    key: str
    type: str
    fields: dict[str, str]

    @classmethod
    def parsed(cls, key: str, raw) -> Entry:
        fields = {str(name).lower(): str(value) for name, value in raw.items()}
        if "month" in fields:
            fields["month"] = month_symbol(fields["month"])
            if fields["month"] in MONTHS:
                fields["month_numeric"] = str(MONTHS.index(fields["month"]) + 1)
        return cls(key, raw.document_type, fields)

    def names(self, field: str) -> list[dict[str, str]]:
        """The names of a name field as bibtex-ruby splits them (BibTeX's First von Last, Jr rules)."""
        from citeproc.source.bibtex.bibtex import parse_name, split_names

        names = []
        for name in split_names(self.fields.get(field, "")):
            first, von, last, jr = parse_name(name.strip())
            names.append({"first": first or "", "last": last or "", "prefix": von or "", "suffix": jr or ""})
        return names

    def value(self, field: str) -> str:
        """The field as bibtex-ruby's `Value#to_s` gives it: names in sort order (`Last, First and ...`)."""
        if field in NAME_FIELDS and field in self.fields:
            return " and ".join(sort_order(name) for name in self.names(field))
        return self.fields.get(field, "")


def read_entries(path: Path) -> dict[str, Entry]:
    """The entries of a .bib file in the file's order (citeproc-py's parser; text outside entries, such
    as al-folio's empty front matter, is skipped)."""
    return {key: Entry.parsed(key, raw) for key, raw in parse_bib(path).items()}


def ruby_succ(text: str) -> str:
    """Ruby's `String#succ` for a key: the rightmost letter or digit counts up, carrying leftwards
    (`gao2020learning` -> `gao2020learninh`, `az` -> `ba`, `a9` -> `b0`, `zz` -> `aaa`)."""
    chars = list(text)
    alnum = [index for index, char in enumerate(chars) if char.isascii() and char.isalnum()]
    if not alnum:
        return text[:-1] + chr(ord(text[-1]) + 1) if text else "\x01"
    for index in reversed(alnum):
        char = chars[index]
        wraps = {"z": "a", "Z": "A", "9": "0"}
        if char not in wraps:
            chars[index] = chr(ord(char) + 1)
            return "".join(chars)
        chars[index] = wraps[char]
    first = alnum[0]
    chars.insert(first, {"a": "a", "A": "A", "0": "1"}[chars[first]])
    return "".join(chars)


def month_symbol(value: str) -> str:
    """bibtex-ruby's MONTHS_FILTER: `January`/`jan` -> `jan`, `3` -> `mar`, anything else as it is."""
    text = value.strip()
    if re.match(r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", text, re.IGNORECASE):
        return text[:3].lower()
    if re.fullmatch(r"\d\d?", text) and 1 <= int(text) <= 12:
        return MONTHS[int(text) - 1]
    return value


def sort_order(name: dict[str, str]) -> str:
    """`von Last, Jr, First`, as bibtex-ruby's `Name#to_s`."""
    parts = [" ".join(part for part in (name["prefix"], name["last"]) if part), name["suffix"], name["first"]]
    return ", ".join(part for part in parts if part)


# -- `entry` in a bibliography template --

def liquid_entry(entry: Entry, filters: list, skip_fields: list) -> dict:
    """jekyll-scholar's `liquidify`: key, type, bibtex, then every field after the filters."""
    data: dict = {"key": entry.key, "type": entry.type, "bibtex": bibtex_text(entry, skip_fields)}
    for field in entry.fields:
        if field in NAME_FIELDS:
            names = [{part: filtered(text, filters) for part, text in name.items()} for name in entry.names(field)]
            data[field] = " and ".join(sort_order(name) for name in names)
            data[f"{field}_array"] = names
            for index, name in enumerate(names):
                for part, text in name.items():
                    data[f"{field}_{index}_{part}"] = text
        else:
            data[field] = filtered(entry.fields[field], filters)
    return data


def bibtex_text(entry: Entry, skip_fields: list) -> str:
    """The entry as bibtex-ruby writes it back (`Entry#to_s`): `@type{key,`, `  field = {value}` lines
    (names in sort order, a month as its bare name), `}`."""
    skipped = {str(name) for name in skip_fields} | {"month_numeric"}
    lines = []
    for field in entry.fields:
        if field in skipped:
            continue
        value = entry.value(field)
        written = value if field == "month" and value in MONTHS else "{" + value + "}"
        lines.append(f"{field} = {written}")
    content = re.sub(r"^", "  ", ",\n".join(lines), flags=re.MULTILINE)
    return f"@{entry.type}{{{entry.key},\n{content}\n}}\n"


def filtered(text: str, filters: list) -> str:
    """`text` through jekyll-scholar's `bibtex_filters`, in their order (names it does not know are skipped)."""
    for name in filters:
        apply = FILTERS.get(str(name).lower())
        if apply is not None:
            text = apply(text)
    return text


def command_to(command: str, before: str, after: str, change=lambda text: text):
    """A filter replacing `\\command{argument}` (braces balanced) by `before + argument + after`."""
    opening = re.compile(re.escape("\\" + command) + r"\{")

    def apply(text: str) -> str:
        out, position = [], 0
        while (found := opening.search(text, position)) is not None:
            depth, end = 1, found.end()
            while end < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            if depth:
                break
            out += [text[position:found.start()], before, change(text[found.end():end - 1]), after]
            position = end
        return "".join(out) + text[position:]
    return apply


def latex_to_unicode(text: str) -> str:
    """latex-decode's job, by citeproc-py's LaTeX parser: accents and symbols to Unicode, braces dropped,
    commands it does not know kept as written; then latex-decode's quotes (`'` -> ’, `` ` `` -> ‘)."""
    from citeproc.source.bibtex.latex import parse_latex

    try:
        decoded = parse_latex(names_ended(text), keep_unknown_macros())
    except Exception:          # citeproc-py's parser fails on some malformed input: then the text as written
        return text
    return re.sub(r"(\$[^$]*\$)|'|`", lambda m: m.group(1) or ("\u2019" if m.group() == "'" else "\u2018"), decoded)


def names_ended(text: str) -> str:
    """LaTeX that citeproc-py's parser reads whole: a known command's one-letter argument without braces
    (`{\\c{c}}` -> `{\\c c}`: citeproc-py drops the braces inside a group), then `\\/` after each command
    that ends a braced group or the text, or that is no command it knows and comes before a brace."""
    from citeproc.source.bibtex.latex.macro import MACROS

    def unbraced(found: re.Match) -> str:
        return f"\\{found.group(1)} {found.group(2)}" if found.group(1) in MACROS else found.group()

    def ended(found: re.Match) -> str:
        known_with_argument = found.group(3) == "{" and found.group(2) in MACROS
        return found.group(1) if known_with_argument else found.group(1) + "\\/"
    return COMMAND_BEFORE_BRACE.sub(ended, LETTER_ARGUMENT.sub(unbraced, text))


def keep_unknown_macros() -> dict:
    """LaTeX commands for citeproc-py's parser: one it does not know is kept as written, `\\/` writes nothing."""
    from citeproc.source.bibtex.latex.macro import Macro

    class KeepUnknown(dict):
        def __missing__(self, name: str) -> Macro:
            return Macro(0, "\\" + name)
    return KeepUnknown({"/": Macro(0, "")})


FILTERS = {
    "smallcaps": command_to("textsc", '<font style="font-variant: small-caps">', "</font>"),
    "superscript": command_to("textsuperscript", "<sup>", "</sup>"),
    "italics": command_to("emph", "<i>", "</i>"),
    "textit": command_to("textit", "<i>", "</i>"),
    "lowercase": command_to("lowercase", "", "", str.lower),
    "textregistered": lambda text: text.replace("\\textregistered", "&#0174"),
    "tiny": command_to("tiny", '<span class="tiny">', "</span>"),
    "linebreaks": lambda text: re.sub(r"\s*[\r\n]+\s*", " ", text),
    "latex": latex_to_unicode,
}


# -- queries, sorting, grouping --

def matches(entry: Entry, query: str) -> bool:
    """bibtex-ruby's `Element#matches?` for a query string: any `@TYPE[...]` part of it holds."""
    parts = QUERY.findall(query)
    if not parts:
        return entry.key == query.strip()
    for negated, kind, conditions in parts:
        type_holds = kind == "*" or kind.lower() in ("entry", entry.type.lower())
        if type_holds == bool(negated):
            continue
        if not conditions.strip() or any(all(meets(entry, condition) for condition in re.split(r"\s*(?:,|&&)\s*", group))
                                          for group in re.split(r"\s*\|\|\s*", conditions)):
            return True
    return False


def meets(entry: Entry, condition: str) -> bool:
    """One `field OP value` condition (bibtex-ruby's `meets_condition?`)."""
    parts = CONDITION.split(condition, maxsplit=1)
    field = parts[0].strip()
    if not field:
        return True
    if len(parts) == 1:
        return field in entry.fields
    operator, value = parts[1], parts[2].strip()
    actual = entry.key if field == "key" else (entry.value(field) if field in entry.fields else None)
    if operator in ("!=", "/="):
        return actual is None or actual != value
    if operator == "^=":
        return actual is not None and re.match(value, actual) is not None
    if operator in ("~=", "=~"):
        return actual is not None and re.search(value, actual) is not None
    if operator == "!~":
        return actual is None or re.search(value, actual) is None
    if operator in ("<=", ">=", "<", ">"):
        if actual is None:
            return False
        order = compare(actual, value)      # numbers as numbers, else as text
        return {"<=": order <= 0, ">=": order >= 0, "<": order < 0, ">": order > 0}[operator]
    return actual is not None and actual == value


def compare(left, right) -> int:
    """bibtex-ruby's `Value#<=>`: numbers as numbers, anything else as text."""
    if isinstance(left, str) and isinstance(right, str) and left.isdigit() and right.isdigit():
        left, right = int(left), int(right)
    elif type(left) is not type(right):
        left, right = str(left), str(right)
    return (left > right) - (left < right)


def named(entry: Entry) -> str:
    """jekyll-scholar's `name` sort and group key: author, else editor, institution, organization, publisher."""
    for field in ("author", "editor", "institution", "organization", "publisher"):
        if field in entry.fields:
            return entry.value(field)
    return ""


def sorted_entries(entries: list, keys: list[str], orders: list[str]) -> list:
    """(bibliography, entry) pairs sorted by `sort_by` keys, each ascending or descending (`order`)."""
    def value(entry: Entry, key: str) -> str:
        if key == "name":
            return re.sub(r"\A[{\s]+|[}\s]+\Z", "", named(entry)).lower()
        return entry.value(key)

    def by_keys(one, other) -> int:
        for index, key in enumerate(keys):
            order = orders[index] if index < len(orders) else (orders[-1] if orders else "ascending")
            result = compare(value(one[1], key), value(other[1], key))
            if re.match(r"desc|reverse", order, re.IGNORECASE):
                result = -result
            if result:
                return result
        return 0
    return sorted(entries, key=cmp_to_key(by_keys))


def group_value(entry: Entry, key: str, type_aliases: dict):
    """The value an entry is grouped under for `group_by` key `key` (jekyll-scholar's `group_value`)."""
    if key == "type":
        return type_aliases.get(entry.type, entry.type)
    if key in ("year", "date"):
        return entry.fields.get(key, "")
    if key == "name":
        return named(entry)
    text = entry.value(key)
    return int(text) if text.isdigit() else text


def group_name(key: str, value, type_names: dict, month_names) -> str:
    if key == "type":
        return str(type_names.get(value, value))
    if key == "month_numeric":
        names = list(month_names) if month_names else list(MONTH_NAMES)
        return names[value - 1] if isinstance(value, int) and 0 < value <= len(names) else "(unknown)"
    return str(value)
