"""`layerpress publish` into a real bare repository, from a real working clone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from .conftest import make_blog, write_post

from generator import __version__
from generator.errors import PublishError
from generator.publish import PublishOptions, publish

REPO = Path(__file__).resolve().parents[2]


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def clone(tmp_path) -> Path:
    """A working clone of a fresh bare repository, holding a committed tiny blog."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(work)], check=True, capture_output=True)
    git(work, "config", "user.name", "Test Author")
    git(work, "config", "user.email", "author@example.org")
    make_blog(work / "content")
    git(work, "add", ".")  # no .gitignore: the site and the cache must not count as changes
    git(work, "commit", "--quiet", "-m", "A tiny blog")
    git(work, "push", "--quiet", "origin", "HEAD")
    return work


def options(clone: Path, **overrides) -> PublishOptions:
    return PublishOptions(source=clone / "content", dest=clone / "site", **overrides)


def site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_publish_pushes_exactly_the_site_and_nojekyll(clone):
    result = publish(options(clone))
    remote = clone.parent / "remote.git"
    published = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert published == site_files(clone / "site") | {".nojekyll"}
    assert "2026/01/01/hello.html" in published
    assert git(remote, "rev-parse", "gh-pages") == result.commit
    for path in site_files(clone / "site"):
        assert git(remote, "show", f"gh-pages:{path}") == (clone / "site" / path).read_text().strip()


def test_message_names_the_source_commit_and_version(clone):
    head = git(clone, "rev-parse", "--short", "HEAD")
    publish(options(clone))
    publish(options(clone))  # now site/ and the cache exist, untracked
    message = git(clone.parent / "remote.git", "log", "-1", "--format=%B", "gh-pages")
    assert message == f"Built from {head} with layerpress {__version__}"


def test_second_publish_adds_one_commit_and_marks_a_dirty_tree(clone):
    first = publish(options(clone))
    write_post(clone / "content", "Words not yet committed.")
    second = publish(options(clone, message="Preview a new paragraph"))
    remote = clone.parent / "remote.git"
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert git(remote, "rev-parse", "gh-pages^") == first.commit
    head = git(clone, "rev-parse", "--short", "HEAD")
    assert git(remote, "log", "-1", "--format=%B", "gh-pages") == (
        f"Preview a new paragraph\n\nBuilt from {head}+dirty with layerpress {__version__}")
    assert "Words not yet committed." in git(remote, "show", "gh-pages:2026/01/01/hello.html")
    assert second.pushed


def test_publish_from_another_clone_builds_on_the_published_branch(clone, tmp_path):
    other = tmp_path / "other"  # cloned before the first publish: it has not seen gh-pages yet
    subprocess.run(["git", "clone", "--quiet", str(tmp_path / "remote.git"), str(other)], check=True,
                   capture_output=True)
    git(other, "config", "user.name", "Other Author")
    git(other, "config", "user.email", "other@example.org")
    first = publish(options(clone))
    publish(options(other))
    remote = tmp_path / "remote.git"
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert git(remote, "rev-parse", "gh-pages^") == first.commit


def test_no_push_commits_locally_only(clone):
    result = publish(options(clone, push=False))
    assert git(clone, "rev-parse", "gh-pages") == result.commit
    remote_branches = git(clone.parent / "remote.git", "branch", "--list", "gh-pages")
    assert remote_branches == ""


def test_refuses_a_folder_that_is_not_a_git_repository(tmp_path):
    blog = make_blog(tmp_path / "blog")
    with pytest.raises(PublishError) as raised:
        publish(PublishOptions(source=blog, dest=tmp_path / "site"))
    assert raised.value.message == f"'{blog}' is not inside a git repository, nothing to publish to"
    assert raised.value.hint == "run `git init` and add a remote, or work in a clone of the blog's repository"
    assert not (tmp_path / "site").exists()


def test_refuses_after_a_failed_build_and_commits_nothing(clone):
    post = clone / "content" / "_posts" / "2026-01-01-hello.md"
    post.write_text("---\ntitle: [unclosed\n---\nBroken.\n")
    with pytest.raises(PublishError) as raised:
        publish(options(clone))
    assert raised.value.message.startswith("the build failed, nothing published: ")
    assert Path(raised.value.file).name == post.name and raised.value.line
    assert git(clone, "branch", "--list", "gh-pages") == ""
    assert git(clone.parent / "remote.git", "branch", "--list", "gh-pages") == ""


def test_unknown_remote_is_named_with_a_hint(clone):
    with pytest.raises(PublishError) as raised:
        publish(options(clone, remote="orign"))
    assert str(raised.value) == "the repository has no remote named 'orign' (did you mean 'origin'?)"


def test_cli_publish_and_its_one_line_error(clone, tmp_path):
    ok = subprocess.run([sys.executable, "-m", "generator", "publish", "--no-push"], cwd=clone,
                        capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin",
                                                              "HOME": str(tmp_path)})
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"published {git(clone, 'rev-parse', '--short=7', 'gh-pages')}: committed to gh-pages")

    outside = make_blog(tmp_path / "elsewhere")
    failed = subprocess.run([sys.executable, "-m", "generator", "publish", "--source", str(outside)],
                            cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode == 1
    assert failed.stderr == (f"error: '{outside}' is not inside a git repository, nothing to publish to "
                             "(run `git init` and add a remote, or work in a clone of the blog's repository)\n")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


# (working folder, arguments, the site folder they build), from the repository's clone
PUBLISH_FROM = [
    (".", ["--source", "content"], "site"),                                  # the repository's top folder
    ("..", ["--source", "work/content"], "../site"),                         # outside the repository
    ("content", ["--source", "."], "content/site"),                          # inside the blog, as Jekyll
    ("notes", ["--source", "../content", "--dest", "../public"], "public"),  # a sibling, a relative --dest
]


def test_publish_from_any_working_folder_with_the_default_or_a_relative_dest(clone):
    """One after the other on one blog: each build's memos (kept in the blog's cache) hold for its own
    working folder only."""
    (clone / "notes").mkdir()
    remote = clone.parent / "remote.git"
    for number, (working_folder, args, site) in enumerate(PUBLISH_FROM, start=1):
        run = cli("publish", *args, cwd=clone / working_folder)
        assert run.returncode == 0, (working_folder, run.stderr)
        assert run.stdout.startswith("published ") and "Traceback" not in run.stderr
        published = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
        assert published == site_files(clone / site) | {".nojekyll"}
        assert git(remote, "rev-list", "--count", "gh-pages") == str(number)
