"""uptodate.file_stats: the listing a no-change build compares (os.walk's order and choices)."""

import os

from generator.uptodate import file_stats


def test_files_first_sorted_then_each_folder_and_the_skipped_folders_left_out(tmp_path, monkeypatch):
    root = tmp_path / "blog"
    for name in ("b.md", "a.md", "_posts/x.md", "_posts/deep/y.md", "site/index.html", ".cache/models/m.keras"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    (root / "linked-folder").symlink_to(root / "_posts", target_is_directory=True)
    (root / "linked.md").symlink_to(root / "a.md")
    (tmp_path / "through").symlink_to(root, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    # The skipped folders named by a relative path through a symlink are still recognised.
    rows = file_stats(root, skip=(tmp_path / "through" / ".cache", "through/site"))
    # a symlinked folder is not entered, but listed with its target (a new or changed link is a change)
    assert [row[0] for row in rows] == ["a.md", "b.md", "linked.md", "_posts/x.md", "_posts/deep/y.md", "linked-folder/"]
    status = os.stat(root / "_posts/deep/y.md")
    assert rows[-2][1:] == [status.st_size, status.st_mtime_ns]
    assert rows[-1][1:] == [-1, str(root / "_posts")]
    assert [row[0] for row in file_stats(tmp_path / "through")] == [
        "a.md", "b.md", "linked.md", ".cache/models/m.keras", "_posts/x.md", "_posts/deep/y.md", "linked-folder/",
        "site/index.html"]


def test_a_blog_reached_through_a_symlink_skips_its_own_cache(tmp_path):
    real = tmp_path / "real"
    (real / ".layerpress-cache").mkdir(parents=True)
    (real / ".layerpress-cache" / "entry.json").write_text("{}")
    (real / "post.md").write_text("x")
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    assert [row[0] for row in file_stats(tmp_path / "alias", skip=(real / ".layerpress-cache",))] == ["post.md"]
