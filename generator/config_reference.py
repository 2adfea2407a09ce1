"""The `_config.yml` reference page, generated from `CONFIG_KEYS` and `LAYERPRESS_KEYS` so docs and code
cannot disagree.

    python -m generator.config_reference > docs/reference/config.md     (or: make reference)

tests/test_config_keys.py checks that the committed page equals this output.
"""

from __future__ import annotations

import json
import sys

from generator.config import CONFIG_KEYS, KNOWN_JEKYLL_KEYS, Section
from generator.options import REQUIRED, Option
from generator.readable import KIND_NAMES, LIMITS, size_text

HEADER = """# `_config.yml`: every key layerpress checks

Generated from `generator/config.py` (`CONFIG_KEYS`, `LAYERPRESS_KEYS`) by
`python -m generator.config_reference` (`make reference`); do not edit by hand. A wrong value stops
the build with one line, `error: _config.yml:LINE: 'KEY' must be ..., not VALUE (hint)`. A null value
(`key:`) takes the default. Other keys Jekyll knows are accepted unchecked and templates see every key
as `site.KEY`; an unknown key only warns.
"""

READS = """## What a build may read

A build reads a file only if it resolves, symlinks followed, inside the blog folder, the installed theme
gem `theme:` names, or a folder of `layerpress.shared_folders` (not `/`, the home folder or a folder
holding the blog or it); `data_dir`, `theme` (a folder), `sass.sass_dir` and `sass.load_paths` must too. It
reads only regular files (a pipe, device or socket is refused before it is opened), each within the
limit of its kind (`LIMITS` in `generator/readable.py`):

| file | largest size |
|---|---|
"""


def reference() -> str:
    sections = [HEADER, "## Top-level keys\n\n" + key_table(CONFIG_KEYS)]
    sections += [f"## `{path}:`\n\n" + section_note(section) + key_table(section.options)
                 for path, section in nested_sections(CONFIG_KEYS)]
    sections.append(READS + "\n".join(f"| {KIND_NAMES[kind]} | {size_text(limit)} |"
                                       for kind, limit in LIMITS.items()) + "\n")
    sections.append("## Jekyll keys accepted unchecked\n\n" + ", ".join(f"`{key}`" for key in sorted(
        KNOWN_JEKYLL_KEYS - set(CONFIG_KEYS))) + "\n")
    return "\n".join(sections)


def nested_sections(options: dict[str, Option], prefix: str = ""):
    """(dotted path, Section) of every mapping of options, depth first."""
    for name, option in options.items():
        if isinstance(option.check, Section):
            yield f"{prefix}{name}", option.check
            yield from nested_sections(option.check.options, f"{prefix}{name}.")


def section_note(section: Section) -> str:
    return "Other keys are accepted unchecked.\n\n" if section.others else ""


def key_table(options: dict[str, Option]) -> str:
    rows = ["| key | default | accepts | meaning |", "|---|---|---|---|"]
    for name, option in options.items():
        rows.append(f"| `{name}` | {default_cell(option.default)} | {cell(option.expects)} | {cell(option.help)} |")
    return "\n".join(rows) + "\n"


def default_cell(value) -> str:
    if value is REQUIRED:
        return "required"
    if value is None:
        return "none"
    if isinstance(value, str) and value and "\n" not in value:
        return f"`{value}`"
    return cell(f"`{json.dumps(value)}`")


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.stdout.write(reference())
