"""The figure kinds' reference page, generated from their `KEYS` so docs and code cannot disagree.

    python -m generator.figures.reference > docs/reference/figures.md     (or: make reference)

tests/figures/test_kinds_contract.py checks that the committed page equals this output.
"""

from __future__ import annotations

import sys

from generator.config_reference import key_table
from generator.figures.registry import COMMON_KEYS, KINDS, kind_module

HEADER = """# Figure kinds: every key

Generated from the kinds' `KEYS` by `python -m generator.figures.reference` (`make reference`);
do not edit by hand. A figure block is a fenced `figure` block whose body is YAML; see the README
for examples of each kind. "required" keys have no default.
"""


def reference() -> str:
    sections = [HEADER, "## Keys of every kind\n\n" + key_table(COMMON_KEYS)]
    for name in sorted(KINDS):
        module = kind_module(name)
        summary = " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())
        sections.append(f"## `{name}`\n\n{summary}\n\n" + key_table(module.KEYS))
    return "\n".join(sections)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.stdout.write(reference())
