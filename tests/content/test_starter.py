"""`layerpress init`: the files of a new blog, and the folders it refuses."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import yaml

from generator import __version__
from generator.config import load_config


def init(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "init", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def test_init_writes_a_strict_blog_with_a_model_a_probe_a_first_post_and_the_pages_workflow(tmp_path):
    from generator.content.starter import write_starter_blog

    written = write_starter_blog(tmp_path / "blog", today=datetime(2027, 3, 4, tzinfo=timezone.utc))
    names = {path.relative_to(tmp_path / "blog").as_posix() for path in written}
    assert names == {"content/_config.yml", "content/_models/first_cnn.yml", "content/_posts/2027-03-04-first-post.md",
                     "content/about.md", "content/probes/triangle.png", ".gitignore", ".github/workflows/pages.yml"}
    config = load_config(tmp_path / "blog" / "content")
    assert config.liquid["error_mode"] == "strict" and config.liquid["strict_filters"] is True
    assert {"title", "url", "baseurl", "author"} <= set(config.data)
    post = (tmp_path / "blog" / "content" / "_posts" / "2027-03-04-first-post.md").read_text()
    assert post.count("```figure") == 2 and "probe: probes/triangle.png" in post
    assert (tmp_path / "blog" / ".gitignore").read_text().split("\n")[1:3] == ["/site/", ".layerpress-cache/"]
    workflow = yaml.safe_load((tmp_path / "blog" / ".github" / "workflows" / "pages.yml").read_text())
    assert workflow["env"]["LAYERPRESS"] == f"layerpress=={__version__}"


def test_init_refuses_a_folder_that_is_not_empty_and_touches_nothing(tmp_path):
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "notes.txt").write_text("mine")
    result = init("blog", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: refusing to start a blog in 'blog': it is not empty "
                                     "(name a new or empty folder: `layerpress init myblog`)")
    assert [p.name for p in (tmp_path / "blog").iterdir()] == ["notes.txt"]


def test_init_in_the_working_folder_when_it_is_empty(tmp_path):
    result = init(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "content" / "_config.yml").is_file()
    assert result.stdout.splitlines()[-1].startswith("next: layerpress serve")
