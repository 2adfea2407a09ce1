"""What `layerpress build` says about a Jekyll blog's theme and plugins (real builds, real files)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build(blog: Path, dest: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(blog), "--dest", str(dest)],
                          capture_output=True, text=True, cwd=blog.parent)


def write_blog(blog: Path, config: str) -> None:
    (blog / "_posts").mkdir(parents=True)
    (blog / "_config.yml").write_text(config)
    (blog / "_posts" / "2024-01-02-hello.md").write_text("---\ntitle: Hello\n---\nHello.\n")


def test_unknown_theme_is_one_error_line_and_no_site(tmp_path):
    blog = tmp_path / "blog"
    write_blog(blog, "title: A blog\n\ntheme: jekyll-theme-nowhere\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 1 and not (tmp_path / "site").exists()
    assert done.stderr.strip().splitlines() == [
        "error: blog/_config.yml:3: theme: unknown theme 'jekyll-theme-nowhere' "
        "(install it, e.g. apt install jekyll-theme-minima, or give a folder)"]


def test_ruby_plugins_and_unsupported_gems_are_warnings(tmp_path):
    blog = tmp_path / "blog"
    write_blog(blog, "title: A blog\nplugins:\n  - jekyll-feed\n  - jekyll-seo-tag\n  - jekyll-archives\n")
    (blog / "_plugins").mkdir()
    (blog / "_plugins" / "youtube.rb").write_text("module Jekyll; end\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warnings[0].startswith("warning: blog/_config.yml:2: plugin 'jekyll-archives' is not supported")
    assert warnings[1].startswith("warning: blog/_plugins/youtube.rb: Ruby plugins are not supported: "
                                  "youtube.rb in _plugins/ will not run")
    assert len(warnings) == 2
    assert (tmp_path / "site" / "2024" / "01" / "02" / "hello.html").is_file()


def test_remote_themes_are_warnings_collections_are_built(tmp_path):
    blog = tmp_path / "blog"
    write_blog(blog, "title: A blog\nremote_theme: pages-themes/cayman\ncollections:\n  notes:\n    output: true\n"
                     "  data_only:\n    output: false\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: blog/_config.yml:2: remote_theme is not supported: layerpress does not download themes "
        "(install the theme gem and use theme:, or copy its folders into the blog)"]


def test_a_layouts_liquid_error_is_one_warning_naming_the_pages_in_liquids_words(tmp_path):
    """Once per template line, with the page being rendered (and how many more), no Python type names;
    `date` given nil prints nothing, as Jekyll's Liquid does."""
    blog = tmp_path / "blog"
    write_blog(blog, "title: A blog\n")
    (blog / "_layouts").mkdir()
    (blog / "_layouts" / "default.html").write_text(
        "{{ content }}{{ page.missing | date: '%Y' }}\n{% assign x = page.title | slice: 'a' %}\n")
    for number in (1, 2, 3):
        (blog / f"p{number}.md").write_text(f"---\nlayout: default\ntitle: P{number}\n---\nText.\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: blog/_layouts/default.html:2: liquid error: slice expected an integer start, "
                        "found text (rendering p1.md and 2 other pages)"]


def test_keys_the_templates_or_jekyll_read_are_not_unknown(tmp_path):
    """A theme's own settings kept in the blog's _config.yml (read by its layouts as site.KEY) and
    Jekyll's or its plugins' settings do not warn; a key nothing reads does, once."""
    blog = tmp_path / "blog"
    write_blog(blog, "title: A blog\ncourseurl: /cs101\nscholar:\n  style: apa\nlimit_posts: 0\nsidebar_colour: red\n")
    (blog / "_layouts").mkdir()
    (blog / "_layouts" / "default.html").write_text("<a href='{{ site.courseurl }}'>course</a>{{ content }}\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "unknown key 'sidebar_colour'" in warnings[0], warnings


def test_plugins_layerpress_lacks_are_one_warning_and_their_settings_are_not_unknown(tmp_path):
    blog = tmp_path / "blog"
    write_blog(blog, "title: A blog\nplugins:\n  - jekyll-archives\n  - jekyll-minifier\n  - jekyll/scholar\n"
                     "jekyll-minifier:\n  compress_css: true\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("warning: blog/_config.yml:2: plugins 'jekyll-archives', 'jekyll-minifier' are "
                                  "not supported: layerpress runs no Ruby, so what they add is missing")
