"""Jupyter notebooks as posts: real .ipynb files written with nbformat, built into a real site."""

from __future__ import annotations

import base64
import io

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell
from PIL import Image

from generator.build import BuildOptions, build
from generator.errors import ContentError

PYTHON = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
          "language_info": {"name": "python"}}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def write_notebook(path, cells, metadata=PYTHON):
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = new_notebook(metadata=metadata)
    notebook.cells = cells
    nbformat.write(notebook, str(path))
    return path


def make_blog(tmp_path):
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "_config.yml").write_text('title: Notebooks\nurl: https://example.org\nbaseurl: ""\npermalink: pretty\n')
    return blog


def built_page(blog, tmp_path, url_path: str) -> str:
    build(BuildOptions(source=blog, dest=tmp_path / "site"))
    return (tmp_path / "site" / url_path / "index.html").read_text()


def article(page: str) -> str:
    return page[page.index('<div class="post-content">'):page.index("</article>")]


def test_a_notebook_in_posts_is_a_post_with_its_outputs_and_without_its_hidden_cells(tmp_path):
    blog = make_blog(tmp_path)
    png = base64.b64encode(png_bytes()).decode()
    write_notebook(blog / "_posts" / "2026-02-03-my-notebook.ipynb", [
        new_raw_cell("---\ntitle: Training a tiny net\ntags: [jupyter]\n---"),
        new_markdown_cell("Two plus two is {{ 2 | plus: 2 }}, says *Liquid*."),
        new_code_cell("for i in range(2):\n    print(i)", execution_count=1, outputs=[
            new_output("stream", name="stdout", text="0\n\n1 <tag>\n")]),
        new_code_cell("plot()", execution_count=2, outputs=[
            new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]),
        new_code_cell("df", execution_count=3, outputs=[
            new_output("execute_result", execution_count=3,
                       data={"text/html": "<table><tr><td>{{ not liquid }}</td></tr></table>", "text/plain": "df"})]),
        new_code_cell("1 / 0", execution_count=4, outputs=[
            new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                       traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"])]),
        new_code_cell("secret = 'tagged'", metadata={"tags": ["remove_cell"]}),
        new_code_cell("#hide\nsecret = 'fastpages'"),
        new_code_cell("#| include: false\nsecret = 'quarto'"),
        new_code_cell("#hide_input\nshown_output_only()", outputs=[new_output("stream", name="stdout", text="only\n")]),
        new_code_cell("#collapse-hide\nopen_code = 1"),
        new_code_cell("print('not run again')", execution_count=5, outputs=[
            new_output("stream", name="stdout", text="stored output\n")]),
    ])
    page = built_page(blog, tmp_path, "2026/02/03/my-notebook")
    body = article(page)
    assert "<title>Training a tiny net" in page
    assert "<p>Two plus two is 4, says <em>Liquid</em>.</p>" in body
    assert '<span class="k">for</span>' in body                      # highlighted as Python
    assert '<div class="notebook-output">\n<pre>0\n\n1 &lt;tag&gt;</pre>\n</div>' in body
    assert f'<img src="data:image/png;base64,{png}" alt="Output of code cell 3">' in body
    assert "<td>{{ not liquid }}</td>" in body
    assert '<div class="notebook-output notebook-error">\n<pre>ZeroDivisionError: division by zero</pre>' in body
    assert "secret" not in body and "shown_output_only" not in body and "<pre>only</pre>" in body
    assert "open_code" in body and "collapse" not in body
    assert "stored output" in body


FASTPAGES_FIRST_CELL = """\
# "Fastpages Notebook Blog Post"
> "A tutorial of fastpages for Jupyter notebooks."

- toc: true
- branch: master
- badges: true
- comments: true
- categories: [fastpages, jupyter]

The text after the front matter stays."""


def test_a_fastpages_blog_builds_its_notebooks_folder_as_it_is(tmp_path):
    blog = make_blog(tmp_path)
    write_notebook(blog / "_notebooks" / "2020-02-20-test.ipynb", [
        new_markdown_cell(FASTPAGES_FIRST_CELL),
        new_markdown_cell("## About\n\nThis notebook is a demonstration."),
    ])
    write_notebook(blog / "_notebooks" / "no-date.ipynb", [new_markdown_cell("# Skipped")])
    page = built_page(blog, tmp_path, "fastpages/jupyter/2020/02/20/test")
    body = article(page)
    assert '<h1 class="post-title">Fastpages Notebook Blog Post</h1>' in page
    assert 'content="A tutorial of fastpages for Jupyter notebooks."' in page
    assert "<p>The text after the front matter stays.</p>" in body and "toc:" not in body
    assert not (tmp_path / "site" / "no-date").exists()


def test_an_error_in_a_markdown_cell_names_the_notebooks_own_line(tmp_path):
    blog = make_blog(tmp_path)
    (blog / "_config.yml").write_text("title: Notebooks\nliquid: {error_mode: strict}\n")
    notebook = write_notebook(blog / "_posts" / "2026-02-03-broken.ipynb", [
        new_markdown_cell("Fine."),
        new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="a\nb\nc\n")]),
        new_markdown_cell("First line.\n\n{% if %}broken{% endif %}"),
    ])
    line = notebook.read_text().splitlines().index('    "{% if %}broken{% endif %}"') + 1
    with pytest.raises(ContentError) as raised:
        build(BuildOptions(source=blog, dest=tmp_path / "site"))
    assert (raised.value.file, raised.value.line) == (notebook, line)


def test_a_file_that_is_not_a_notebook_is_one_error_naming_it(tmp_path):
    blog = make_blog(tmp_path)
    (blog / "_posts" / "2026-02-03-bad.ipynb").write_text("{not json")
    with pytest.raises(ContentError, match="not a Jupyter notebook") as raised:
        build(BuildOptions(source=blog, dest=tmp_path / "site"))
    assert raised.value.file == blog / "_posts" / "2026-02-03-bad.ipynb"


def test_a_notebook_saved_by_another_tool_builds_without_a_warning(tmp_path, recwarn):
    """One line of JSON, nbformat 4.5 cells without ids: no line to map (the text's own lines are used),
    and no nbformat warning about the ids on stderr."""
    blog = make_blog(tmp_path)
    (blog / "_posts" / "2026-02-03-compact.ipynb").write_text(
        '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "Compact *notebook*."}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    page = built_page(blog, tmp_path, "2026/02/03/compact")
    assert "<p>Compact <em>notebook</em>.</p>" in article(page)
    assert [str(warning.message) for warning in recwarn if "nbformat" in warning.filename] == []
