"""What a build prints goes through logging: the default lines, `-q` (nothing but errors) and `-v` (debug lines)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parents[2]
WARNING = ("warning: blog/_config.yml:2: unknown key 'paginatoin' (available to templates as site.paginatoin) "
           "(did you mean 'paginate'?)\n")


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as stop:
        return stop.code
    return 0


@pytest.fixture
def warned_blog(blog):
    """A blog whose build succeeds with one warning."""
    blog.config("title: x\npaginatoin: 3\n")
    blog.write("_posts/2020-01-01-a.md", "---\ntitle: A\n---\nFine.\n")
    return blog


def test_default_output_is_the_warning_and_the_summary(warned_blog, capsys):
    assert run("build", "--source", str(warned_blog.source), "--dest", str(warned_blog.dest)) == 0
    out, err = capsys.readouterr()
    assert err == WARNING
    assert re.fullmatch(r"\d+ pages written to \S+ in \d+\.\d\d s\n", out)


@pytest.mark.parametrize("flags", [["-q", "build"], ["--quiet", "build"], ["build", "--quiet"], ["build", "-q"]])
def test_quiet_prints_nothing_on_a_successful_build(warned_blog, capsys, flags):
    assert run(*flags, "--source", str(warned_blog.source), "--dest", str(warned_blog.dest)) == 0
    assert capsys.readouterr() == ("", "")
    assert (warned_blog.dest / "index.html").is_file()


def test_quiet_still_prints_the_one_error_line(blog, capsys):
    blog.config("title: x\n")
    blog.write("_posts/2020-01-01-a.md", "---\ntitle: [unclosed\n---\nx\n")
    assert run("-q", "build", "--source", str(blog.source), "--dest", str(blog.dest)) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: blog/_posts/2020-01-01-a.md:3: malformed YAML") and err.count("\n") == 1


def test_verbose_prints_debug_lines_and_a_later_default_run_does_not(warned_blog, capsys):
    args = ["--source", str(warned_blog.source), "--dest", str(warned_blog.dest)]
    assert run("build", *args) == 0
    capsys.readouterr()
    assert run("-v", "build", *args) == 0
    err = capsys.readouterr().err
    assert err == f"debug: nothing changed since the last build of {warned_blog.dest}: its site stands\n{WARNING}"
    assert run("build", *args) == 0
    assert capsys.readouterr().err == WARNING


def test_verbose_says_where_each_model_and_figure_comes_from(tmp_path, capsys):
    assert run("-v", "build", "--source", str(REPO / "content"), "--dest", str(tmp_path / "site"), "--frozen") == 0
    lines = capsys.readouterr().err.splitlines()
    assert "debug: model shapes_cnn: frozen (" in "\n".join(lines)
    figures = [line for line in lines if re.fullmatch(r"debug: figure '[\w-]+': frozen \([0-9a-f]{12}\)", line)]
    assert len(figures) >= 10
    assert not [line for line in lines if not line.startswith("debug: ")]  # the frozen blog warns about nothing


def test_the_library_logs_through_module_loggers(warned_blog, caplog):
    from generator.build import BuildOptions, build

    with caplog.at_level(logging.DEBUG, logger="generator"):
        build(BuildOptions(source=warned_blog.source, dest=warned_blog.dest))
    assert [(r.name, r.levelname) for r in caplog.records] == [("generator.build", "WARNING")]
    assert caplog.records[0].getMessage() == WARNING[len("warning: "):-1]
