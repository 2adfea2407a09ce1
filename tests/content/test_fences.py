"""The one fenced-code scanner, shared by figure blocks, prose scanning and kramdown's syntax."""

from generator.content.fences import fences, prose_lines
from generator.content.kramdown import split_fences


def test_fences_and_their_parts():
    lines = ["a", "  ~~~~ {.figure}", "x", "  ~~~~", "```python", "y", "```", "b"]
    found = [(f.start, f.end, f.indent, f.marker, f.language, f.closed) for f in fences(lines)]
    assert found == [(1, 3, "  ", "~~~~", "figure", True), (4, 6, "", "```", "python", True)]


def test_a_closing_fence_is_at_least_as_long_and_the_same_character():
    lines = ["````", "```", "~~~~", "`````", "after"]
    assert [(f.start, f.end) for f in fences(lines)] == [(0, 3)]


def test_backticks_in_the_info_string_are_inline_code():
    assert list(fences(["``` a`b", "x"])) == []


def test_unclosed_fence_runs_to_the_end():
    (fence,) = fences(["```", "x", "y"])
    assert (fence.end, fence.closed) == (2, False)


def test_max_indent_is_commonmarks_limit():
    assert list(fences(["    ```", "x", "    ```"], max_indent=3)) == []
    assert len(list(fences(["    ```", "x", "    ```"]))) == 1


def test_prose_lines_skip_code():
    assert [i for i, _ in prose_lines("a\n~~~\n{{ x }}\n~~~\nb\n```\nc")] == [0, 4]


def test_kramdown_chunks_keep_the_text_and_treat_an_unclosed_fence_as_prose():
    text = "p\n```\ncode\n```\nq\n```\nopen"
    chunks = split_fences(text)
    assert "".join(chunks) == text
    assert chunks == ["p\n", "```\ncode\n```\n", "q\n```\nopen"]
