"""What a rebuild after editing one post's prose imports, in a fresh process as a user runs it: the
Markdown converter is built (the edited post is converted), but nothing reads the installed packages'
metadata."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "compat" / "fixture_blog"
POST = "_posts/2020-03-15-code-and-footnotes.md"

BUILD = """
import json, sys
from pathlib import Path
from generator.build import BuildOptions, build
from generator.lazy import is_loaded
build(BuildOptions(source=Path(sys.argv[1]), dest=Path(sys.argv[2])))
print(json.dumps(sorted(name for name in list(sys.modules) if is_loaded(name))))
"""


def loaded_by_a_build(source: Path, dest: Path) -> set[str]:
    result = subprocess.run([sys.executable, "-c", BUILD, str(source), str(dest)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def edit_prose(post: Path) -> None:
    text = post.read_text()
    body = text.index("\n---\n", 4) + len("\n---\n")
    post.write_text(text[:body] + "\nAn *edited* paragraph.\n" + text[body:])


def test_a_prose_edit_build_converts_without_reading_package_metadata(tmp_path):
    work, site = tmp_path / "work", tmp_path / "site"
    shutil.copytree(FIXTURE, work)
    loaded_by_a_build(work, site)
    edit_prose(work / POST)
    loaded = loaded_by_a_build(work, site)
    assert {"markdown.core", "pymdownx.superfences", "pymdownx.highlight", "liquid"} <= loaded   # it converted
    assert "<em>edited</em>" in next(site.rglob("code-and-footnotes.html")).read_text()
    # superfences adds pymdownx.highlight by its name; Markdown's own lookup of a name reads every
    # installed package's entry points (importlib.metadata)
    assert "importlib.metadata" not in loaded
    # what the blog never uses: citations (citeproc), Babel (python-liquid's extra filters and message catalogs)
    assert not {"citeproc", "babel", "babel.dates", "liquid.extra"} & loaded
