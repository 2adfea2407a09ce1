"""Sass through libsass: partials from the blog's sass_dir first, then the theme's; options from
_config.yml; errors name the file and line; minima's CSS equals Debian Jekyll's."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import ContentError
from generator.jekyll.sass import SassOptions, compile_sass
from generator.themes import Theme, find_theme

MAIN = '@import "colours", "layout";\n'


def rules(css: str) -> dict:
    """{selector: {property: value}} of a flat stylesheet."""
    found = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)):
        declarations = [d.split(":", 1) for d in body.split(";") if ":" in d]
        found[" ".join(selector.split())] = {k.strip(): v.strip() for k, v in declarations}
    return found


@pytest.fixture
def blog_and_theme(tmp_path):
    theme = tmp_path / "theme"
    (theme / "_sass").mkdir(parents=True)
    (theme / "_sass" / "_colours.scss").write_text("$text: #111 !default;\n$link: #2a7ae2 !default;\n")
    (theme / "_sass" / "_layout.scss").write_text(
        "body { color: $text; .wrapper { max-width: 800px - 2 * 15px; } }\na { color: darken($link, 10%); }\n")
    blog = tmp_path / "blog"
    (blog / "_sass").mkdir(parents=True)
    (blog / "_sass" / "_colours.scss").write_text("$text: #222;\n$link: #ff0000;\n")
    (blog / "_config.yml").write_text(SHARED_THEME)
    return blog, Theme(name="theme", root=theme)


SHARED_THEME = "layerpress: {shared_folders: [../theme]}\n"   # a folder theme outside the blog is allow-listed


def options_of(blog: Path, theme) -> SassOptions:
    return SassOptions.from_config(load_config(blog), theme)


def test_blog_partials_override_the_theme_and_nesting_is_flattened(blog_and_theme):
    blog, theme = blog_and_theme
    css = rules(compile_sass(MAIN, options_of(blog, theme), file=blog / "assets/main.scss"))
    assert css["body"] == {"color": "#222"}
    assert css["body .wrapper"] == {"max-width": "770px"}
    assert css["a"] == {"color": "#cc0000"}


def test_theme_partials_alone_and_a_custom_sass_dir(blog_and_theme):
    blog, theme = blog_and_theme
    (blog / "_sass" / "_colours.scss").rename(blog / "_sass" / "_unused.scss")
    css = rules(compile_sass(MAIN, options_of(blog, theme), file=blog / "main.scss"))
    assert css["body"] == {"color": "#111"}
    (blog / "css").mkdir()
    (blog / "css" / "_colours.scss").write_text("$text: #333;\n$link: #000;\n")
    (blog / "_config.yml").write_text(SHARED_THEME + "sass:\n  sass_dir: css\n  style: :compressed\n")
    options = options_of(blog, theme)
    css = compile_sass(MAIN, options, file=blog / "main.scss")
    assert rules(css)["body"] == {"color": "#333"}
    assert options.style == "compressed" and css.count("\n") <= 1


def test_the_indented_syntax(tmp_path):
    css = compile_sass("$w: 10px\n.box\n  width: $w * 2\n", SassOptions(), file=tmp_path / "style.sass")
    assert rules(css) == {".box": {"width": "20px"}}


def test_an_error_names_the_file_and_line(blog_and_theme):
    blog, theme = blog_and_theme
    with pytest.raises(ContentError) as raised:
        compile_sass("a {\n  color: red;\n  margin: $nowhere;\n}\n", SassOptions(), file=blog / "assets/main.scss",
                     first_line=3)
    assert raised.value.line == 5 and raised.value.file == blog / "assets/main.scss"
    assert "$nowhere" in raised.value.message
    (blog / "_sass" / "_layout.scss").write_text("p {\n  x: $broken;\n}\n")
    with pytest.raises(ContentError) as raised:
        compile_sass(MAIN, options_of(blog, theme), file=blog / "assets/main.scss")
    assert raised.value.file == (blog / "_sass" / "_layout.scss").resolve() and raised.value.line == 2


MINIMA = sorted(Path("/usr/share/rubygems-integration/all/gems").glob("minima-*"))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("jekyll") is None or not MINIMA, reason="Debian's jekyll and jekyll-theme-minima")
def test_minima_css_equals_jekylls(tmp_path):
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "_config.yml").write_text("theme: minima\n")
    (blog / "index.md").write_text("---\nlayout: home\n---\n")
    subprocess.run(["jekyll", "build", "--quiet", "-s", str(blog), "-d", str(tmp_path / "site")], check=True,
                   capture_output=True, cwd=tmp_path)
    jekylls = (tmp_path / "site" / "assets" / "main.css").read_text()
    jekylls = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", jekylls)
    theme = find_theme(blog, "minima")
    main = (theme.root / "assets" / "main.scss").read_text().split("---", 2)[2]
    ours = compile_sass(main, options_of(blog, theme), file=theme.root / "assets" / "main.scss")
    assert len(rules(ours)) > 50
    assert " ".join(ours.split()) == " ".join(jekylls.split())


def cached_options(blog: Path, theme, cache: Path) -> SassOptions:
    return SassOptions.from_config(load_config(blog), theme, cache)


def test_compiled_css_is_kept_while_the_text_and_every_import_are_the_same(blog_and_theme, tmp_path):
    blog, theme = blog_and_theme
    cache, file = tmp_path / "cache", blog / "assets/main.scss"
    first = compile_sass(MAIN, cached_options(blog, theme, cache), file=file)
    entries = list((cache / "sass").glob("*.json"))
    assert len(entries) == 1
    entry = entries[0]
    marked = json.loads(entry.read_text()) | {"css": "/* kept */"}
    entry.write_text(json.dumps(marked))
    assert compile_sass(MAIN, cached_options(blog, theme, cache), file=file) == "/* kept */"   # read, not compiled
    (theme.root / "_sass" / "_layout.scss").write_text("body { color: $text; }\n")        # an import's text changed
    assert rules(compile_sass(MAIN, cached_options(blog, theme, cache), file=file)) == {"body": {"color": "#222"}}
    (blog / "_sass" / "_layout.scss").write_text("p { color: $link; }\n")   # an import now finds another file
    assert rules(compile_sass(MAIN, cached_options(blog, theme, cache), file=file)) == {"p": {"color": "#ff0000"}}
    assert rules(compile_sass(MAIN + "i { x: 1 }\n", cached_options(blog, theme, cache), file=file))["i"] == {"x": "1"}
    assert first != compile_sass(MAIN, cached_options(blog, theme, cache), file=file)


def test_a_kept_css_is_not_used_once_an_import_is_refused(blog_and_theme, tmp_path):
    blog, theme = blog_and_theme
    cache, file = tmp_path / "cache", blog / "assets/main.scss"
    compile_sass(MAIN, cached_options(blog, theme, cache), file=file)
    secret = tmp_path / "secret.scss"
    secret.write_text("$text: #333;\n")
    (blog / "_sass" / "_colours.scss").unlink()
    (blog / "_sass" / "_colours.scss").symlink_to(secret)   # leads out of the blog and its shared folders
    with pytest.raises(ContentError, match="outside the blog folder"):
        compile_sass(MAIN, cached_options(blog, theme, cache), file=file)
