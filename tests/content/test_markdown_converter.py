"""How the Markdown converter is built: the same HTML as Markdown's own way of building it, with less
work done up front (extensions made from their modules, the tilde pattern compiled on first use)."""

import markdown
import pytest

from generator.content.markdown import MarkdownRenderer
from generator.content.strikethrough import LazyStrikethroughExtension

TILDES = ["Some ~~deleted~~ text and ~~not closed", "a \\~ escaped tilde, \\~~not~~ and ~~a\\~b~~",
          "~~*nested*~~ **~~bold~~** `~~code~~`", "a~~b~~c ~~ spaced ~~ ~~~triple~~~ ~~~~four~~~~",
          "H~2~O, 10~20 and ~ ~~x~~~", "- ~~item~~\n\n> ~~quote~~ [~~link~~](http://x)"]


@pytest.mark.parametrize("text", TILDES)
def test_lazy_strikethrough_writes_what_pymdown_tilde_writes(text):
    plain = markdown.Markdown(extensions=["pymdownx.tilde"], extension_configs={"pymdownx.tilde": {"subscript": False}})
    lazy = markdown.Markdown(extensions=[LazyStrikethroughExtension(subscript=False)])
    assert lazy.convert(text) == plain.convert(text)


def test_the_tilde_pattern_is_compiled_on_the_first_tilde():
    md = markdown.Markdown(extensions=[LazyStrikethroughExtension(subscript=False)])
    [delimiter] = md.inlinePatterns["delimiter"].delimiters.values()
    md.convert("No tilde in this text.")
    assert "boundary" not in delimiter.__dict__
    assert md.convert("One ~~deleted~~ word.") == "<p>One <del>deleted</del> word.</p>"
    assert "boundary" in delimiter.__dict__


def test_subscript_is_refused_rather_than_ignored():
    with pytest.raises(ValueError, match="subscript"):
        markdown.Markdown(extensions=[LazyStrikethroughExtension()])


def test_the_renderer_writes_what_markdown_builds_from_extension_names():
    from generator.content.markdown import EXTENSIONS, HIGHLIGHT, MarkdownOptions, extension_configs
    from generator.content.kramdown import HeadingIds, KramdownExtension

    text = ("# Title\n\nProse with ~~deletion~~, :smile:, \"quotes\", $$x^2$$ and a note[^1].\n\n"
            "```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: The note.\n")
    ids = HeadingIds(gfm=True)
    configs = extension_configs(MarkdownOptions(), ids) | {"pymdownx.highlight": HIGHLIGHT}
    by_name = markdown.Markdown(extensions=EXTENSIONS + [KramdownExtension(gfm=True)], extension_configs=configs,
                                output_format="html")
    assert MarkdownRenderer().convert(text) == by_name.convert(text)
