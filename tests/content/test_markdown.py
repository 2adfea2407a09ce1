"""Markdown as Jekyll's kramdown renders it: math untouched, kramdown syntax understood, no placeholders."""

import re
import textwrap

import markdown
import pytest

from generator.content.kramdown import HeadingIds, kramdown_slug
from generator.content.markdown import MarkdownOptions, MarkdownRenderer, has_math


@pytest.fixture(scope="module")
def render():
    renderer = MarkdownRenderer()
    return lambda text: renderer.convert(textwrap.dedent(text).lstrip("\n"))


def formulas(html: str) -> list[str]:
    return re.findall(r'<(?:span|div) class="arithmatex">(.*?)</(?:span|div)>', html, re.DOTALL)


def test_inline_dollars_keep_backslashes_underscores_and_stars(render):
    html = render(r"Loss $$\| w \|_2 + \{ a_i * b_i \} \\ x_1$$ and $$y_2$$.")
    assert formulas(html) == [r"\(\| w \|_2 + \{ a_i * b_i \} \\ x_1\)", r"\(y_2\)"]
    assert "<em>" not in html


def test_dollar_block_of_its_own_is_display_math_even_with_a_blank_line(render):
    html = render(r"""
        Text.

        $$
        \begin{aligned}
        a &= b_1 \\

        - c &= d_2 \\
        + e
        \end{aligned}
        $$

        After.
        """)
    [display] = formulas(html)
    assert display.startswith(r"\[\begin{aligned}") and display.endswith(r"\end{aligned}\]")
    assert r"- c &amp;= d_2 \\" in display and "<li>" not in html


def test_two_formulas_in_one_paragraph_are_inline_not_one_block(render):
    html = render("$$a$$ and $$b$$\n")
    assert formulas(html) == [r"\(a\)", r"\(b\)"]


def test_an_escaped_bracket_is_a_bracket_and_a_lone_dollar_is_text(render):
    """kramdown (Debian's Jekyll's output): `\\(` is an escaped parenthesis, `\\\\(` a backslash and one,
    which MathJax (or the theme's KaTeX) reads as a formula's delimiter; neither is markdown math."""
    html = render(r"""
        Costs $5 and $6, with \(x_1\) inline and \\(x_2\\) too, and \\( \(a, b\) \\).

        \[
        y_2 = x_1
        \]

        \\[
        y_3 = x_1
        \\]
        """)
    assert formulas(html) == []
    assert "<p>Costs $5 and $6, with (x_1) inline and \\(x_2\\) too, and \\( (a, b) \\).</p>" in html
    assert "<p>[\ny_2 = x_1\n]</p>" in html and "<p>\\[\ny_3 = x_1\n\\]</p>" in html
    assert has_math(html)


def test_dollars_right_under_a_heading_are_inline_math_in_a_paragraph(render):
    """kramdown (Debian's Jekyll's output): no block boundary after a heading line, so `<p>\\(...\\)</p>`."""
    html = render("## Planar flow\n$$\n  f(z) = z + b\n$$\n\nSetext\n======\n$$y$$\n")
    assert formulas(html) == [r"\(f(z) = z + b\)", r"\(y\)"]
    assert html.count("<p><span") == 2


def test_a_tag_kramdown_has_no_span_element_for_starts_an_html_block(render):
    """kramdown (Debian's Jekyll's output): `<font>` at a line's start ends the paragraph and starts raw
    HTML (the `<ol>` after it is a list, not text); `<meta>`, which has no end tag, leaves the markdown
    after it markdown."""
    html = render('<strong>References</strong>\n<font size="-1">\n</font><ol><li>One.</li></ol>\n')
    assert "&lt;ol&gt;" not in html and html.startswith("<p><strong>References</strong></p>")
    html = render('<meta name="twitter:card" content="summary">\n\nSome [economists](https://example.org).\n')
    assert '<a href="https://example.org">economists</a>' in html


def test_math_inside_code_stays_code(render):
    html = render("`$$x_1$$` and\n\n```\n$$y_2$$\n```\n")
    assert formulas(html) == []


def test_toc_attribute_lists_and_options(render):
    html = render("""
        {::options parse_block_html="true" /}
        {: class="table-of-content"}
        * TOC
        {:toc}

        ## First part

        A paragraph with a class.
        {: .note}
        Next paragraph.

        <div class="info">
        Some *markdown* here.
        </div>
        """)
    assert '<div class="toc">' in html and '<a href="#first-part">First part</a>' in html
    assert '<p class="note">A paragraph with a class.</p>' in html
    assert "<p>Next paragraph.</p>" in html
    assert "<em>markdown</em>" in html
    assert "{:" not in html and "TOC" not in html


def test_markdown_attribute_on_raw_html(render):
    html = render('<div markdown="1">\n*yes*\n</div>\n\n<div markdown="0">\n*no*\n</div>\n')
    assert "<em>yes</em>" in html and "*no*" in html


def test_gfm_list_after_a_paragraph_line_and_in_a_quote(render):
    html = render("""
        Things:
        - one
        - two

        > Quoted:
        > 1. first
        > 2. second
        """)
    assert html.count("<li>") == 4 and "<ul>" in html and "<ol>" in html


def test_nested_lists_indented_as_kramdown_nests_them(render):
    html = render("""
        - a
          - b, two spaces in
            - c
          - d
        - e

        Code:

            1. not a list
        """)
    assert re.sub(r"\s+", "", html).startswith(
        "<ul><li>a<ul><li>b,twospacesin<ul><li>c</li></ul></li><li>d</li></ul></li><li>e</li></ul>")
    assert "1. not a list" in html and html.count("<li>") == 5


def test_without_gfm_input_a_list_needs_its_blank_line():
    html = MarkdownRenderer(MarkdownOptions(gfm=False)).convert("Things:\n- one\n- two\n")
    assert "<li>" not in html


def test_kramdown_tables_without_header_and_with_separator_lines(render):
    html = render("""
        {: class="info"}
        | --- | --- |
        | a | b |
        | --- | --- |
        | c | d |

        | e | f |
        | g | h |
        {: .results}
        """)
    assert html.count("<table>") == 2
    assert re.findall(r"<t[hd]>(\w)</t[hd]>", html) == list("abcdefgh")   # a, b: the header, as in kramdown
    assert "{:" not in html and "---" not in html


def test_table_cells_are_split_by_kramdowns_rule(render):
    """kramdown (Debian's Jekyll's output): a leading pipe drops an empty first cell only when the
    table's first line starts with one, a trailing empty cell is dropped; rows are as wide as the widest."""
    html = render("""
        ||A|B
        one|1|2

        x|y
        |p|q|
        """)
    rows = [re.findall(r"<td>(\w*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)]
    assert [row for row in rows if any(row)] == [["", "A", "B"], ["one", "1", "2"], ["x", "y", ""], ["", "p", "q"]]


def test_typography_escapes_and_footnotes(render):
    html = render("""
        It's "smart"---and 1990--2000... \\<not a tag\\> \\*plain\\* a\\|b[^1]

        [^1]: A note.
        """)
    assert "It&rsquo;s &ldquo;smart&rdquo;&mdash;and 1990&ndash;2000&hellip;" in html
    assert "&lt;not a tag&gt; *plain* a|b" in html
    assert 'href="#fn:1"' in html and "A note." in html


def test_heading_ids_as_kramdown_makes_them_and_no_permalink_marks(render):
    html = render("""
        ## 1. The "first" part -- here
        ## The first part
        ## The first part
        ## `code` & more
        """)
    assert re.findall(r'<h2 id="([^"]*)"', html) == [
        "1-the-first-part--here", "the-first-part", "the-first-part-1", "code--more"]
    assert "\u00b6" not in html and "headerlink" not in html


def test_kramdown_input_ids_drop_leading_non_letters():
    assert kramdown_slug("1. Intro to GANs!") == "intro-to-gans"
    ids = HeadingIds(gfm=False)
    assert [ids("42"), ids("A b"), ids("A b")] == ["section", "a-b", "a-b-1"]


def test_heading_permalinks_when_the_theme_asks():
    html = MarkdownRenderer(MarkdownOptions(heading_permalinks=True)).convert("## Part\n")
    assert 'class="headerlink"' in html


def test_fenced_and_indented_code_highlighted_with_line_numbers_when_asked(render):
    html = render("""
        ```python linenums="1"
        x = 1
        y = 2
        ```

            plain = True
        """)
    assert 'class="linenos"' in html or "linenodiv" in html
    assert '<span class="n">x</span>' in html and "plain = True" in html


def test_ids_restart_for_each_document(render):
    assert 'id="part"' in render("## Part\n")
    assert 'id="part"' in render("## Part\n")


def test_python_markdown_placeholder_leak_is_cleaned():
    # A formula line (from a real post) outside `$$`: Python-Markdown leaves an inline placeholder behind.
    text = (r"&= \mathbb{E}_{\mathbf{x}_0, \mathbf{z}} \Big[\frac{ \beta_t^2 }{2 \alpha_t (1 - \bar{\alpha}_t) "
            r"\| \boldsymbol{\Sigma}_\theta \|^2_2} \|\mathbf{z}_t - \mathbf{z}_\theta(\mathbf{x}_t, t)\|^2 \Big] \\" "\n")
    plain = markdown.Markdown(extensions=["toc", "tables", "footnotes", "md_in_html", "pymdownx.superfences"])
    assert "\x02" in plain.convert(text)
    html = MarkdownRenderer().convert(text)
    assert not re.search("[\x02\x03]|klzzwxh|wzxhzdk", html)
    assert r"\mathbf{x}_t, t)|^2 \Big] \</p>" in html


def test_has_math():
    assert has_math('<span class="arithmatex">\\(x\\)</span>')
    assert has_math("<p>\\(x\\)</p>") and not has_math("<p>$5</p>")


def test_bullets_and_numbers_are_separate_lists(render):
    """After a blank line; right under an item's text, kramdown reads a list of the other kind as the
    item's lazy lines: a list inside it."""
    html = render("- a\n- b\n\n1. one\n2. two\n\n3. three\n- c\n")
    assert re.sub(r"\s+|</?p>", "", html) == (
        "<ul><li>a</li><li>b</li></ul><ol><li>one</li><li>two</li><li>three<ul><li>c</li></ul></li></ol>")


def test_what_kramdown_reads_as_no_tag_is_text(render):
    """kramdown's tag: attributes apart by whitespace, unquoted values of word characters only."""
    html = render('<div>\n<svg height="24px"viewBox="0 0 24 24"><g></g></svg>\n<img src=x.png>\n</div>\n\n'
                  'A <b class=x>bold</b> and <i a="1"b="2">text</i>.\n')
    assert '&lt;svg height="24px"viewBox' in html and "&lt;/svg&gt;" in html and "&lt;img src=x.png" in html
    assert '<b class=x>bold</b>' in html and "&lt;i a=" in html and "&lt;/i&gt;" in html


def test_code_spans_close_at_the_next_run_of_as_many_backticks(render):
    assert '<code>"</code>``&rdquo;' in render('A delimiter like `"```"` here.\n')
    assert "<code>x</code><code> y</code>`" in render("A ``x ``` y`` span.\n")
    assert "<code>padded</code> and <code>one</code> and <code>single </code>" in render(
        "`` padded `` and `` one`` and `single ` here.\n")
    assert "` lone`" in render("A ` lone` backtick.\n")


def test_a_markdown_box_in_a_raw_table_cell():
    renderer = MarkdownRenderer(MarkdownOptions(parse_block_html=True))
    html = renderer.convert('<table>\n<tr>\n    <td>*not emphasis*</td>\n<td>\n'
                            '<div class="box" markdown="1">\nSee <http://example.org/> and *this*.\n</div>\n'
                            '</td>\n</tr>\n</table>\n')
    assert "<td>*not emphasis*</td>" in html and "<pre>" not in html
    assert '<a href="http://example.org/">http://example.org/</a>' in html and "<em>this</em>" in html
    assert 'markdown=' not in html


def test_emphasis_does_not_close_inside_another_element(render):
    html = render('<a href="a">Ann*</a>, <a href="b">Bo*</a> and <a href="c">*this*</a>.\n')
    assert "Ann*</a>" in html and "Bo*</a>" in html and "<em>this</em>" in html
