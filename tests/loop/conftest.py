"""A tiny real blog (no models, no figures) and polling helpers for the author's-loop tests."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

POST_NAME = "2026-01-01-hello.md"


def write_post(blog: Path, body: str, *, title: str = "Hello") -> Path:
    post = blog / "_posts" / POST_NAME
    post.write_text(f"---\ntitle: {title}\n---\n{body}\n", encoding="utf-8")
    return post


def make_blog(folder: Path, *, baseurl: str = "") -> Path:
    (folder / "_posts").mkdir(parents=True)
    (folder / "_config.yml").write_text(
        f"title: Tiny blog\nurl: https://example.org\nbaseurl: \"{baseurl}\"\n", encoding="utf-8")
    write_post(folder, "First words of the tiny blog.")
    (folder / "about.md").write_text("---\ntitle: About\n---\nAbout this blog.\n", encoding="utf-8")
    return folder


@pytest.fixture
def tiny_blog(tmp_path) -> Path:
    return make_blog(tmp_path / "blog")


def fetch(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_until(condition, *, seconds: float = 20, what: str = "condition"):
    """Poll `condition()` until it returns something truthy; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {seconds} s waiting for {what}")
