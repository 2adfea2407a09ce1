"""Figure attributes (width, id, alt, caption) cannot inject markup into the page."""

from __future__ import annotations

import pytest

from .conftest import png_bytes

POST = "blog/_posts/2020-01-02-hostile.md"


def figure_post(blog, extra: str) -> None:
    blog.write("probes/x.png", png_bytes(size=(6, 4)))
    blog.post(f"```figure\nkind: reshape\nprobe: probes/x.png\n{extra}```\n")


REFUSED = {
    "width with markup": ('width: \'100" onload="alert(1)\'\n', "7: reshape figure: 'width' must be a positive integer"),
    "width negative": ("width: -5\n", "7: reshape figure: 'width' must be a positive integer, not -5"),
    "id with markup": ('id: \'a"><script>alert(1)</script>\'\n',
                       "4: figure id 'a\"><script>alert(1)</script>' may only hold letters, digits, '-' and '_'"),
    "id with a trailing newline": ('id: "probe\\n"\n', "4: figure id 'probe\\n' may only hold letters"),
}


@pytest.mark.parametrize("extra, message", REFUSED.values(), ids=REFUSED.keys())
def test_bad_attribute_values_are_refused(blog, extra, message):
    figure_post(blog, extra)
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, f"{POST}:{message}", before)


def page(blog) -> str:
    run = blog.build()
    assert run.status == 0, run
    return (blog.dest / "2020/01/02/hostile.html").read_text()


def test_caption_html_is_shown_as_text(blog):
    figure_post(blog, "caption: 'A *cat* <script>alert(1)</script> <img src=x onerror=alert(2)>'\n")
    html = page(blog)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A <em>cat</em>" in html


def test_alt_cannot_close_its_attribute(blog):
    figure_post(blog, 'alt: \'x" onerror="alert(1)\'\n')
    html = page(blog)
    assert 'alt="x&quot; onerror=&quot;alert(1)"' in html
    assert 'onerror="alert(1)"' not in html
