"""A rebuild after editing one post's prose (Markdown cache, code-block cache, files linked from the old
site) writes exactly the site a clean build of the edited blog writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import BuildOptions, build
from generator.destination import MARKER

FIXTURE = Path(__file__).resolve().parents[1] / "compat" / "fixture_blog"
POST = "_posts/2020-03-15-code-and-footnotes.md"
POST_PAGE = "2020/03/15/code-and-footnotes.html"
PARAGRAPH = "An *edited* paragraph, the first of the post."


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


def code_entries(source: Path) -> dict[str, int]:
    folder = source / ".layerpress-cache" / "markdown" / "code"
    return {path.name: path.stat().st_mtime_ns for path in folder.rglob("*.json")}


def test_a_prose_edit_rebuilds_the_site_a_clean_build_writes(tmp_path):
    work, site = tmp_path / "work", tmp_path / "site"
    shutil.copytree(FIXTURE, work)
    build(BuildOptions(source=work, dest=site))
    before, before_inodes, code_before = tree(site), inodes(site), code_entries(work)
    assert code_before   # the post's fenced code is kept

    post = work / POST
    text = post.read_text()
    body = text.index("\n---\n", 4) + len("\n---\n")
    post.write_text(text[:body] + f"\n{PARAGRAPH}\n" + text[body:])
    build(BuildOptions(source=work, dest=site))
    after, after_inodes = tree(site), inodes(site)

    clean, clean_site = tmp_path / "clean", tmp_path / "clean-site"
    shutil.copytree(work, clean, ignore=shutil.ignore_patterns(".layerpress-cache"))
    build(BuildOptions(source=clean, dest=clean_site))
    assert after == tree(clean_site)

    edited = "An <em>edited</em> paragraph"
    assert edited in after[POST_PAGE].decode() and edited in after["index.html"].decode()   # the excerpt
    changed = {path for path in after if after[path] != before.get(path)}
    assert {POST_PAGE, "index.html", "feed.xml"} <= changed
    unchanged = set(after) - changed - {MARKER}   # the marker is written by every commit
    assert "2020/01/05/math.html" in unchanged
    assert sorted(path for path in unchanged if after_inodes[path] != before_inodes[path]) == []   # linked
    assert code_entries(work) == code_before   # the code blocks were highlighted from the cache
