"""The body sandbox: fences protected, Liquid comments, sandboxing, and errors on the file's own lines."""

import pytest

from generator.content.liquid import jekyll_filters, make_environment, protect_fences, render_body
from generator.errors import ContentError

SITE = {"title": "T", "url": "https://ex.org", "baseurl": "/r"}


def render(body, body_line=1, **kwargs):
    env = make_environment(jekyll_filters(SITE))
    return render_body(env, body, {"site": SITE, "page": {"title": "P"}}, file="post.md", body_line=body_line, **kwargs)


def test_fenced_code_is_printed_as_written_even_with_endraw_inside():
    body = "{{ site.title }}\n~~~\n{{ x }} {% endraw %} {% if %}\n~~~\n{{ page.title }}\n"
    assert render(body) == "T\n~~~\n{{ x }} {% endraw %} {% if %}\n~~~\nP\n"


def test_protection_keeps_the_line_count():
    body = "a\n```py\nb\n```\nc\n"
    assert protect_fences(body).count("\n") == body.count("\n")


def test_errors_after_a_code_block_point_at_the_file_line():
    body = "intro\n```\ncode\n{{ not evaluated }}\n```\n\n{{ page.missing }}\n"
    with pytest.raises(ContentError) as caught:
        render(body, body_line=4)
    assert str(caught.value) == "post.md:10: unknown variable 'missing'"


def test_liquid_comment_and_filters():
    assert render("{% comment %}gone{% endcomment %}{{ '/a/' | relative_url }} {{ 'x' | absolute_url }}") == \
        "/r/a/ https://ex.org/r/x"


def test_values_are_html_escaped_in_bodies():
    env = make_environment({})
    assert render_body(env, "{{ page.title }}", {"page": {"title": "a<b&c"}}, file="p.md", body_line=1) == "a&lt;b&amp;c"


def test_sandbox_blocks_python_internals():
    with pytest.raises(ContentError, match="unknown variable '__class__'"):
        render("{{ site.__class__.__subclasses__() }}")
