"""`theme:` finds an installed theme gem (newest version) or a folder; an unknown one is a config error."""

from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import ConfigError
from generator.themes import find_theme, installed_theme, theme_assets, theme_of
from generator.liquid.environment import template_folders

DEBIAN_MINIMA = sorted(Path("/usr/share/rubygems-integration/all/gems").glob("minima-*"))


def make_gem(gems: Path, name: str, layout_text: str) -> Path:
    root = gems / "gems" / name
    (root / "_layouts").mkdir(parents=True)
    (root / "_layouts" / "default.html").write_text(layout_text)
    (root / "assets").mkdir()
    (root / "assets" / "style.scss").write_text("---\n---\nbody { color: red; }\n")
    (root / "assets" / "logo.svg").write_text("<svg/>")
    return root


def test_newest_installed_version_is_found_in_gem_home(tmp_path, monkeypatch):
    monkeypatch.setenv("GEM_HOME", str(tmp_path / "home"))
    make_gem(tmp_path / "home", "paper-1.9.0", "old")
    newest = make_gem(tmp_path / "home", "paper-1.10.0", "new")
    make_gem(tmp_path / "home", "paper-plus-2.0.0", "another theme")
    assert installed_theme("paper") == newest
    theme = find_theme(tmp_path, "paper")
    assert theme.root == newest and theme.folder("_layouts").name == "_layouts"


def test_blog_files_win_over_the_theme(tmp_path, monkeypatch):
    monkeypatch.setenv("GEM_HOME", str(tmp_path / "home"))
    make_gem(tmp_path / "home", "paper-1.0.0", "theme layout")
    blog = tmp_path / "blog"
    (blog / "_layouts").mkdir(parents=True)
    (blog / "assets").mkdir()
    (blog / "assets" / "logo.svg").write_text("<svg id='mine'/>")
    (blog / "_config.yml").write_text("theme: paper\n")
    config = load_config(blog)
    theme = theme_of(config)
    assert theme_of(config) is theme  # looked up once per config
    assert template_folders(config).layouts == [blog / "_layouts", theme.root / "_layouts"]
    assert [relative for relative, _ in theme_assets(blog, theme)] == ["assets/style.scss"]


def test_a_folder_path_is_a_theme_inside_the_blog_or_a_shared_folder(tmp_path):
    folder = make_gem(tmp_path, "my-theme", "local")
    blog = tmp_path / "blog"
    blog.mkdir()
    with pytest.raises(ConfigError, match="theme: folder '../gems/my-theme' is outside the blog folder"):
        find_theme(blog, "../gems/my-theme")
    assert find_theme(blog, "../gems/my-theme", roots=(blog, tmp_path / "gems")).root == folder.resolve()
    (blog / "_config.yml").write_text("theme: ../gems/my-theme\nlayerpress:\n  shared_folders: [../gems]\n")
    assert theme_of(load_config(blog)).root == folder.resolve()
    inside = make_gem(blog, "mine", "in the blog")
    assert find_theme(blog, "gems/mine").root == inside.resolve()


def test_unknown_theme_names_the_config_line(tmp_path, monkeypatch):
    monkeypatch.setenv("GEM_HOME", str(tmp_path / "nothing"))
    (tmp_path / "_config.yml").write_text("title: A blog\n\ntheme: no-such-theme-xyz\n")
    with pytest.raises(ConfigError) as raised:
        theme_of(load_config(tmp_path))
    message = str(raised.value)
    assert message.endswith("_config.yml:3: theme: unknown theme 'no-such-theme-xyz' "
                            "(install it, e.g. apt install jekyll-theme-minima, or give a folder)")


def test_no_theme_is_none(tmp_path):
    (tmp_path / "_config.yml").write_text("title: A blog\n")
    assert theme_of(load_config(tmp_path)) is None


@pytest.mark.skipif(not DEBIAN_MINIMA, reason="Debian's jekyll-theme-minima is not installed")
def test_debian_minima_is_found():
    theme = find_theme(Path("."), "minima")
    assert theme.root == DEBIAN_MINIMA[-1]
    assert {p.name for p in theme.folder("_layouts").iterdir()} >= {"default.html", "home.html", "post.html", "page.html"}
