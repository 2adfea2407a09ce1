"""Liquid-only forms rewritten into Jinja, on the same line."""

import pytest

from generator.content.liquid_compat import highlight_blocks_to_fences, liquid_to_jinja


@pytest.mark.parametrize("liquid, jinja", [
    ('{{ page.date | date: "%b %d, %Y" }}', '{{ page.date | date("%b %d, %Y") }}'),
    ('{{ x | append: "a|b" | upcase }}', '{{ x | append("a|b") | upcase }}'),
    ("{{ site.title }}", "{{ site.title }}"),
    ("{% assign n = site.posts | size %}", "{% set n = site.posts | size %}"),
    ("{% if a %}1{% elsif b %}2{% endif %}", "{% if a %}1{% elif b %}2{% endif %}"),
    ("{% unless a %}x{% endunless %}", "{% if not (a) %}x{% endif %}"),
    ("{% capture t %}hi{% endcapture %}", "{% set t %}hi{% endset %}"),
    ("{% post_url 2017-01-29-a-post %}", "{{ post_url('2017-01-29-a-post') }}"),
    ("{% include note.html %}", "{% with include = {} %}{% include 'note.html' %}{% endwith %}"),
    ('{% include note.html title="Hi" n=page.n %}',
     "{% with include = {'title': \"Hi\", 'n': page.n} %}{% include 'note.html' %}{% endwith %}"),
    ('{% include "note.html" %}', '{% include "note.html" %}'),
])
def test_liquid_forms_become_jinja(liquid, jinja):
    assert liquid_to_jinja(liquid) == jinja


def test_raw_blocks_are_left_alone():
    text = '{% raw %}{{ x | date: "%Y" }}{% endraw %} {{ y | date: "%Y" }}'
    assert liquid_to_jinja(text) == '{% raw %}{{ x | date: "%Y" }}{% endraw %} {{ y | date("%Y") }}'


def test_highlight_blocks_become_fences_without_changing_the_line_count():
    body = 'a\n{% highlight python linenos %}\nprint("hi")\n{% endhighlight %}\nb\n'
    fenced = highlight_blocks_to_fences(body)
    assert fenced == 'a\n```python linenums="1"\nprint("hi")\n```\nb\n'   # linenos: numbered lines
    assert fenced.count("\n") == body.count("\n")
