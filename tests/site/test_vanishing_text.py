"""No text vanishes silently: each Liquid mistake that drops or changes text in a post is a warning naming
its file and line (an error with the strict settings `layerpress init` writes), in layerpress's words."""

from __future__ import annotations

import pytest

from test_liquid_features import build_with_messages, post_html

POST = "_posts/2020-01-01-a.md"
WHERE = f"warning: blog/{POST}"


@pytest.mark.parametrize("line, warning", [
    ("{{ 12345 | thousand }}",
     f"{WHERE}:4: unknown filter 'thousand': the value is printed unfiltered (did you mean 'thousands'?)"),
    ("{{ model.x.params }}",
     f"{WHERE}:4: model.x.params is undefined: 'model' is no variable, so nothing is printed "
     "(did you mean 'models'?)"),
    ("{{ page.nothing | percent }}",
     f"{WHERE}:4: liquid error: percent: needs a number, got nothing (page.nothing is undefined)"),
], ids=["misspelt filter", "model. for models.", "a number that is not there"])
def test_a_mistake_that_changes_the_text_is_a_warning_at_its_line(blog, capsys, line, warning):
    blog.write(POST, f"---\ntitle: A\n---\nBefore {line} after.\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and err.splitlines()[0] == warning


def test_a_missing_brace_names_the_lines_it_swallows(blog, capsys):
    blog.write(POST, "---\ntitle: A\n---\nFirst {{ page.title } here.\n\nSecond.\n\nThird {{ page.title }} end.\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and err.splitlines()[0] == (
        f"{WHERE}:4: liquid syntax error: unexpected '}}': this '{{{{' is closed only by the '}}}}' on line 8, "
        "so the text up to there is dropped (a '}' missing? Close the output with '}}')")


def test_a_misspelt_end_tag_names_both_the_tag_and_the_block_it_leaves_open(blog, capsys):
    blog.write(POST, "---\ntitle: A\n---\nIntro.\n\n{% claim 1 == 1 %}A sentence.{% endclam %} after.\n\nMore.\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and err.splitlines()[:2] == [
        f"{WHERE}:6: liquid syntax error: unexpected tag 'endclam' (did you mean 'endclaim'?)",
        f"{WHERE}:6: liquid syntax error: {{% claim %}} is never closed: the text after it is dropped "
        "(close it with {% endclaim %})"]
    assert post_html(blog) == "<p>Intro.</p>"


@pytest.mark.parametrize("line", ["{{ 12345 | thousand }}", "{{ model.x.params }}", "{% if true %}open"])
def test_with_the_settings_init_writes_each_is_an_error(blog, capsys, line):
    blog.config("liquid: {error_mode: strict, strict_filters: true}\n")
    blog.write(POST, f"---\ntitle: A\n---\nBefore {line} after.\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and err.startswith(f"error: blog/{POST}:4: ") and len(err.splitlines()) == 1


def test_layouts_may_test_variables_a_page_leaves_undefined(blog, capsys):
    blog.write("_layouts/post.html", "{% if comments_enabled %}comments{% endif %}{{ content }}")
    blog.write(POST, "---\ntitle: A\n---\nWords.\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and "warning" not in err


def test_a_name_the_page_sets_later_is_nil_before_not_a_mistake(blog, capsys):
    """A flag set in a loop's last turn (a theme's search index) is nil in the turns before: Debian's
    Jekyll, with `error_mode: strict`, writes `[1, 2, 3, ]`; no warning, no stop."""
    blog.config("liquid: {error_mode: strict}\n")
    blog.write("list.js", "---\nlayout: null\n---\n[{% for c in (1..3) -%}\n"
                          "{% if forloop.last %}{% assign l = true %}{% endif -%}\n"
                          "{{ c }}{% unless forloop.rindex0 == 1 and l %}, {% endunless -%}\n{% endfor %}]\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and "warning" not in err, err
    assert blog.read("list.js") == "[1, 2, 3, ]\n"
