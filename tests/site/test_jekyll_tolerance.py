"""Jekyll's tolerance (a missing layout warns; --strict and `strict: true` make warnings errors),
math loaded only where it is used, valid feed and sitemap for posts full of math and raw HTML,
and figure/model references recognised only in their own syntax."""

import re
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
MATH_POST = r"""
    ---
    title: "Math & <b>HTML</b>"
    ---
    Inline $$\| w \|_2 < 1$$ and text.

    $$
    \mathcal{L} = \sum_i y_i \log \hat{y}_i
    $$

    <div class="note" markdown="1">
    Raw HTML with *markdown*, cut by the excerpt separator
"""


def test_missing_layout_warns_and_falls_back_to_the_theme(blog, capsys):
    blog.write("_posts/2020-01-01-a.md", "---\ntitle: A\nlayout: mathjax_post\n---\nBody text.\n")
    assert blog.build("--strict") == 1
    assert capsys.readouterr().err == (
        "error: blog/_posts/2020-01-01-a.md:3: unknown layout 'mathjax_post' (put mathjax_post.html in _layouts/)\n")
    assert not blog.dest.exists()
    assert blog.build() == 0   # --quiet: no warning printed
    page = blog.read("2020/01/01/a.html")
    assert '<article class="post">' in page and "Body text." in page
    from generator.cli import main
    try:
        main(["build", "--source", str(blog.source), "--dest", str(blog.dest)])
    except SystemExit as stop:
        assert stop.code in (0, None)
    assert ("warning: blog/_posts/2020-01-01-a.md:3: unknown layout 'mathjax_post', using the theme's 'post' "
            "layout (put mathjax_post.html in _layouts/)") in capsys.readouterr().err


def test_an_unknown_layout_many_documents_name_is_one_warning(blog, capsys):
    """A theme that is not there (a remote_theme's `single`, set for every post by `defaults:`): one line, not
    one per document, and each document falls back to the theme's layout for its kind."""
    blog.config("title: T\ndefaults:\n  - scope: {path: ''}\n    values: {layout: single}\n")
    for day in (1, 2, 3):
        blog.write(f"_posts/2020-01-0{day}-p{day}.md", f"---\ntitle: P{day}\n---\nPost {day}.\n")
    blog.write("about.md", "---\ntitle: About\n---\nA page.\n")
    from generator.cli import main
    try:
        main(["build", "--source", str(blog.source), "--dest", str(blog.dest)])
    except SystemExit as stop:
        assert stop.code in (0, None)
    warnings = [line for line in capsys.readouterr().err.splitlines() if "unknown layout" in line]
    assert len(warnings) == 1, warnings
    assert "unknown layout 'single' (and 3 more documents), using the theme's " in warnings[0]
    assert "'post' or 'page' layouts" in warnings[0] or "'page' or 'post' layouts" in warnings[0]
    assert '<article class="post">' in blog.read("2020/01/03/p3.html") and "A page." in blog.read("about.html")


def test_an_unknown_layout_from_front_matter_defaults_is_reported_at_its_config_line(blog, capsys):
    """`defaults:` gives the layout: the warning names _config.yml's `layout:` line of that default set (the
    most specific one that applies), not line 1 of a post; a post's own `layout:` is named at its own line."""
    blog.config("title: T\n"
                "defaults:\n"
                "  - scope: {path: ''}\n"
                "    values: {layout: page}\n"
                "  - scope:\n"
                "      type: posts\n"
                "    values:\n"
                "      comments: true\n"
                "      layout: single\n")
    blog.write("_posts/2020-01-01-a.md", "---\ntitle: A\n---\nPost.\n")
    blog.write("_posts/2020-01-02-b.md", "---\ntitle: B\n---\nPost.\n")
    assert blog.build("--strict") == 1
    assert capsys.readouterr().err == (
        "error: blog/_config.yml:9: unknown layout 'single' (put single.html in _layouts/)\n")
    blog.write("_posts/2020-01-02-b.md", "---\ntitle: B\ncomments: false\nlayout: wide\n---\nPost.\n")
    assert blog.build("--strict") == 1
    assert capsys.readouterr().err.startswith("error: blog/_posts/2020-01-02-b.md:4: unknown layout 'wide'")


def test_strict_in_config_makes_warnings_errors(blog, capsys):
    blog.config("title: T\nstrict: true\n")
    blog.write("_posts/2020-01-01-a.md", "---\nlayout: psot\n---\nx\n")
    assert blog.build() == 1
    assert capsys.readouterr().err == (
        "error: blog/_posts/2020-01-01-a.md:2: unknown layout 'psot' (did you mean 'post'?)\n")
    blog.config("title: T\nstrict: true\nfooter_links: {}\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    assert blog.build() == 1
    assert "error: blog/_config.yml:3: unknown key 'footer_links'" in capsys.readouterr().err


def test_image_paths_with_models_in_their_name_are_not_model_references(blog, capsys):
    blog.write("_posts/2020-01-01-a.md", """
        ---
        ---
        ![x]({{ '/assets/images/three-generative-models.png' | relative_url }})
        ![y]({{ "/img/models.png" | relative_url }}) {{ site.models_note | default: "" }}
    """)
    blog.config("title: T\nmodels_note: ok\n")
    assert blog.build() == 0, capsys.readouterr().err
    assert 'src="/assets/images/three-generative-models.png"' in blog.read("2020/01/01/a.html")
    blog.write("_posts/2020-01-02-b.md", "---\n---\nParams: {{ models.cnn.params }}\n")
    assert blog.build() == 1
    assert "unknown model 'cnn'" in capsys.readouterr().err


def test_math_typesetter_only_on_pages_with_math_and_valid_xml(blog):
    blog.config("title: T\nurl: https://ex.org\nexcerpt_separator: Raw HTML\n")
    blog.write("_posts/2020-01-01-math.md", MATH_POST)
    blog.write("_posts/2020-01-02-plain.md", "---\ntitle: Plain\n---\nNo formulas here, $5 only.\n")
    assert blog.build() == 0
    math_page, plain_page = blog.read("2020/01/01/math.html"), blog.read("2020/01/02/plain.html")
    assert '<script defer src="/assets/katex/katex.min.js"></script>' in math_page
    assert r'<span class="arithmatex">\(\| w \|_2 &lt; 1\)</span>' in math_page
    assert r'<div class="arithmatex">\[\mathcal{L} = \sum_i y_i \log \hat{y}_i\]</div>' in math_page
    assert "katex" not in plain_page
    assert "katex" in blog.read("index.html")          # its excerpts have math
    assert {"assets/katex/katex.min.js", "assets/katex/auto-render.min.js", "assets/js/math.js"} <= blog.files()
    feed = ET.fromstring(blog.read("feed.xml"))
    assert len(feed.findall(f"{ATOM}entry")) == 2
    ET.fromstring(blog.read("sitemap.xml"))
    for name in blog.files():
        if name.endswith((".html", ".xml")):
            assert not re.search("[\x02\x03]", blog.read(name)), name


def test_a_list_of_posts_loads_the_typesetter_only_for_math_in_its_excerpts(blog):
    blog.write("_posts/2020-01-01-later.md", "---\ntitle: Later\n---\nNo formula yet.\n\nThen $$x^2$$.\n")
    assert blog.build() == 0
    assert "katex" in blog.read("2020/01/01/later.html")
    assert "katex" not in blog.read("index.html")  # its excerpt, the first paragraph, has none


def test_no_math_no_typesetter_files(blog):
    blog.write("_posts/2020-01-01-a.md", "---\n---\nJust text.\n")
    assert blog.build() == 0
    assert not any(name.startswith("assets/katex/") for name in blog.files())


def test_front_matter_math_false_turns_the_typesetter_off(blog):
    blog.write("_posts/2020-01-01-a.md", "---\nmath: false\n---\nPrices $$5 and $$6.\n")
    assert blog.build() == 0
    assert "katex" not in blog.read("2020/01/01/a.html")
