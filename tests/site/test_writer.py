"""SiteWriter: confinement, duplicate refusal, and the all-or-nothing swap into place."""

import json
import os
import time
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.writer import SiteWriter, remove_outputs


def test_commit_replaces_the_whole_folder(tmp_path):
    dest = tmp_path / "site"
    dest.mkdir()
    (dest / "stale.html").write_text("old")
    writer = SiteWriter(dest)
    writer.add_text("a/index.html", "new", "a.md")
    writer.commit()
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == \
        [".layerpress-site", "a/index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("path", ["../x.html", "a/../../x.html", "a/../..", ""])
def test_paths_outside_the_folder_are_refused(tmp_path, path):
    writer = SiteWriter(tmp_path / "site")
    with pytest.raises(OutputError, match="is outside the site folder"):
        writer.add_text(path, "x", "post.md")


def test_symlinked_folder_cannot_smuggle_a_path_out(tmp_path):
    dest = tmp_path / "site"
    dest.mkdir()
    (dest / "link").symlink_to(tmp_path)
    with pytest.raises(OutputError):
        SiteWriter(dest).add_text("link/x.html", "x", "post.md")


def test_two_items_writing_one_path_name_both(tmp_path):
    writer = SiteWriter(tmp_path / "site")
    writer.add_text("a/index.html", "1", "first.md")
    with pytest.raises(OutputError) as caught:
        writer.add_text("a/./index.html", "2", "second.md")
    assert caught.value.message == "'a/index.html' is written by both first.md and second.md"


def test_a_failure_while_writing_leaves_the_old_site_and_no_staging(tmp_path):
    dest = tmp_path / "site"
    dest.mkdir()
    (dest / "index.html").write_text("old")
    writer = SiteWriter(dest)
    writer.add_text("index.html", "new", "index.md")
    writer.add_file("missing.png", tmp_path / "does-not-exist.png", "figure")
    with pytest.raises(FileNotFoundError):
        writer.commit()
    assert (dest / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_linked_outputs_share_the_cached_file(tmp_path):
    cached = tmp_path / "cached.png"
    cached.write_bytes(b"png")
    writer = SiteWriter(tmp_path / "site")
    writer.add_file("figures/x.png", cached, "figure", link=True)
    writer.commit()
    assert (tmp_path / "site/figures/x.png").stat().st_ino == cached.stat().st_ino


def test_clean_removes_site_and_cache_but_refuses_the_sources(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source, dest = tmp_path / "content", tmp_path / "site"
    (source / ".layerpress-cache" / "models").mkdir(parents=True)
    (source / "_posts").mkdir()
    dest.mkdir()
    assert remove_outputs(source, dest) == [dest, source / ".layerpress-cache"]
    assert not dest.exists() and (source / "_posts").is_dir()
    with pytest.raises(OutputError, match="refusing to use .* it holds the source folder"):
        remove_outputs(source, tmp_path)


def test_unchanged_files_are_linked_from_the_old_site_and_changed_ones_written(tmp_path):
    dest, image = tmp_path / "site", tmp_path / "figure.png"
    image.write_bytes(b"\x89PNG" + bytes(range(256)) * 64)

    def build(text: str) -> None:
        writer = SiteWriter(dest)
        writer.add_text("same.html", "<p>same</p>", "same.md")
        writer.add_text("edited.html", text, "edited.md")
        writer.add_file("figures/x.png", image, "figure")
        writer.commit()
    build("<p>one</p>")
    before = {name: (dest / name).stat().st_ino for name in ("same.html", "edited.html", "figures/x.png")}
    build("<p>two</p>")
    after = {name: (dest / name).stat().st_ino for name in before}
    assert after["same.html"] == before["same.html"] and after["figures/x.png"] == before["figures/x.png"]
    assert after["edited.html"] != before["edited.html"] and (dest / "edited.html").read_text() == "<p>two</p>"
    assert all((dest / name).stat().st_nlink == 1 for name in before)   # the old site is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png", "site"]


def test_an_old_file_with_other_bytes_of_the_same_size_is_written_again(tmp_path):
    dest, image = tmp_path / "site", tmp_path / "figure.png"
    image.write_bytes(b"A" * 5000)

    def build() -> None:
        writer = SiteWriter(dest)
        writer.add_text("page.html", "<p>page</p>", "page.md")
        writer.add_file("figure.png", image, "figure")
        writer.commit()
    build()
    # Someone edits the published files in place, keeping their sizes.
    (dest / "page.html").write_text("<p>PAGE</p>")
    with open(dest / "figure.png", "r+b") as handle:
        handle.seek(4000)
        handle.write(b"B")
    build()
    assert (dest / "page.html").read_text() == "<p>page</p>" and (dest / "figure.png").read_bytes() == b"A" * 5000
    assert image.read_bytes() == b"A" * 5000


def bytes_read() -> int:
    """Bytes this process has read through read() so far (Linux)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def an_hour_ago(path) -> None:
    past = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(past, past))


def test_a_file_item_found_equal_before_is_linked_without_reading_either_file(tmp_path):
    dest, image, record = tmp_path / "site", tmp_path / "model.keras", tmp_path / "cache" / "copies.json"
    image.write_bytes(b"M" * 4_000_000)
    an_hour_ago(image)

    def commit() -> int:
        writer = SiteWriter(dest, record=record)
        writer.add_file("models/model.keras", image, "model")
        before = bytes_read()
        writer.commit()
        return bytes_read() - before
    commit()                                      # copied: the copy's mtime is now, too recent to record
    assert json.loads(record.read_text()) == {}
    an_hour_ago(dest / "models/model.keras")      # as if the copy were an hour old
    assert commit() >= 2 * 4_000_000              # compared byte for byte, then recorded
    inode = (dest / "models/model.keras").stat().st_ino
    assert commit() < 1_000_000                   # the record proves them equal: neither file is read
    assert (dest / "models/model.keras").stat().st_ino == inode

    # A write to either file, even one keeping its size, changes its mtime: bytes are compared again.
    with open(dest / "models/model.keras", "r+b") as handle:
        handle.write(b"X")
    commit()
    assert (dest / "models/model.keras").read_bytes() == b"M" * 4_000_000
    with open(image, "r+b") as handle:
        handle.write(b"Y")
    an_hour_ago(dest / "models/model.keras")
    commit()
    assert (dest / "models/model.keras").read_bytes() == b"Y" + b"M" * 3_999_999


def test_a_file_replaced_by_another_with_the_same_size_and_mtime_is_compared(tmp_path):
    dest, image, record = tmp_path / "site", tmp_path / "figure.png", tmp_path / "copies.json"
    image.write_bytes(b"A" * 5000)
    an_hour_ago(image)

    def commit() -> None:
        writer = SiteWriter(dest, record=record)
        writer.add_file("figure.png", image, "figure")
        writer.commit()
    commit()
    an_hour_ago(dest / "figure.png")
    commit()
    assert json.loads(record.read_text())["figure.png"]
    stamp = (dest / "figure.png").stat().st_mtime_ns
    (dest / "figure.png").unlink()
    (dest / "other.png").write_bytes(b"B" * 5000)   # holds the old inode number free a moment
    (dest / "figure.png").write_bytes(b"C" * 5000)
    os.utime(dest / "figure.png", ns=(stamp, stamp))
    commit()
    assert (dest / "figure.png").read_bytes() == b"A" * 5000


def tree(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_spare_folder_stages_the_next_site_and_keeps_the_replaced_one_untouched(tmp_path):
    dest, spare, image = tmp_path / "site", tmp_path / "cache" / "spare", tmp_path / "figure.png"
    image.write_bytes(b"png" * 1000)

    def commit(pages: dict) -> None:
        writer = SiteWriter(dest, keep=[".git"], spare=spare)
        for path, text in pages.items():
            writer.add_text(path, text, "page.md")
        writer.add_file("figures/x.png", image, "figure")
        writer.commit()
    commit({"a.html": "one", "old/b.html": "two", "c.html": "three"})
    (dest / ".git").mkdir()
    (dest / ".git" / "HEAD").write_text("ref: main")
    commit({"a.html": "one", "old/b.html": "TWO", "c.html": "three"})
    before = tree(dest)
    inodes = {path: (dest / path).stat().st_ino for path in ("a.html", "figures/x.png")}
    (dest / "c.html").write_text("3!!!!")   # someone edits the live site in place (the spare shares the file)
    before["c.html"] = b"3!!!!"
    commit({"a.html": "one", "new/d.html": "four", "c.html": "three"})

    assert tree(dest) == {".git/HEAD": b"ref: main", ".layerpress-site": before[".layerpress-site"],
                          "a.html": b"one", "c.html": b"three", "figures/x.png": b"png" * 1000,
                          "new/d.html": b"four"}
    assert {path: (dest / path).stat().st_ino for path in inodes} == inodes     # unchanged files linked
    replaced = tree(spare)    # the site replaced, as it was: never written into
    assert replaced == {path: data for path, data in before.items() if not path.startswith(".git/")}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "figure.png", "site"]
    assert sorted(p.name for p in spare.parent.iterdir()) == ["spare"]


def test_a_failed_commit_with_a_spare_leaves_the_site_as_it_was(tmp_path):
    dest, spare = tmp_path / "site", tmp_path / "cache" / "spare"
    for text in ("one", "two"):
        writer = SiteWriter(dest, spare=spare)
        writer.add_text("index.html", text, "index.md")
        writer.commit()
    writer = SiteWriter(dest, spare=spare)
    writer.add_text("index.html", "three", "index.md")
    writer.add_file("missing.png", tmp_path / "does-not-exist.png", "figure")
    with pytest.raises(FileNotFoundError):
        writer.commit()
    assert tree(dest) == {".layerpress-site": (dest / ".layerpress-site").read_bytes(), "index.html": b"two"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "site"]
    writer = SiteWriter(dest, spare=spare)          # the half-staged spare serves the next commit
    writer.add_text("index.html", "four", "index.md")
    writer.commit()
    assert (dest / "index.html").read_text() == "four" and not (dest / "missing.png").exists()


def test_a_spare_left_by_another_destination_serves_this_one(tmp_path):
    spare = tmp_path / "cache" / "spare"
    for dest, pages in ((tmp_path / "one", {"a.html": "A", "x/b.html": "B"}),
                        (tmp_path / "two", {"a.html": "a", "y/c.html": "C"}),
                        (tmp_path / "two", {"a.html": "a", "y/c.html": "C2"})):
        writer = SiteWriter(dest, spare=spare)
        for path, text in pages.items():
            writer.add_text(path, text, "page.md")
        writer.commit()
    assert tree(tmp_path / "two") == {".layerpress-site": (tmp_path / "two/.layerpress-site").read_bytes(),
                                      "a.html": b"a", "y/c.html": b"C2"}
    assert tree(tmp_path / "one")["x/b.html"] == b"B"


def test_a_spare_that_is_a_symlink_is_not_written_through(tmp_path):
    dest, spare, elsewhere = tmp_path / "site", tmp_path / "cache" / "spare", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    spare.parent.mkdir()
    spare.symlink_to(elsewhere, target_is_directory=True)
    for text in ("one", "two"):
        writer = SiteWriter(dest, spare=spare)
        writer.add_text("index.html", text, "index.md")
        writer.commit()
    assert (dest / "index.html").read_text() == "two"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
