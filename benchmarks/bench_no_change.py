"""No-change build of the default blog against Python's floor, as paired process runs.

The floor is a process that imports what such a build cannot avoid (Jinja2, Python-Markdown,
PyYAML, click, pymdown-extensions). Each pair runs the floor, then `layerpress build` on an
unchanged blog; the ratio is taken per pair (wall and CPU time), and the median reported, so
that load from other processes on the machine affects both sides of a pair alike. Then the same
for a build after editing one post's prose, against the no-change build.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import os
import time
from pathlib import Path


PAIRS = 9
SOURCE = Path(__file__).resolve().parent.parent / "content"
FLOOR = [sys.executable, "-c", "import jinja2, markdown, yaml, click, pymdownx"]
PROSE_POST = "_posts/2026-11-14-what-a-shapes-cnn-sees.md"
# As on a user's machine: Python keeps compiled modules (__pycache__) between runs.
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one process run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENVIRONMENT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def build_command(source: Path, dest: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--source", str(source), "--dest", str(dest), "--quiet"]


def paired(first: list[str], second: list[str], before_second=lambda index: None) -> dict:
    """Median over PAIRS of second/first (wall, CPU), and the medians of each side."""
    rows = []
    for index in range(PAIRS):
        a = timed(first)
        before_second(index)
        b = timed(second)
        rows.append((a, b))
    return {clock: {"first": statistics.median(a[i] for a, _ in rows),
                    "second": statistics.median(b[i] for _, b in rows),
                    "ratio": statistics.median(b[i] / a[i] for a, b in rows)}
            for i, clock in enumerate(("wall", "CPU"))}


def report(label: str, result: dict, target: float) -> None:
    for clock, numbers in result.items():
        print(f"{label} ({clock}, median of {PAIRS} pairs): {numbers['second'] * 1000:.0f} ms vs "
              f"{numbers['first'] * 1000:.0f} ms, ratio {numbers['ratio']:.2f} (target <= {target})")


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "content"
        shutil.copytree(SOURCE, source, symlinks=True)  # the blog's cache comes along: models stay trained
        build = build_command(source, Path(folder) / "site")
        subprocess.run(build, check=True, env=ENVIRONMENT)  # warm: draws whatever the copied cache lacks
        report("no-change build vs import floor", paired(FLOOR, build), 1.5)
        post = source / PROSE_POST
        original = post.read_text()

        def edit_prose(index: int) -> None:
            post.write_text(original.replace("\n\n", f"\n\nEdited paragraph {index}.\n\n", 1))

        report("build after editing one post's prose vs no-change build", paired(build, build, edit_prose), 2.0)
