"""Reading a source folder: front matter, dates, categories and tags as Jekyll 4 merges them."""

from datetime import datetime, timezone

import pytest

from generator.config import load_config
from generator.content.dates import parse_date
from generator.content.documents import ReadOptions, merged_categories, merged_tags, read_site
from generator.content.frontmatter import split_front_matter
from generator.errors import ConfigError, ContentError


@pytest.mark.parametrize("fm, categories", [
    ({"category": "deep_learning"}, ["deep_learning"]),
    ({"categories": "a b"}, ["a", "b"]),
    ({"categories": ["A", "b"], "category": "c"}, ["A", "b", "c"]),
    ({"categories": ["x", "y"], "category": None}, ["x", "y"]),
    ({"categories": [2017, ["n"]]}, ["2017", "n"]),
])
def test_categories_merge_like_jekyll(fm, categories):
    assert merged_categories(fm) == categories


def test_tags_singular_wins_over_plural():
    assert merged_tags({"tag": "a", "tags": ["b"]}) == ["a"]
    assert merged_tags({"tags": "b c"}) == ["b", "c"]


def test_front_matter_body_line_and_key_lines(tmp_path):
    parsed = split_front_matter("---\ntitle: x\n\ndate: 2020-01-01\n...\nBody\n", tmp_path / "p.md")
    assert parsed.front_matter == {"title": "x", "date": "2020-01-01"}
    assert parsed.key_lines == {"title": 2, "date": 4}
    assert (parsed.body, parsed.body_line) == ("Body\n", 6)


def test_no_front_matter_is_all_body(tmp_path):
    parsed = split_front_matter("Hello\n---\n", tmp_path / "p.md")
    assert (parsed.front_matter, parsed.body, parsed.body_line) == ({}, "Hello\n---\n", 1)


@pytest.mark.parametrize("text, expected", [
    ("2017-01-29", "2017-01-29 00:00:00 +0000"),
    ("2017-1-9 8:05", "2017-01-09 08:05:00 +0000"),
    ("2017-01-29 10:00:00 +0100", "2017-01-29 09:00:00 +0000"),
    ("2017-01-29T10:00:00Z", "2017-01-29 10:00:00 +0000"),
])
def test_dates_print_as_ruby_time(text, expected):
    assert str(parse_date(text, timezone.utc, file="p.md", line=2)) == expected


@pytest.mark.parametrize("text, expected", [
    ("February 21, 2017", "2017-02-21 00:00:00 +0000"),
    ("21 Feb 2017 10:30", "2017-02-21 10:30:00 +0000"),
    ("Tue, 21 Feb 2017 10:00:00 +0100", "2017-02-21 09:00:00 +0000"),
    ("03/04/2017", "2017-04-03 00:00:00 +0000"),     # Ruby reads dd/mm/yyyy
    ("2017/02/03", "2017-02-03 00:00:00 +0000"),     # and yyyy/mm/dd
    ("2017.02.21", "2017-02-21 00:00:00 +0000"),
    ("2016-05-31 20:35:00 - 0700", "2016-05-31 20:35:00 +0000"),   # `- 0700` is no offset to Ruby: skipped
    ("2016-06-01 10:00:00 junk words", "2016-06-01 10:00:00 +0000"),
])
def test_dates_in_the_forms_ruby_time_parse_reads(text, expected):
    """Checked against Debian's Jekyll 4.3: each of these builds there with this page.date."""
    assert str(parse_date(text, timezone.utc, file="p.md", line=2)) == expected


@pytest.mark.parametrize("text", ["2017", "March", "yesterday", "2017-02-30"])
def test_text_without_a_whole_date_is_an_error(text):
    with pytest.raises(ContentError, match=f"p.md:2: invalid date '{text}'"):
        parse_date(text, timezone.utc, file="p.md", line=2)


def test_windows_line_endings_in_front_matter(tmp_path):
    parsed = split_front_matter("---\r\ntitle: Crlf\r\n---\r\nHello\r\n", tmp_path / "p.md")
    assert parsed.front_matter == {"title": "Crlf"}
    assert (parsed.body, parsed.body_line) == ("Hello\r\n", 4)


def test_files_of_posts_without_a_date_are_skipped_and_counted(tmp_path, caplog):
    (tmp_path / "_config.yml").write_text("title: t\n")
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "README.md").write_text("# About these posts\n")
    (posts / "2020-01-01-a.md").write_text("---\n---\nx\n")
    (posts / "2999-01-01-later.md").write_text("---\n---\nx\n")
    (posts / "2020-01-02-hidden.md").write_text("---\npublished: false\n---\nx\n")
    caplog.set_level("DEBUG", logger="generator")
    content = read_site(load_config(tmp_path), ReadOptions())
    assert [post.relative_path for post in content.posts] == ["_posts/2020-01-01-a.md"]
    assert content.skipped == {"_posts/README.md": "undated", "_posts/2999-01-01-later.md": "future",
                               "_posts/2020-01-02-hidden.md": "unpublished"}
    messages = [record.getMessage() for record in caplog.records]
    assert "skipped: 1 future post (use --future), 1 unpublished (use --unpublished), 1 non-post file in _posts" in messages
    assert any(m.startswith("skipped _posts/README.md: its name does not start with a date") for m in messages)


def test_site_timezone_is_applied(tmp_path):
    (tmp_path / "_config.yml").write_text("timezone: Europe/Paris\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-07-01-a.md").write_text("---\n---\nx\n")
    post, = read_site(load_config(tmp_path), ReadOptions()).posts
    assert str(post.date) == "2020-07-01 00:00:00 +0200"
    assert post.date < datetime(2020, 7, 1, 0, 0, 1, tzinfo=timezone.utc)


def test_posts_sorted_newest_first_and_titles_from_slugs(tmp_path):
    (tmp_path / "_posts").mkdir()
    for name in ("2020-01-01-old-one.md", "2021-01-01-new_one.md"):
        (tmp_path / "_posts" / name).write_text("---\n---\nx\n")
    posts = read_site(load_config(tmp_path), ReadOptions()).posts
    assert [post.title for post in posts] == ["New_one", "Old One"]


def test_unknown_timezone_is_a_config_error(tmp_path):
    (tmp_path / "_config.yml").write_text("timezone: Mars/Olympus\n")
    with pytest.raises(ConfigError) as caught:
        read_site(load_config(tmp_path), ReadOptions())
    assert caught.value.message == "unknown timezone 'Mars/Olympus'"
