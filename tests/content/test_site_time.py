"""`site.time` follows the reproducible-builds convention: SOURCE_DATE_EPOCH, else the blog's last git
commit, else the clock."""

import subprocess
from datetime import datetime, timedelta, timezone

from generator.content.dates import reproducible_time


def commit(folder, when: str) -> None:
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    subprocess.run(["git", "init", "-q", str(folder)], check=True, env=env)
    subprocess.run(["git", "-C", str(folder), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(folder), "commit", "-q", "-m", "x"], check=True, env=env)


def test_source_date_epoch_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert reproducible_time(tmp_path) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)


def test_the_last_commit_of_the_blog_then_the_clock(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    blog = tmp_path / "blog"
    blog.mkdir()
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    assert reproducible_time(blog) >= before            # not a repository: the clock
    (blog / "_config.yml").write_text("title: x\n")
    commit(blog, "2021-05-06T07:08:09+00:00")
    assert reproducible_time(blog) == datetime(2021, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    assert reproducible_time(blog) == reproducible_time(blog)
