"""The README's quick start, step by step, in a temporary folder: init, build, a notebook post,
freeze, a build without TensorFlow in a fresh clone, publish to a bare repository; each step's
output checked."""

from __future__ import annotations

import re
import subprocess
import time
from datetime import datetime, timezone

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from freeze.blogkit import layerpress, tree_hash, without_tensorflow

NOTEBOOK_FIGURE = "```figure\nkind: curves\nmodel: first_cnn\nmetrics: [accuracy]\n```"


def git(folder, *args) -> str:
    return subprocess.run(["git", "-C", str(folder), *map(str, args)], check=True, capture_output=True,
                          text=True).stdout.strip()


def write_notebook_post(blog) -> str:
    """A fastpages-style notebook in _notebooks/: its name, dated today."""
    name = f"{datetime.now(timezone.utc):%Y-%m-%d}-my-notebook"
    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                     "display_name": "Python 3"}})
    notebook.cells = [
        new_markdown_cell('# "A notebook post"\n> "Drafted in Jupyter."\n\n- categories: [jupyter]'),
        new_markdown_cell("The model has {{ models.first_cnn.params | thousands }} parameters.\n\n"
                          + NOTEBOOK_FIGURE),
        new_code_cell("print(6 * 7)", execution_count=1, outputs=[new_output("stream", name="stdout", text="42\n")]),
    ]
    (blog / "content" / "_notebooks").mkdir()
    nbformat.write(notebook, str(blog / "content" / "_notebooks" / f"{name}.ipynb"))
    return name


@pytest.mark.slow
def test_the_quick_start(tmp_path):
    started = time.monotonic()
    init = layerpress("init", "myblog", cwd=tmp_path)
    assert init.stdout.splitlines()[-1].startswith("next: cd myblog && layerpress serve")
    blog = tmp_path / "myblog"

    # the first build trains the starter model
    built = layerpress("build", cwd=blog)
    seconds = time.monotonic() - started
    assert re.fullmatch(r"5 pages written to site in [\d.]+ s\n", built.stdout)
    assert "training first_cnn" in built.stderr and "warning" not in built.stderr
    (post,) = (blog / "site").glob("*/*/*/first-post/index.html")
    html = post.read_text()
    assert re.search(r"It reached \d+\.\d% on\s+150 test images", html)
    assert html.count("<figure") == 2
    assert seconds < 60, f"init and the first build took {seconds:.1f} s"

    # a repository whose remote is a bare one, as on GitHub
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(remote)], check=True)
    git(blog, "init", "--quiet", "-b", "main")
    git(blog, "config", "user.name", "A. Writer")
    git(blog, "config", "user.email", "writer@example.org")
    git(blog, "remote", "add", "origin", remote)

    # write: a notebook post, built from the same model (nothing trains again)
    name = write_notebook_post(blog)
    rebuilt = layerpress("build", cwd=blog)
    assert "training" not in rebuilt.stderr and "warning" not in rebuilt.stderr
    (page,) = (blog / "site" / "jupyter").glob(f"*/*/*/{name.split('-', 3)[3]}/index.html")
    notebook_html = page.read_text()
    assert "<h1 class=\"post-title\">A notebook post</h1>" in notebook_html
    assert re.search(r"The model has \d,\d{3} parameters\.", notebook_html)
    assert notebook_html.count("<figure") == 1 and "<pre>42</pre>" in notebook_html

    # freeze, commit, push
    frozen = layerpress("freeze", cwd=blog)
    assert re.fullmatch(r"content/_freeze: \d+ models and 3 figures.*\n", frozen.stdout, re.DOTALL), frozen.stdout
    git(blog, "add", "-A")
    assert "site/" not in git(blog, "status", "--porcelain") and ".layerpress-cache" not in git(blog, "status",
                                                                                                 "--porcelain")
    git(blog, "commit", "--quiet", "-m", "First posts")
    git(blog, "push", "--quiet", "origin", "main")

    # a fresh clone builds the same site without TensorFlow, as the Pages workflow does
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True)
    again = layerpress("build", "--frozen", "--source", "content", "--dest", "site", cwd=clone,
                       env=without_tensorflow(tmp_path))
    assert "training" not in again.stderr and "warning" not in again.stderr
    assert tree_hash(clone / "site") == tree_hash(blog / "site")

    # publish: the gh-pages branch of the bare repository holds the site
    published = layerpress("publish", cwd=blog)
    assert re.fullmatch(r"published [0-9a-f]{7}: pushed to origin/gh-pages\n", published.stdout)
    pages = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert {".nojekyll", "index.html", page.relative_to(blog / "site").as_posix()} <= pages
    head = git(blog, "rev-parse", "--short", "HEAD")
    assert git(remote, "log", "-1", "--format=%s", "gh-pages").startswith(f"Built from {head}")
