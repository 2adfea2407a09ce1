"""A build with nothing changed since the last one writes nothing; any change in what it reads,
or in what it wrote, makes it a full build again."""

import os
from pathlib import Path

from generator.build import BuildOptions, build

POST = "---\ntitle: A\n---\nFirst version.\n"


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def touch_later(path: Path) -> None:
    """Give the file a modification time one second later, as an editor's save would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_second_build_with_nothing_changed_rewrites_nothing(blog):
    blog.write("_posts/2020-01-01-a.md", POST)
    assert blog.build() == 0
    written = stamps(blog.dest)
    options = BuildOptions(source=blog.source, dest=blog.dest)
    result = build(options)
    assert stamps(blog.dest) == written
    assert result.pages_written == len([p for p in written if p.endswith(".html")])


def test_an_edited_post_is_rebuilt(blog):
    post = blog.write("_posts/2020-01-01-a.md", POST)
    assert blog.build() == 0
    post.write_text(POST.replace("First", "Second"))
    touch_later(post)
    assert blog.build() == 0
    assert "Second version." in blog.read("2020/01/01/a.html")


def test_a_touched_or_missing_output_file_is_written_again(blog):
    blog.write("_posts/2020-01-01-a.md", POST)
    assert blog.build() == 0
    page = blog.dest / "2020/01/01/a.html"
    original = page.read_text()
    page.write_text("tampered")
    touch_later(page)
    assert blog.build() == 0
    assert page.read_text() == original
    page.unlink()
    assert blog.build() == 0
    assert page.read_text() == original


def test_other_options_or_a_new_layout_are_a_change(blog):
    blog.write("_posts/2020-01-01-a.md", POST)
    blog.write("_drafts/b.md", "---\ntitle: B\n---\nA draft.\n")
    assert blog.build() == 0
    assert not any("b.html" in name for name in blog.files())
    assert blog.build("--drafts") == 0
    assert any(name.endswith("/b.html") for name in blog.files())
    blog.write("_layouts/post.html", "<main>{{ content }}</main>\n")
    assert blog.build() == 0
    assert blog.read("2020/01/01/a.html") == "<main><p>First version.</p></main>\n"


def test_a_second_build_from_the_folder_holding_the_site_rewrites_nothing(blog):
    """`make site` runs from the folder the site is swapped into, which is on sys.path as the working
    folder: that folder's own change must not count as a changed library."""
    import subprocess
    import sys

    blog.write("_posts/2020-01-01-a.md", POST)
    command = [sys.executable, "-m", "generator", "build", "--source", str(blog.source), "--dest", blog.dest.name,
               "--quiet"]
    subprocess.run(command, cwd=blog.dest.parent, check=True)
    written = stamps(blog.dest)
    subprocess.run(command, cwd=blog.dest.parent, check=True)
    assert stamps(blog.dest) == written
