"""Every bad input ends as one line `file:line: message (hint)`, exit status 1, old site kept."""

import pytest

GOOD_POST = "---\ntitle: Good\n---\nFine.\n"
DATE_HINT = "(write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +0100)"

CASES = {
    "malformed front matter": (
        {"_posts/2020-01-01-a.md": "---\ntitle: [unclosed\nfoo: bar\n---\nx\n"},
        "blog/_posts/2020-01-01-a.md:3: malformed YAML: did not find expected ',' or ']' "
        "(check the indentation and quote values that contain ': ')"),
    "unterminated front matter, strict": (
        {"_config.yml": "strict: true\n", "_posts/2020-01-01-a.md": "---\ntitle: a\nx\n"},
        "blog/_posts/2020-01-01-a.md:1: front matter is not terminated, so the whole file is read as text, "
        "as Jekyll reads it (close it with a line holding only '---')"),
    "impossible date": (
        {"_posts/2020-01-01-a.md": "---\ntitle: a\ndate: 2020-02-30\n---\nx\n"},
        f"blog/_posts/2020-01-01-a.md:3: invalid date '2020-02-30' {DATE_HINT}"),
    "date that is not a date": (
        {"_posts/2020-01-01-a.md": "---\ndate: yesterday\n---\nx\n"},
        f"blog/_posts/2020-01-01-a.md:2: invalid date 'yesterday' {DATE_HINT}"),
    "date in the file name": (
        {"_posts/2020-13-01-a.md": "---\n---\nx\n"},
        f"blog/_posts/2020-13-01-a.md:1: invalid date '2020-13-01' {DATE_HINT}"),
    "not UTF-8": (
        {"_posts/2020-01-01-a.md": b"---\n---\ncaf\xe9\n"},
        "blog/_posts/2020-01-01-a.md:3: text is not UTF-8 (save the file as UTF-8)"),
    "template syntax error in a post": (
        {"_posts/2020-01-01-a.md": "---\n---\n\nhello {{ site.title }\n"},
        "blog/_posts/2020-01-01-a.md:4: liquid syntax error: expected '}}', found end of file "
        "(write {% raw %}...{% endraw %} around text that is not a template)"),
    "template syntax error in a layout, strict error mode": (
        {"_config.yml": "liquid: {error_mode: strict}\n",
         "_layouts/post.html": "---\nlayout: page\n---\n<p>\n{% if %}\n{{ content }}</p>\n"},
        "blog/_layouts/post.html:5: liquid syntax error: missing expression "
        "(write {% raw %}...{% endraw %} around text that is not a template)"),
    "unknown variable in a layout, strict variables": (
        {"_config.yml": "liquid: {strict_variables: true}\n",
         "_layouts/post.html": "---\nlayout: page\n---\n<p>\n{{ page.nothing }}</p>\n"},
        "blog/_layouts/post.html:5: liquid error: page.nothing is undefined (rendering _posts/2020-01-01-good.md)"),
    "unknown layout in strict mode": (
        {"_config.yml": "strict: true\n", "_posts/2020-01-01-a.md": "---\nlayout: psot\n---\nx\n"},
        "blog/_posts/2020-01-01-a.md:2: unknown layout 'psot' (did you mean 'post'?)"),
    "unknown variable, strict variables": (
        {"_config.yml": "liquid:\n  strict_variables: true\n",
         "_posts/2020-01-01-a.md": "---\n---\nx\n\n{{ page.titel }}\n"},
        "blog/_posts/2020-01-01-a.md:5: liquid error: page.titel is undefined (did you mean 'title'?)"),
    "unknown model in the text": (
        {"_posts/2020-01-01-a.md": "---\n---\nx\n\n\n{{ models.cnn.params }}\n"},
        "blog/_posts/2020-01-01-a.md:6: unknown model 'cnn' (models: none in _models/)"),
    "permalink escaping the site": (
        {"_posts/2020-01-01-a.md": "---\ntitle: a\npermalink: /../../etc/:title/\n---\nx\n"},
        "blog/_posts/2020-01-01-a.md:3: permalink '/../../etc/:title/' escapes the site folder (remove the '..' parts)"),
    "wrong type in _config.yml": (
        {"_config.yml": "title: x\npaginate: many\n"},
        "blog/_config.yml:2: 'paginate' must be an integer, not 'many'"),
    "malformed _config.yml": (
        {"_config.yml": "title: x\n  bad: [\n"},
        "blog/_config.yml:2: malformed YAML: mapping values are not allowed in this context "
        "(check the indentation and quote values that contain ': ')"),
    "two items writing one path": (
        {"_posts/2020-01-01-b.md": "---\npermalink: /same/\n---\nx\n", "same.md": "---\npermalink: /same/\n---\ny\n"},
        "blog/same.md: 'same/index.html' is written by both blog/_posts/2020-01-01-b.md and blog/same.md "
        "(give one of them another permalink)"),
}


@pytest.mark.parametrize("files, message", CASES.values(), ids=CASES.keys())
def test_bad_input_is_one_line_and_keeps_the_old_site(blog, capsys, files, message):
    blog.write("_posts/2020-01-01-good.md", GOOD_POST)
    assert blog.build() == 0
    before = blog.snapshot()
    for name, text in files.items():
        path = blog.source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    capsys.readouterr()
    assert blog.build() == 1
    captured = capsys.readouterr()
    assert captured.err == f"error: {message}\n"
    assert captured.out == ""
    assert blog.snapshot() == before
    assert sorted(p.name for p in blog.dest.parent.iterdir()) == ["blog", "out"]   # no staging left


def test_unknown_config_key_is_a_warning_not_an_error(blog, capsys):
    blog.config("title: x\npaginatoin: 3\n")
    blog.write("_posts/2020-01-01-good.md", GOOD_POST)
    from generator.cli import main

    main(["build", "--source", str(blog.source), "--dest", str(blog.dest)])
    err = capsys.readouterr().err
    assert err == ("warning: blog/_config.yml:2: unknown key 'paginatoin' (available to templates as "
                   "site.paginatoin) (did you mean 'paginate'?)\n")
    assert (blog.dest / "index.html").is_file()


def test_unterminated_front_matter_is_a_warning_and_the_file_its_text(blog, capsys):
    """Jekyll goes on: the file has no front matter, its `---` (a rule) and all after it are the body."""
    blog.write("_posts/2020-01-01-a.md", "---\ntitle: a\n\nWords.\n")
    from generator.cli import main

    main(["build", "--source", str(blog.source), "--dest", str(blog.dest)])
    err = capsys.readouterr().err
    assert err == ("warning: blog/_posts/2020-01-01-a.md:1: front matter is not terminated, so the whole file is "
                   "read as text, as Jekyll reads it (close it with a line holding only '---')\n")
    assert "<hr>\n<p>title: a</p>\n<p>Words.</p>" in (blog.dest / "2020/01/01/a.html").read_text()


def test_quiet_hides_warnings(blog, capsys):
    blog.config("paginatoin: 3\n")
    assert blog.build() == 0
    assert capsys.readouterr() == ("", "")
