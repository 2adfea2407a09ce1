"""Markdown conversions kept in the build cache: a hit is the same HTML, anything that changes it misses."""

import json
import subprocess
import sys
import textwrap

from generator.content.markdown import MarkdownOptions, MarkdownRenderer

TEXT = textwrap.dedent("""\
    # A heading

    Some *prose* with $$x_1$$ and a footnote[^1].

    ```python
    print("hello")
    ```

    [^1]: The note.
    """)


def entries(cache_dir):
    """The documents' conversions (the code blocks' are in markdown/code/)."""
    return sorted(path for path in (cache_dir / "markdown").rglob("*.json") if path.parent.parent.name != "code")


def code_entries(cache_dir):
    return sorted((cache_dir / "markdown" / "code").rglob("*.json"))


def test_a_hit_gives_the_html_a_conversion_gives(tmp_path):
    uncached = MarkdownRenderer().convert(TEXT)
    assert MarkdownRenderer(cache_dir=tmp_path).convert(TEXT) == uncached  # a miss, written
    [entry] = entries(tmp_path)
    assert json.loads(entry.read_text())["html"] == uncached
    assert MarkdownRenderer(cache_dir=tmp_path).convert(TEXT) == uncached  # a hit


def test_a_build_of_known_texts_never_builds_markdown(tmp_path):
    MarkdownRenderer(cache_dir=tmp_path).convert(TEXT)
    script = ("import sys; from pathlib import Path; from generator.content.markdown import MarkdownRenderer; "
              f"html = MarkdownRenderer(cache_dir=Path({str(tmp_path)!r})).convert({TEXT!r}); "
              "print('pymdownx.superfences' in sys.modules, 'markdown.extensions.toc' in sys.modules, len(html) > 0)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "True"]


def test_another_text_or_option_misses(tmp_path):
    MarkdownRenderer(cache_dir=tmp_path).convert(TEXT)
    edited = TEXT.replace("Some", "Other")
    assert "Other <em>prose</em>" in MarkdownRenderer(cache_dir=tmp_path).convert(edited)
    assert len(entries(tmp_path)) == 2

    permalinks = MarkdownOptions(heading_permalinks=True)
    html = MarkdownRenderer(permalinks, cache_dir=tmp_path).convert(TEXT)
    assert html == MarkdownRenderer(permalinks).convert(TEXT) and 'class="headerlink"' in html
    assert len(entries(tmp_path)) == 3


def test_a_damaged_entry_is_ignored_and_written_again(tmp_path):
    expected = MarkdownRenderer(cache_dir=tmp_path).convert(TEXT)
    [entry] = entries(tmp_path)
    good = entry.read_text()
    for damaged in (good.replace("prose", "prise"), good[: len(good) // 2], "[]", ""):
        entry.write_text(damaged)
        assert MarkdownRenderer(cache_dir=tmp_path).convert(TEXT) == expected
        assert entry.read_text() == good


def test_an_unwritable_cache_still_converts(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert MarkdownRenderer(cache_dir=blocked).convert(TEXT) == MarkdownRenderer().convert(TEXT)


def test_a_build_from_known_conversions_writes_the_same_site(tmp_path):
    from generator.build import BuildOptions, build

    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "_config.yml").write_text("title: Cached\n")
    (blog / "_posts" / "2026-01-01-first.md").write_text(f"---\ntitle: First\n---\n{TEXT}")
    (blog / "about.md").write_text("---\ntitle: About\n---\nAbout *this* blog.\n")
    build(BuildOptions(source=blog, dest=tmp_path / "cold"))
    assert entries(blog / ".layerpress-cache")
    build(BuildOptions(source=blog, dest=tmp_path / "warm"))

    def tree(folder):
        return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    cold, warm = tree(tmp_path / "cold"), tree(tmp_path / "warm")
    assert b"<em>prose</em>" in cold["2026/01/01/first.html"] and cold == warm


PYTHON_CODE = 'def f(x):\n    return {"x": x * 2}  # doubled'


def test_code_blocks_are_kept_and_a_hit_highlights_as_pygments_does(tmp_path):
    text = f"Before.\n\n```python\n{PYTHON_CODE}\n```\n\n```yaml\nkey: [1, 2]\n```\n"
    expected = MarkdownRenderer().convert(text)
    assert '<span class="k">def</span>' in expected
    assert MarkdownRenderer(cache_dir=tmp_path).convert(text) == expected
    assert len(code_entries(tmp_path)) == 2
    # Other prose around the same code: the document misses, its code blocks hit, the HTML is a conversion's.
    edited = text.replace("Before.", "Before, *edited*.")
    stamps = [entry.stat().st_mtime_ns for entry in code_entries(tmp_path)]
    assert MarkdownRenderer(cache_dir=tmp_path).convert(edited) == MarkdownRenderer().convert(edited)
    assert [entry.stat().st_mtime_ns for entry in code_entries(tmp_path)] == stamps and len(entries(tmp_path)) == 2


def test_edited_code_or_another_language_misses(tmp_path):
    renderer = MarkdownRenderer(cache_dir=tmp_path)
    first = renderer.convert(f"```python\n{PYTHON_CODE}\n```\n")
    second = renderer.convert(f"```python\n{PYTHON_CODE.replace('2', '3')}\n```\n")
    third = renderer.convert(f"```text\n{PYTHON_CODE}\n```\n")
    assert len(code_entries(tmp_path)) == 3 and len({first, second, third}) == 3
    assert '<span class="mi">3</span>' in second and '<span class="k">' not in third


def test_a_damaged_code_entry_is_highlighted_again(tmp_path):
    text = f"```python\n{PYTHON_CODE}\n```\n"
    expected = MarkdownRenderer(cache_dir=tmp_path).convert(text)
    [entry] = code_entries(tmp_path)
    good = entry.read_text()
    entry.write_text(good.replace("doubled", "tripled"))
    assert MarkdownRenderer(cache_dir=tmp_path).convert(text + "\nMore.\n").startswith(expected)
    assert entry.read_text() == good


def test_every_module_the_conversion_imports_salts_the_cache():
    """A module of generator/content that markdown.py imports (directly, through another one, or late
    inside a function) decides the HTML: its code is part of every entry's digest."""
    import ast
    from pathlib import Path

    from generator.content.conversions import CONVERTERS

    folder = Path(__file__).resolve().parents[2] / "generator" / "content"
    seen, todo = set(), ["markdown.py"]
    while todo:
        name = todo.pop()
        seen.add(name)
        for node in ast.walk(ast.parse((folder / name).read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator.content."):
                module = node.module.rsplit(".", 1)[1] + ".py"
                if module not in seen and module != "conversions.py":
                    todo.append(module)
    assert seen <= set(CONVERTERS), sorted(seen - set(CONVERTERS))
