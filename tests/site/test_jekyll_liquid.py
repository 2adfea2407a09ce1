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
