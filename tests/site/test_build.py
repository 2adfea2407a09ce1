"""End-to-end: build small Jekyll blogs with the real CLI and check the written files."""

import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_issue_example_project_site(blog):
    blog.config("""
        title: Deep notes
        url: https://example.github.io
        baseurl: /repo
        permalink: pretty
    """)
    blog.write("_posts/2017-01-29-easy-peasy_deep_learning.md", """
        ---
        category: deep_learning
        ---
        Hello.
    """)
    assert blog.build() == 0
    assert "deep_learning/2017/01/29/easy-peasy_deep_learning/index.html" in blog.files()
    index = blog.read("index.html")
    assert 'href="/repo/deep_learning/2017/01/29/easy-peasy_deep_learning/"' in index
    assert ">Easy Peasy_deep_learning<" in index     # Jekyll's title from the slug


@pytest.mark.parametrize("style, path", [
    ("date", "blog/2020/03/04/hello-world.html"),
    ("pretty", "blog/2020/03/04/hello-world/index.html"),
    ("ordinal", "blog/2020/064/hello-world.html"),
    ("none", "blog/hello-world.html"),
    ("/:year/:title", "2020/hello-world.html"),
])
def test_every_permalink_style_writes_the_expected_file(blog, style, path):
    blog.config(f"permalink: '{style}'\n")
    blog.write("_posts/2020-03-04-hello-world.md", "---\ncategories: Blog\n---\nHi\n")
    blog.write("about.md", "---\ntitle: About\n---\nMe\n")
    assert blog.build() == 0
    assert path in blog.files()
    assert ("about/index.html" if style == "pretty" else "about.html") in blog.files()


def test_default_style_is_jekylls_date(blog):
    blog.write("_posts/2020-03-04-hello.markdown", "---\n---\nHi\n")
    assert blog.build() == 0
    assert "2020/03/04/hello.html" in blog.files()


def test_front_matter_permalink_date_and_slug(blog):
    blog.config("permalink: pretty\n")
    blog.write("_posts/2020-03-04-a.md", "---\npermalink: /special/:title/\nslug: Other_Name\n---\nx\n")
    blog.write("_posts/2020-03-04-b.md", "---\ndate: 2021-12-31 23:30:00 +0100\n---\nx\n")
    assert blog.build() == 0
    assert "special/Other_Name/index.html" in blog.files()
    assert "2021/12/31/b/index.html" in blog.files()


def test_feed_and_sitemap_are_valid_xml_with_absolute_urls(blog):
    blog.config("title: T\nurl: https://ex.org/\nbaseurl: repo\npermalink: pretty\n")
    blog.write("_posts/2020-01-01-one.md", "---\ntitle: One\n---\nFirst para.\n\nSecond.\n")
    blog.write("about.md", "---\ntitle: About\n---\nMe\n")
    assert blog.build() == 0
    feed = ET.fromstring(blog.read("feed.xml"))
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == "https://ex.org/repo/2020/01/01/one/"
    assert entry.find(f"{ATOM}summary").text.strip() == "<p>First para.</p>"
    assert feed.find(f"{ATOM}link").get("href") == "https://ex.org/repo/feed.xml"
    locs = [e.text for e in ET.fromstring(blog.read("sitemap.xml")).iter(f"{SITEMAP}loc")]
    assert "https://ex.org/repo/2020/01/01/one/" in locs
    assert "https://ex.org/repo/about/" in locs
    assert "Sitemap: https://ex.org/repo/sitemap.xml" in blog.read("robots.txt")


def test_excerpts_default_first_paragraph_and_more_separator(blog):
    blog.config("permalink: pretty\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\n\nAlpha one.\n\nAlpha two.\n")
    blog.write("_posts/2020-01-02-b.md",
               "---\nexcerpt_separator: <!--more-->\n---\nBeta one.\n\nBeta two.\n<!--more-->\nBeta three.\n")
    assert blog.build() == 0
    index = blog.read("index.html")
    assert "Alpha one." in index and "Alpha two." not in index
    assert "Beta two." in index and "Beta three." not in index


def test_markdown_features(blog):
    blog.write("_posts/2020-01-01-a.md", """
        ---
        ---
        - [ ] todo
        - [x] done

        ~~gone~~ :stuck_out_tongue_winking_eye: <!-- hidden -->

        <div class="message">
        Raw *block*
        </div>

        ## Section One

        | a | b |
        |---|---|
        | 1 | 2 |

        Note[^n].

        [^n]: The note.
    """)
    assert blog.build() == 0
    html = blog.read("2020/01/01/a.html")
    assert '<input type="checkbox" disabled/> todo' in html
    assert '<input type="checkbox" disabled checked/> done' in html
    assert "<del>gone</del> \U0001F61C" in html
    assert "<!-- hidden -->" in html and "&lt;!--" not in html
    assert '<div class="message">\nRaw *block*\n</div>' in html
    assert '<h2 id="section-one">' in html
    assert "<td>1</td>" in html
    assert 'id="fn:n"' in html


def test_code_is_highlighted_and_not_templated_when_the_author_asks(blog):
    blog.write("_posts/2020-01-01-a.md", "---\nliquid_in_code: false\n---\n```python\nx = '{{ nope }}'\n```\n")
    assert blog.build() == 0
    html = blog.read("2020/01/01/a.html")
    assert '<div class="highlight">' in html and "{{ nope }}" in html
    assert ".highlight .k" in blog.read("assets/css/highlight.css")


def test_liquid_in_code_as_jekyll_unless_the_blog_says_otherwise(blog):
    blog.config("title: Mine\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\n```\n{{ site.title }}\n```\n")
    assert blog.build() == 0
    assert "Mine" in blog.read("2020/01/01/a.html")
    blog.config("title: Mine\nlayerpress:\n  liquid_in_code: false\n")
    assert blog.build() == 0
    assert "{{ site.title }}" in blog.read("2020/01/01/a.html")


def test_body_variables_and_raw(blog):
    blog.config("title: T\nurl: https://ex.org\nbaseurl: /r\ntwitter_username: me\n")
    blog.write("_posts/2020-01-01-a.md", """
        ---
        title: Hi
        ---
        {{ site.url }};{{ site.baseurl }};{{ site.title }};{{ site.twitter_username }}
        {{ page.title }};{{ page.date }};{{ page.url }};{% raw %}{{ kept }}{% endraw %}
    """)   # (`;`, not `|`: kramdown reads a block whose every line has a `|` as a table)
    assert blog.build() == 0
    html = blog.read("2020/01/01/a.html")
    assert "https://ex.org;/r;T;me" in html
    assert "Hi;2020-01-01 00:00:00 +0000;/2020/01/01/a.html;{{ kept }}" in html


def test_titles_are_escaped_and_entities_decoded(blog):
    blog.write("_posts/2020-01-01-a.md", '---\ntitle: "Part&nbsp;1&frac12; <b> & co"\n---\nx\n')
    assert blog.build() == 0
    html = blog.read("2020/01/01/a.html")
    assert "Part\u00a01\u00bd &lt;b&gt; &amp; co" in html
    feed = ET.fromstring(blog.read("feed.xml"))
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "Part\u00a01\u00bd <b> & co"


def test_drafts_unpublished_and_future(blog):
    blog.write("_drafts/idea.md", "---\ntitle: Idea\ndate: 2020-02-02\n---\nx\n")
    blog.write("_posts/2020-01-01-hidden.md", "---\npublished: false\n---\nx\n")
    blog.write("_posts/2020-01-02-flagged.md", "---\ndraft: true\n---\nx\n")
    blog.write("_posts/2999-01-01-later.md", "---\n---\nx\n")
    assert blog.build() == 0
    assert not {p for p in blog.files() if p.startswith(("2020/", "2999/"))}
    assert blog.build("--drafts", "--unpublished", "--future") == 0
    assert {"2020/02/02/idea.html", "2020/01/01/hidden.html", "2020/01/02/flagged.html",
            "2999/01/01/later.html"} <= blog.files()


def test_pages_static_files_and_jekyll_exclusions(blog):
    blog.write("docs/guide.md", "---\ntitle: Guide\n---\nG\n")
    blog.write("assets/app.js", "let a = '{{ x }}';\n")
    blog.write("_private/x.md", "---\n---\nno\n")
    blog.write(".hidden", "no\n")
    blog.write("_notes.txt", "no\n")
    blog.write("node_modules/a.js", "no\n")
    blog.config("permalink: pretty\ncname: blog.example.org\n")
    assert blog.build() == 0
    files = blog.files()
    assert {"docs/guide/index.html", "assets/app.js", ".nojekyll", "CNAME", "404.html"} <= files
    assert blog.read("assets/app.js") == "let a = '{{ x }}';\n"
    assert blog.read("CNAME") == "blog.example.org\n"
    assert not any(p.startswith(("_private", "node_modules")) or p in (".hidden", "_notes.txt") for p in files)


def test_pagination_and_category_pages(blog):
    blog.config("paginate: 2\npermalink: pretty\n")
    for day in range(1, 6):
        blog.write(f"_posts/2020-01-0{day}-p{day}.md", f"---\ncategory: Cat One\ntitle: Post {day}\n---\nx\n")
    assert blog.build() == 0
    assert {"index.html", "page2/index.html", "page3/index.html"} <= blog.files()
    assert "Post 5" in blog.read("index.html") and "Post 3" not in blog.read("index.html")
    assert "Post 1" in blog.read("page3/index.html")
    assert 'href="/page2/"' in blog.read("index.html")
    category = blog.read("categories/cat-one/index.html")
    assert all(f"Post {n}" in category for n in range(1, 6))
    assert "cat one/2020/01/01/p1/index.html" in blog.files()


def test_a_blogs_own_page_at_a_category_url_wins(blog):
    """A theme's category page (`permalink: /categories/edge-case/`) is the blog's, as in Jekyll (which
    writes no category pages): no build stop for two writers of one path."""
    blog.write("_posts/2020-01-01-a.md", "---\ncategories: [Edge Case, Other]\ntitle: A\n---\nx\n")
    blog.write("edge-case.md", "---\npermalink: /categories/edge-case/\n---\nThe blog's own listing.\n")
    assert blog.build() == 0
    assert "own listing." in blog.read("categories/edge-case/index.html")
    assert "categories/other/index.html" in blog.files()


def test_categories_written_alike_share_one_page(blog):
    """`ML` and `ml` slug to one path: one page with the posts of both (Jekyll writes no category pages,
    so none may stop the build)."""
    blog.write("_posts/2020-01-01-a.md", "---\ncategories: [ML]\ntitle: Older\n---\nx\n")
    blog.write("_posts/2020-02-01-b.md", "---\ncategories: [ml]\ntitle: Newer\n---\nx\n")
    assert blog.build() == 0
    page = blog.read("categories/ml/index.html")
    assert "Category: ML" in page and page.index("Newer") < page.index("Older")


def test_user_layout_overrides_the_theme(blog):
    blog.write("_layouts/post.html", "---\nlayout: shell\n---\n<em>{{ page.title }}</em>{{ content }}")
    blog.write("_layouts/shell.html", "<main>{{ content }}</main>\n")
    blog.write("_posts/2020-01-01-a.md", "---\ntitle: A\n---\nBody\n")
    assert blog.build() == 0
    assert blog.read("2020/01/01/a.html") == "<main><em>A</em><p>Body</p></main>\n"


def test_same_inputs_give_byte_identical_sites(blog, tmp_path):
    blog.config("title: T\npermalink: pretty\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nHi :smile:\n")
    assert blog.build() == 0
    first = blog.snapshot()
    assert blog.build() == 0
    assert blog.snapshot() == first


def test_build_summary_line(blog, capsys):
    from generator.cli import main

    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    main(["build", "--source", str(blog.source), "--dest", str(blog.dest)])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("3 pages written to ")  # post, index, 404


def test_own_index_page_replaces_the_generated_one_and_nav_lists_pages(blog):
    blog.write("index.md", "---\ntitle: Home\n---\nWelcome {{ site.posts | size }}\n")
    blog.write("about.md", "---\ntitle: About me\n---\nMe\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    assert blog.build() == 0
    index = blog.read("index.html")
    assert "<p>Welcome 1</p>" in index
    assert '<a href="/about.html">About me</a>' in index


def test_a_blog_in_its_own_design_gets_no_pages_of_the_built_in_theme(blog):
    """Jekyll writes no 404 or category pages of its own; pages in the built-in theme's look (its CSS absent)
    would be broken pages of a blog with its own layouts."""
    blog.write("_layouts/default.html", "<main>{{ content }}</main>\n")
    blog.write("index.html", "---\nlayout: default\n---\n{% for post in site.posts %}{{ post.title }}{% endfor %}\n")
    blog.write("_posts/2020-01-01-a.md", "---\nlayout: default\ntitle: A\ncategory: Cat One\n---\nBody\n")
    assert blog.build() == 0
    files = blog.files()
    assert "2020/01/01/a.html" in files or "cat one/2020/01/01/a.html" in files
    assert "404.html" not in files and not any(path.startswith("categories/") for path in files)
    assert blog.read("index.html") == "<main>A\n</main>\n"
