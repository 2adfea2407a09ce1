"""What real blogs spend of each `layerpress.limits` budget: build each blog given (into a temporary
folder) and print, per blog, the most any one template render, document or YAML text took.

    PYTHONPATH=$PWD .venv/bin/python tools/measure_limits.py content tests/compat/fixture_* ~/src/other-blog

The numbers in docs/limits.md come from this script.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generator import budgets, site, yaml_lines
from generator.build import BuildOptions, build
from generator.errors import LayerpressError
from generator.liquid import environment

KEYS = ("loop_iterations", "include_depth", "output_bytes", "markdown_bytes", "yaml_bytes")
seen = dict.fromkeys(KEYS, 0)


def note(key: str, value: int) -> None:
    seen[key] = max(seen[key], value)


def instrument() -> None:
    """Record each budget's spending where it is checked (the checks themselves stay)."""
    spend, render, check_size = (environment.ModelAwareContext.spend, environment.JekyllEnvironment.render,
                                 budgets.check_size)

    def counted_spend(context, steps: int) -> None:
        spend(context, steps)
        note("loop_iterations", context.steps)
        note("include_depth", context.scope.size())

    def measured_render(env, template, variables):
        text = render(env, template, variables)
        note("output_bytes", len(text.encode()))
        return text

    def measured_check(text, name, **where):
        note(name, len(text.encode()))
        check_size(text, name, **where)

    environment.ModelAwareContext.spend = counted_spend          # type: ignore[method-assign]
    environment.JekyllEnvironment.render = measured_render       # type: ignore[method-assign]
    yaml_lines.check_size = site.check_size = measured_check     # type: ignore[attr-defined]


def main(blogs: list[str]) -> None:
    instrument()
    print("| blog | pages | " + " | ".join(KEYS) + " |")
    print("|---|---:|" + "---:|" * len(KEYS))
    for blog in blogs:
        seen.update(dict.fromkeys(KEYS, 0))
        with tempfile.TemporaryDirectory() as scratch:
            pages: int | str
            try:
                pages = build(BuildOptions(source=Path(blog), dest=Path(scratch) / "site")).pages_written
            except LayerpressError as problem:   # measured up to the failure (e.g. a collision when writing)
                pages = f"failed: {problem.message[:40]}..."
        print(f"| {blog} | {pages} | " + " | ".join(f"{seen[key]:,}" for key in KEYS) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
