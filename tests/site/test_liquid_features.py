"""Liquid as Jekyll renders it, through real builds: error modes, includes, layouts, tags,
layerpress's filters, the data model and Ruby plugins."""

from __future__ import annotations

import re

import pytest

from generator.cli import main


def build_with_messages(blog, capsys, *flags) -> tuple[int, str]:
    """Build without --quiet; the exit status and what went to stderr."""
    capsys.readouterr()
    try:
        main(["build", "--source", str(blog.source), "--dest", str(blog.dest), *flags])
        status = 0
    except SystemExit as stop:
        status = stop.code
    return status, capsys.readouterr().err


def post_html(blog, name="2020/01/01/a.html") -> str:
    html = blog.read(name)
    return html.split('<div class="post-content">', 1)[1].split("</div>\n  <nav", 1)[0].strip()


# -- undefined variables and error modes --

def test_undefined_variables_render_empty(blog):
    blog.write("_posts/2020-01-01-a.md",
               "---\n---\n[{{ page.nothing }};{{ nothing.at.all }};{{ site.nope | upcase }}]\n")
    assert blog.build() == 0
    assert post_html(blog) == "<p>[;;]</p>"   # (`;`: a line of pipes is a kramdown table)


@pytest.mark.parametrize("mode, status, message", [
    ("lax", 0, None),
    ("warn", 0, "warning: blog/_posts/2020-01-01-a.md:4: liquid syntax error: unexpected tag 'bogus'"),
    ("strict", 1, "error: blog/_posts/2020-01-01-a.md:4: liquid syntax error: unexpected tag 'bogus'"),
])
def test_error_modes_as_in_jekyll(blog, capsys, mode, status, message):
    blog.config(f"liquid:\n  error_mode: {mode}\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nbefore\n{% bogus %}\nafter\n")
    code, err = build_with_messages(blog, capsys)
    assert code == status
    lines = err.strip().splitlines()
    if message is None:
        assert lines == []
    else:
        assert len(lines) == 1 and lines[0].startswith(message), err
    if status == 0:
        assert post_html(blog) == "<p>before</p>\n<p>after</p>"


def test_warn_is_jekylls_default_and_strict_turns_warnings_into_errors(blog, capsys):
    blog.write("_layouts/post.html", "---\n---\n<main>\n{{ content }}\n{% twitter abc %}</main>\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and err == "warning: blog/_layouts/post.html:5: liquid syntax error: unexpected tag 'twitter' " \
                                "(rendering _posts/2020-01-01-a.md) (a tag of a Jekyll plugin layerpress does not " \
                                "have; see 'Bringing a Jekyll blog " \
                                "over' in docs/writing.md)\n"
    code, err = build_with_messages(blog, capsys, "--strict")
    assert code == 1 and err.startswith("error: blog/_layouts/post.html:5: liquid syntax error")


def test_an_error_inside_an_include_names_the_include_and_its_line(blog, capsys):
    blog.config("liquid: {error_mode: strict}\n")
    blog.write("_includes/box.html", "<div>\n{{ include.text | nosuchfilter: 1 | upcase }}\n{% if %}</div>\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\n{% include box.html text='x' %}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1
    assert err == ("error: blog/_includes/box.html:3: liquid syntax error: missing expression "
                   "(write {% raw %}...{% endraw %} around text that is not a template)\n")


def test_strict_filters(blog, capsys):
    blog.config("liquid: {strict_filters: true}\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n\n{{ 'a' | upcsae }}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and err == ("error: blog/_posts/2020-01-01-a.md:5: liquid error: unknown filter 'upcsae' "
                                 "(did you mean 'upcase'?)\n")


def test_a_misspelt_tag_gets_a_did_you_mean(blog, capsys):
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n{% inclde x.html %}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and err == ("warning: blog/_posts/2020-01-01-a.md:4: liquid syntax error: unexpected tag "
                                 "'inclde' (did you mean 'include'?)\n")


def test_a_wrong_error_mode_is_a_config_error(blog, capsys):
    blog.config("title: t\nliquid:\n  error_mode: loud\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and err == ("error: blog/_config.yml:3: 'liquid.error_mode' must be one of lax, warn, strict, "
                                 "not 'loud'\n")


# -- include --

def test_includes_the_jekyll_way(blog):
    blog.config("title: Site\n")
    blog.write("_includes/card.html",
               "<b>{{ include.title }}/{{ include.n | plus: 1 }}/{{ include.flag }}/{{ include.who }}</b>")
    blog.write("_includes/parts/footer.html", "<i>{{ page.title }}</i>")
    blog.write("_posts/2020-01-01-a.md", """
        ---
        title: Post
        box: parts/footer.html
        ---
        {% include card.html title="Hi there" n=41 flag=true who=site.title %}
        {% include card.html title='single' %}
        {% include {{ page.box }} %}
        {% include parts/footer.html %}
        """)
    assert blog.build() == 0
    html = post_html(blog)
    assert "<b>Hi there/42/true/Site</b>" in html
    assert "<b>single/1//</b>" in html
    assert html.count("<i>Post</i>") == 2


def test_include_relative_reads_beside_the_including_file(blog):
    blog.write("docs/snippet.md", "snippet *here*\n")
    blog.write("docs/guide.md", "---\ntitle: Guide\n---\nBefore. {% include_relative snippet.md %}\n")
    assert blog.build() == 0
    assert "Before. snippet <em>here</em>" in blog.read("docs/guide.html")


def test_a_missing_include_stops_the_build_at_its_line(blog, capsys):
    blog.write("_includes/head.html", "x")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n{% include haed.html %}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1
    assert err == ("error: blog/_posts/2020-01-01-a.md:4: could not find the included file 'haed.html' "
                   "in _includes/\n")


def test_an_include_outside_the_include_folders_is_refused(blog, capsys):
    blog.write("secret.html", "no")
    blog.write("_posts/2020-01-01-a.md", "---\n---\n{% include ../secret.html %}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and "include '../secret.html' is outside the include folders" in err


def test_a_theme_folder_added_to_the_search_list_is_searched_after_the_blogs(tmp_path):
    from generator.config import load_config
    from generator.content.documents import ReadOptions, read_site
    from generator.liquid.environment import template_folders
    from generator.site import SiteRenderer

    source, theme = tmp_path / "blog", tmp_path / "theme"
    files = {source / "_posts/2020-01-01-a.md": "---\nlayout: themed\n---\n{% include a.html %}{% include b.html %}\n",
             source / "_includes/a.html": "blog-a ", theme / "_includes/a.html": "theme-a ",
             theme / "_includes/b.html": "theme-b", theme / "_layouts/themed.html": "<t>{{ content }}</t>",
             source / "_config.yml": "layerpress: {shared_folders: [../theme]}\n"}   # files outside: allow-listed
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    config = load_config(source)
    folders = template_folders(config)
    folders.layouts.append(theme / "_layouts")
    folders.includes.append(theme / "_includes")
    renderer = SiteRenderer(config, read_site(config, ReadOptions()), folders=folders)
    assert renderer.check_layouts(strict=True) == []
    pages = {page.output_path: page.text for page in renderer.render_all()}
    assert pages["2020/01/01/a.html"] == "<t><p>blog-a theme-b</p></t>"


# -- layouts --

def test_liquid_layouts_chain_into_the_built_in_theme(blog):
    blog.config("title: Site\n")
    blog.write("_layouts/note.html",
               "---\nlayout: page\nbadge: N\n---\n<aside>{{ layout.badge }} {{ page.title }}</aside>{{ content }}")
    blog.write("notes.md", "---\ntitle: Notes\nlayout: note\n---\nText.\n")
    assert blog.build() == 0
    html = blog.read("notes.html")
    assert '<article class="page">' in html                # the theme's Jinja page layout
    assert "<aside>N Notes</aside><p>Text.</p>" in html


def test_a_layout_that_names_itself_is_an_error(blog, capsys):
    blog.write("_layouts/loop.html", "---\nlayout: loop\n---\n{{ content }}")
    blog.write("_posts/2020-01-01-a.md", "---\nlayout: loop\n---\nx\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and "blog/_layouts/loop.html:1: layout 'loop' is its own parent" in err


def test_jekyll_environment_comes_from_jekyll_env(blog, monkeypatch):
    blog.write("_layouts/post.html", "{{ jekyll.environment }}|{{ content }}")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    assert blog.build() == 0
    assert blog.read("2020/01/01/a.html") == "development|<p>x</p>"
    monkeypatch.setenv("JEKYLL_ENV", "production")
    assert blog.build() == 0
    assert blog.read("2020/01/01/a.html") == "production|<p>x</p>"


def test_pagination_of_the_blogs_own_index(blog):
    blog.config("paginate: 2\n")
    for day in range(1, 6):
        blog.write(f"_posts/2020-01-0{day}-p{day}.md", f"---\ntitle: P{day}\n---\nx\n")
    blog.write("index.html", "---\nlayout: null\n---\n{% for post in paginator.posts %}{{ post.title }} {% endfor %}"
                             "{{ paginator.page }}/{{ paginator.total_pages }} "
                             "[{{ paginator.previous_page_path }}|{{ paginator.next_page_path }}]\n")
    assert blog.build() == 0
    assert blog.read("index.html") == "P5 P4 1/3 [|/page2/]\n"
    assert blog.read("page2/index.html") == "P3 P2 2/3 [/|/page3/]\n"
    assert blog.read("page3/index.html") == "P1 3/3 [/page2/|]\n"


# -- tags --

def test_highlight_with_line_numbers_raw_and_link(blog):
    blog.write("about.md", "---\ntitle: About\n---\nMe\n")
    blog.write("_posts/2020-01-01-a.md", """
        ---
        ---
        {% highlight ruby linenos %}
        def hi = puts("{% raw %}{{ x }}{% endraw %}")
        {% endhighlight %}

        [about]({% link about.md %}) {% raw %}{% if %}{{ y }}{% endraw %}
        """)
    assert blog.build() == 0
    html = post_html(blog)
    assert html.startswith('<figure class="highlight">') and '<table class="highlighttable">' in html
    assert '<span class="normal">1</span>' in html and "{{ x }}" in html
    assert '<a href="/about.html">about</a> {% if %}{{ y }}' in html


def test_a_highlight_block_is_kept_from_one_build_to_the_next(blog):
    """Pygments runs once per block's text, language and line numbers: the next build reads the kept HTML."""
    import hashlib
    import json

    blog.write("_posts/2020-01-01-a.md", "---\n---\n{% highlight python %}\nx = 1\n{% endhighlight %}\n")
    assert blog.build() == 0
    kept = [entry for entry in (blog.source / ".layerpress-cache" / "markdown" / "code").rglob("*.json")
            if 'language-python' in json.loads(entry.read_text())["html"]]
    assert len(kept) == 1
    marked = '<figure class="highlight">kept</figure>'
    kept[0].write_text(json.dumps({"sha256": hashlib.sha256(marked.encode()).hexdigest(), "html": marked}))
    blog.write("about.md", "---\n---\nan edit elsewhere\n")
    assert blog.build() == 0
    assert marked in post_html(blog)
    blog.write("_posts/2020-01-01-a.md", "---\n---\n{% highlight python linenos %}\nx = 1\n{% endhighlight %}\n")
    assert blog.build() == 0
    assert "kept" not in post_html(blog) and '<table class="highlighttable">' in post_html(blog)


def test_link_names_a_static_file_too(blog):
    """Jekyll 4's `{% link %}` finds pages, documents and static files."""
    blog.write("assets/pdfs/notes 1.pdf", "%PDF-1.4\n")
    blog.config("baseurl: /blog\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\n[notes]({% link assets/pdfs/notes 1.pdf %})\n")
    assert blog.build() == 0
    assert '<a href="/blog/assets/pdfs/notes%201.pdf">notes</a>' in post_html(blog)


def test_fenced_code_kept_from_liquid_drops_raw_inside_it_as_jekyll_does(blog):
    blog.write("_posts/2020-01-01-a.md", "---\nliquid_in_code: false\n---\n```liquid\n"
                                         "{% raw %}{{ page.title }}{% endraw %} {% if x %}\n```\n")
    assert blog.build() == 0
    text = re.sub(r"<[^>]+>", "", post_html(blog))
    assert text.strip() == "{{ page.title }} {% if x %}"


# -- layerpress's filters, on plain numbers (model values: tests/site/test_claims.py) --

def test_percent_thousands_and_liquid_math(blog):
    blog.write("_posts/2020-01-01-a.md", """
        ---
        ---
        {{ 0.91234 | percent }} {{ 0.91234 | percent: 2 }} {{ 60000 | thousands }} {{ 1234567 | thousands: "\\," }}
        {{ 0.91234 | times: 100 | round: 1 }} {{ 60000 | divided_by: 1000 }} {{ 7 | modulo: 4 }}
        {{ 2.5 | ceil }} {{ -3 | abs }}
        {{ 0.0012 | percent: 0 }} {{ 0.9997 | percent }} {{ 0 | percent }} {{ 1 | percent: 0 }}
        """)
    assert blog.build() == 0
    assert post_html(blog) == "<p>91.2% 91.23% 60,000 1\\,234\\,567\n91.2 60 3\n3 3\n0.12% 99.97% 0.0% 100%</p>"


def test_number_of_words_counts_each_cjk_character_as_jekyll_does(blog):
    blog.write("_posts/2020-01-01-a.md", """
        ---
        ---
        {{ "日本語のテキスト and two words" | number_of_words: "cjk" }} {{ "한국어 text" | number_of_words: "auto" }}
        {{ "plain words here" | number_of_words: "auto" }} {{ "日本語 text" | number_of_words }}
        """)
    assert blog.build() == 0
    assert post_html(blog) == "<p>11 4\n3 2</p>"


def test_strip_html_is_ruby_liquids(blog):
    """Debian's Jekyll (Liquid 5.4) writes `[a  d x &amp;  s ]`: from a `<` to the next `>` goes, comments
    and lower-case script blocks go, an upper-case `<SCRIPT>`'s text stays."""
    blog.write("page.html", """---\nlayout: null\n---\n"""
               """[{{ "a < b and c > d <em>x</em> &amp; <!-- c --> <SCRIPT>s</SCRIPT> <script>t</script>" | strip_html }}]\n""")
    assert blog.build() == 0
    assert blog.read("page.html") == "[a  d x &amp;  s ]\n"


def test_words_are_apart_by_ascii_whitespace_as_ruby_splits_them(blog):
    """Debian's Jekyll writes `[a:\u00a0b c\u00a0...] [3] [one two] [one...] [x]`: a no-break space joins
    words for truncatewords and number_of_words (a listing's excerpt keeps Jekyll's length)."""
    blog.write("page.html", "---\nlayout: null\n---\n"
               '[{{ "a:\u00a0b c\u00a0 d e f" | truncatewords: 2 }}] [{{ "a:\u00a0b c d" | number_of_words }}] '
               '[{{ "one two" | truncatewords: 2 }}] [{{ "one two three" | truncatewords: 0 }}] '
               '[{{ "x y z" | truncatewords: 1, "" }}]\n')
    assert blog.build() == 0
    assert blog.read("page.html") == "[a:\u00a0b c\u00a0...] [3] [one two] [one...] [x]\n"


def test_a_claim_about_plain_values_and_one_without_a_comparison(blog, capsys):
    blog.write("_posts/2020-01-01-a.md",
               "---\n---\n{% assign n = 3 %}{% claim n > 2 and not (n == 5) %}Three.{% endclaim %}\n")
    assert blog.build() == 0
    assert post_html(blog) == "<p>Three.</p>"
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n{% assign n = 3 %}{% claim n %}Three.{% endclaim %}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and err.startswith("error: blog/_posts/2020-01-01-a.md:4: claim needs a comparison")
    blog.write("_posts/2020-01-01-a.md", "---\n---\n{% assign n = 3 %}\n{% claim nn == m %}Equal.{% endclaim %}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and err == ("error: blog/_posts/2020-01-01-a.md:4: claim: nn is undefined "
                                 "(check the spelling of the variable)\n")


# -- data model --

def test_data_files_static_files_defaults_and_timezone(blog):
    blog.config("""
        timezone: America/New_York
        defaults:
          - scope: {path: ""}
            values: {author: Everyone}
          - scope: {path: "_posts", type: posts}
            values: {author: Poster}
        """)
    blog.write("_data/team.json", '{"lead": {"name": "Ada"}}')
    blog.write("_data/sub/list.yml", "- one\n- two\n")
    blog.write("_data/rows.csv", "a,b\n1,2\n")
    blog.write("img/x.png", "png")
    blog.write("_posts/2020-01-01-a.md", "---\ndate: 2020-01-01 23:30:00 +0000\n---\n"
               "{{ site.data.team.lead.name }} {{ site.data.sub.list | join: '+' }} {{ site.data.rows[0].b }} "
               "{{ site.static_files | map: 'path' | join: ',' }} {{ page.author }} {{ page.date }}\n")
    blog.write("about.md", "---\n---\n{{ page.author }}\n")
    assert blog.build() == 0
    assert post_html(blog, "2020/01/01/a.html") == "<p>Ada one+two 2 /img/x.png Poster 2020-01-01 18:30:00 -0500</p>"
    assert "<p>Everyone</p>" in blog.read("about.html")


def test_previous_and_next_and_site_collections(blog):
    blog.write("_layouts/post.html", "{{ page.previous.title }}<{{ page.title }}>{{ page.next.title }} "
               "{{ site.tags.t | size }} {{ site.categories.c | map: 'title' | join: ',' }} {{ site.posts.size }}")
    for day, extra in ((1, "tags: [t]"), (2, "categories: [c]"), (3, "tags: [t]\ncategories: [c]")):
        blog.write(f"_posts/2020-01-0{day}-p{day}.md", f"---\ntitle: P{day}\n{extra}\n---\nx\n")
    assert blog.build() == 0
    assert blog.read("2020/01/01/p1.html") == "<P1>P2 2 P3,P2 3"
    assert blog.read("c/2020/01/02/p2.html") == "P1<P2>P3 2 P3,P2 3"


# -- Ruby plugins --

def test_ruby_plugins_get_one_warning_line(blog, capsys):
    blog.write("_plugins/a_tag.rb", "module Jekyll; end\n")
    blog.write("_plugins/more/b.rb", "module Jekyll; end\n")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0
    assert err == ("warning: blog/_plugins/a_tag.rb: Ruby plugins are not supported: a_tag.rb and 1 more in "
                   "_plugins/ will not run (tags and filters they define render as nothing; see 'Bringing a "
                   "Jekyll blog over' in docs/writing.md)\n")
    code, err = build_with_messages(blog, capsys, "--strict")
    assert code == 1 and err.startswith("error: blog/_plugins/a_tag.rb: Ruby plugins are not supported")


# -- Jekyll's reading of documents, as layouts see them --

def test_untitled_pages_raw_front_matter_excerpts_and_posts_without_front_matter(blog):
    blog.config("title: Site\n")
    blog.write("_layouts/plain.html",
               "<title>{% if page.title %}{{ page.title }}{% else %}{{ site.title }}{% endif %}</title>"
               "{% for post in site.posts %}[{{ post.excerpt }}]{% endfor %}")
    blog.write("home.html", "---\nlayout: plain\n---\n")
    blog.write("_posts/2020-01-01-a.md", "---\nexcerpt: Plain *text*\n---\nBody.\n")
    blog.write("_posts/2020-01-02-stub.md", '<meta http-equiv="Refresh" content="0; url=/elsewhere/">\n')
    assert blog.build() == 0
    stub = '<p><meta http-equiv="Refresh" content="0; url=/elsewhere/"></p>'
    assert blog.read("home.html") == f"<title>Site</title>[{stub}][Plain *text*]"
    assert blog.read("2020/01/02/stub.html") == stub       # no front matter: no layout, as in Jekyll


def test_blank_lines_after_front_matter_are_dropped_and_lines_still_count(blog, capsys):
    blog.config("liquid: {error_mode: strict}\n")
    blog.write("_layouts/post.html", "---\n---\n\n\n[{{ content }}]")
    blog.write("_posts/2020-01-01-a.md", "---\n---\n\n\nx\n")
    assert blog.build() == 0
    assert blog.read("2020/01/01/a.html") == "[<p>x</p>]"
    blog.write("_posts/2020-01-01-a.md", "---\n---\n\n\nx\n{% if %}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and err.startswith("error: blog/_posts/2020-01-01-a.md:6: liquid syntax error")


def test_jsonify_of_a_post_and_related_posts(blog):
    blog.write("_layouts/post.html", "{{ page | jsonify }}|{{ site.related_posts | map: 'title' | join: ',' }}")
    for day in (1, 2, 3):
        blog.write(f"_posts/2020-01-0{day}-p{day}.md", f"---\ntitle: P{day}\n---\nx\n")
    assert blog.build() == 0
    import json

    data, related = blog.read("2020/01/02/p2.html").split("|")
    page = json.loads(data)
    assert (page["title"], page["previous"], page["next"]) == \
        ("P2", "_posts/2020-01-01-p1.md", "_posts/2020-01-03-p3.md")
    assert page["content"] == "<p>x</p>" and page["date"] == "2020-01-02 00:00:00 +0000"
    assert related == "P3,P1"


def test_text_after_a_trimming_tag_keeps_its_last_newline_as_in_jekyll(blog):
    """minima's header.html ends `{%- endif -%}\\n  </div>\\n</header>\\n`: Jekyll keeps the last newline."""
    blog.write("_includes/header.html",
               "<header>\n  {%- if true -%}\n  <nav></nav>\n  {%- endif -%}\n  </div>\n</header>\n")
    blog.write("_layouts/post.html", "<body>\n  {%- include header.html -%}\n\n  <main>{{ content }}</main>")
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    assert blog.build() == 0
    assert blog.read("2020/01/01/a.html") == "<body><header><nav></nav></div>\n</header>\n<main><p>x</p></main>"


def test_a_filter_given_the_wrong_kind_of_value_is_a_liquid_error_not_a_traceback(blog, capsys):
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n{{ 'abc' | percent }} {{ 5 | sort: 'a', 'middle' }}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 0 and err.splitlines() == [
        "warning: blog/_posts/2020-01-01-a.md:4: liquid error: percent: needs a number, got str 'abc'",
        "warning: blog/_posts/2020-01-01-a.md:4: liquid error: sort: nils must be 'first' or 'last', not 'middle'"]
    blog.config("liquid: {error_mode: strict}\n")
    code, err = build_with_messages(blog, capsys)
    assert code == 1 and err == ("error: blog/_posts/2020-01-01-a.md:4: liquid error: percent: "
                                 "needs a number, got str 'abc'\n")


def test_each_layout_and_include_is_parsed_once_per_build(blog, monkeypatch):
    from generator.liquid.environment import JekyllEnvironment

    parsed, environments = [], []
    original_parse, original_init = JekyllEnvironment.parse_text, JekyllEnvironment.__init__

    def counting_parse(self, text, file, first_line=1):
        parsed.append(file.name)
        return original_parse(self, text, file, first_line)

    def counting_init(self, *args, **kwargs):
        environments.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(JekyllEnvironment, "parse_text", counting_parse)
    monkeypatch.setattr(JekyllEnvironment, "__init__", counting_init)
    blog.write("_includes/note.html", "<i>{{ include.n }}</i>")
    blog.write("_layouts/post.html", "---\nlayout: shell\n---\n{% include note.html n=0 %}{{ content }}")
    blog.write("_layouts/shell.html", "<main>{{ content }}</main>")
    for day in (1, 2, 3):
        blog.write(f"_posts/2020-01-0{day}-p{day}.md", f"---\n---\n{{% include note.html n={day} %}}\n")
    assert blog.build() == 0
    assert blog.read("2020/01/02/p2.html") == "<main><i>0</i><p><i>2</i></p></main>"
    assert len(environments) == 1
    assert sorted(parsed) == ["2020-01-01-p1.md", "2020-01-02-p2.md", "2020-01-03-p3.md",
                              "note.html", "post.html", "shell.html"]


def test_converted_content_is_plain_text_to_liquid_filters(blog):
    """Jekyll's content is a string: escape, append and xml_escape treat it as one."""
    blog.write("_layouts/post.html", "{{ content | escape }}|{{ content | append: '<x>' }}|{{ content | xml_escape }}")
    blog.write("_posts/2020-01-01-a.md", "---\n---\na & b\n")
    assert blog.build() == 0
    assert blog.read("2020/01/01/a.html") == \
        "&lt;p&gt;a &amp;amp; b&lt;/p&gt;|<p>a &amp; b</p><x>|&lt;p&gt;a &amp;amp; b&lt;/p&gt;"
