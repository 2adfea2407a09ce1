"""A folder theme through real builds: its layouts, includes, Sass and assets are used, the blog's
files win, Liquid runs in the Sass page, and a change in the theme is seen by the next build."""

import re
import subprocess
import sys
from pathlib import Path

import pytest


def build(blog: Path, dest: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(blog), "--dest", str(dest)],
                          capture_output=True, text=True, cwd=blog.parent)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def blog(tmp_path):
    theme = tmp_path / "paper"
    for folder in ("_layouts", "_includes", "_sass", "assets"):
        (theme / folder).mkdir(parents=True)
    (theme / "_layouts" / "default.html").write_text(
        "<html>{% include head.html %}<body class=\"paper\">{{ content }}{% include footer.html %}</body></html>\n")
    (theme / "_layouts" / "post.html").write_text("---\nlayout: default\n---\n<article>{{ content }}</article>\n")
    (theme / "_includes" / "head.html").write_text("<head><title>theme head</title></head>")
    (theme / "_includes" / "footer.html").write_text("<footer>{{ site.title }} by the theme</footer>")
    (theme / "_sass" / "_paper.scss").write_text("$accent: blue !default;\nbody { color: $accent; }\n")
    (theme / "assets" / "style.scss").write_text(
        "---\n---\n$accent: {{ site.accent }};\n@import \"paper\";\n")
    (theme / "assets" / "logo.svg").write_text("<svg id='theme'/>")
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "_includes").mkdir()
    (blog / "assets").mkdir()
    (blog / "_config.yml").write_text("title: Paper blog\naccent: \"#ff0000\"\ntheme: ../paper\n"
                                      "layerpress: {shared_folders: [../paper]}\n")   # a theme outside the blog
    (blog / "_includes" / "head.html").write_text("<head>{% seo %}{% feed_meta %}</head>")
    (blog / "assets" / "logo.svg").write_text("<svg id='mine'/>")
    (blog / "_posts" / "2024-01-02-hello.md").write_text("---\nlayout: post\ntitle: Hello\n---\nHello *world*.\n")
    return blog


def test_theme_files_are_used_and_the_blogs_win(blog, tmp_path):
    site = tmp_path / "site"
    build(blog, site)
    page = (site / "2024" / "01" / "02" / "hello.html").read_text()
    assert '<body class="paper"><article><p>Hello <em>world</em>.</p>' in page
    assert "<footer>Paper blog by the theme</footer>" in page
    assert "theme head" not in page and "<title>Hello | Paper blog</title>" in page
    assert '<link type="application/atom+xml" rel="alternate" href="/feed.xml" title="Paper blog" />' in page
    assert (site / "assets" / "logo.svg").read_text() == "<svg id='mine'/>"
    css = (site / "assets" / "style.css").read_text()
    assert re.sub(r"\s+", " ", css).strip() == "body { color: #ff0000; }"
    assert not (site / "assets" / "style.scss").exists()


def test_a_change_in_the_theme_is_seen_by_the_next_build(blog, tmp_path):
    site = tmp_path / "site"
    build(blog, site)
    layout = tmp_path / "paper" / "_layouts" / "post.html"
    layout.write_text("---\nlayout: default\n---\n<section>{{ content }}</section>\n")
    build(blog, site)
    assert "<section><p>Hello" in (site / "2024" / "01" / "02" / "hello.html").read_text()


def test_a_sass_error_names_the_theme_partial(blog, tmp_path):
    (tmp_path / "paper" / "_sass" / "_paper.scss").write_text("body {\n  color: $nowhere;\n}\n")
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(blog),
                           "--dest", str(tmp_path / "site")], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1 and not (tmp_path / "site").exists()
    assert done.stderr.strip().splitlines()[-1] == (
        "error: paper/_sass/_paper.scss:2: Undefined variable: \"$nowhere\". (imported from style.scss)")
