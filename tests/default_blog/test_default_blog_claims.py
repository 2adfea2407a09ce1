"""The default blog builds, its posts back what they say about models with claims, and a false claim stops it.

Builds the real default blog (sharing content/.layerpress-cache with `make site`: it trains the
models the first time).
"""

import os
import re
import shutil

import pytest

from default_blog.blog_paths import CONTENT
from generator.build import BuildOptions, build
from generator.cli import main
from generator.figures.directive import prose_lines

pytestmark = pytest.mark.slow

POSTS = sorted((CONTENT / "_posts").glob("*.md"))
TEMPLATE_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# What a measurement looks like when typed into prose: a percentage, an epoch number, a count of images.
TYPED_MEASUREMENT = re.compile(r"\d+(?:\.\d+)?\s?%|\bepochs? \d|\b\d[\d,]* (?:test|training|validation) images")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    dest = tmp_path_factory.mktemp("default-blog") / "site"
    build(BuildOptions(source=CONTENT, dest=dest))
    return dest


def prose(path) -> str:
    """The post's text outside fenced code and figure blocks and outside template tags."""
    text = "\n".join(line for _, line in prose_lines(path.read_text(encoding="utf-8")))
    return TEMPLATE_SPAN.sub(" ", text)


def test_every_post_builds_and_no_template_syntax_reaches_a_page(built_site):
    pages = {path.parent.name: path.read_text(encoding="utf-8")
             for path in built_site.glob("*/2026/*/*/*/index.html")}
    assert sorted(pages) == sorted(post.stem[len("2026-11-02-"):] for post in POSTS)
    for name, html in pages.items():
        assert "{{" not in html and "{%" not in html and "claim(" not in html, name


def test_posts_about_models_check_their_statements_with_claims():
    for post in POSTS:
        text = post.read_text(encoding="utf-8")
        if "models." in text or "models[" in text:
            assert len(re.findall(r"\bclaim\(", text)) >= 2, f"{post.name}: statements about models without claims"


def test_no_measurement_is_typed_into_the_prose():
    for post in POSTS:
        typed = TYPED_MEASUREMENT.findall(prose(post))
        assert typed == [], f"{post.name}: quote these from the models instead: {typed}"


def test_no_post_links_to_the_unpublished_model_specs(built_site):
    for page in built_site.glob("*/2026/*/*/*/index.html"):
        assert not re.search(r'href="[^"]*_models/', page.read_text(encoding="utf-8")), page


def test_a_claim_that_no_longer_holds_stops_the_default_blog_build(tmp_path, capsys, monkeypatch, built_site):
    """The dense post claims the figures' network is the RMSprop one; pretend it is not."""
    source = tmp_path / "content"
    shutil.copytree(CONTENT, source, ignore=shutil.ignore_patterns(".layerpress-cache"))
    shutil.copytree(CONTENT / ".layerpress-cache", source / ".layerpress-cache", copy_function=os.link)
    post = source / "_posts" / "2026-11-06-a-dense-network-from-the-inside.md"
    lines = post.read_text(encoding="utf-8").split("\n")
    index = lines.index("{{ claim(mlp.cache_key == rmsprop.cache_key) }}")
    lines[index] = "{{ claim(mlp.cache_key != rmsprop.cache_key, \"The figures show another network.\") }}"
    post.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    with pytest.raises(SystemExit) as stop:
        main(["build", "--source", "content", "--dest", "site", "--quiet"])

    assert stop.value.code == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"error: content/_posts/{post.name}:{index + 1}: "
                            "claim is false: 'The figures show another network.'"), error
    assert not (tmp_path / "site").exists()
