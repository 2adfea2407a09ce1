"""An existing Jekyll post's Liquid builds unchanged: filters with arguments, includes, post_url, highlight."""


def test_jekyll_post_with_liquid_tags_builds(blog):
    blog.config("title: Old blog\nbaseurl: /repo\npermalink: pretty\n")
    blog.write("_includes/note.html", '<div class="message">{{ include.text | upcase }}</div>\n')
    blog.write("_posts/2017-02-01-second.md", "---\ntitle: Second\n---\nx\n")
    blog.write("_posts/2017-01-29-first.md", """\
        ---
        title: First
        ---
        Posted {{ page.date | date: "%b %d, %Y" }}.
        {% assign greeting = "hello" %}{% unless false %}{{ greeting | append: "!" }}{% endunless %}

        {% highlight python %}
        print("{{ site.title }}", "{% raw %}{{ kept }}{% endraw %}")
        {% endhighlight %}

        {% include note.html text="careful" %}

        [Next]({% post_url 2017-02-01-second %})
        """)
    assert blog.build() == 0
    html = blog.read("2017/01/29/first/index.html")
    assert "Posted Jan 29, 2017." in html
    assert "hello!" in html
    assert '<div class="message">CAREFUL</div>' in html
    assert '<a href="/repo/2017/02/01/second/">Next</a>' in html
    assert '<figure class="highlight"><pre><code class="language-python" data-lang="python">' in html
    assert '<span class="s2">"Old blog"</span>' in html          # Liquid runs inside, as in Jekyll
    assert '<span class="s2">"{{ kept }}"</span>' in html


def test_post_url_to_a_missing_post_names_file_and_line(blog, capsys):
    blog.write("_posts/2017-01-29-first.md", "---\n---\nx\n{% post_url 2017-01-29-frist %}\n")
    assert blog.build() == 1
    assert capsys.readouterr().err.strip().endswith(
        "_posts/2017-01-29-first.md:4: post_url: no post '2017-01-29-frist' "
        "(did you mean '2017-01-29-first'?)")


def test_post_url_without_the_posts_folder_finds_it_by_date_and_slug_with_a_warning(blog, capsys):
    """Debian's Jekyll 4.3 links `{% post_url 2016-05-01-gauntlet %}` to `_posts/may2016/2016-05-01-gauntlet.md`
    (its older match, with a deprecation warning): so does layerpress, with a warning at the tag's line."""
    blog.write("_posts/may2016/2016-05-01-gauntlet.md", "---\n---\nx\n")
    blog.write("_posts/2016-06-01-b.md", "---\n---\n[link]({% post_url 2016-05-01-gauntlet %})\n")
    blog.write("_posts/2016-07-01-c.md", "---\n---\n[again]({% post_url 2016-05-01-gauntlet %})\n")
    from generator.cli import main

    capsys.readouterr()
    main(["build", "--source", str(blog.source), "--dest", str(blog.dest)])
    assert '<a href="/2016/05/01/gauntlet.html">link</a>' in blog.read("2016/06/01/b.html")
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 1 and "_posts/2016-07-01-c.md:3: post_url: '2016-05-01-gauntlet' names no post exactly" in \
        warnings[0] and warnings[0].endswith("(and 1 more post_url tag like it) (give the post's path inside _posts/)")
