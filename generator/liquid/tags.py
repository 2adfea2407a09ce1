"""Jekyll's tags for python-liquid (include, include_relative, post_url, link, highlight) and
layerpress's claim tag.

    {% include note.html title="Hi" level=2 post=page %}      include.title, include.level ...
    {% include {{ page.box }} %}                              the name from a variable
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from pathlib import Path

from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidError, LiquidSyntaxError, TemplateNotFoundError
from liquid.parser import get_parser
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG

from generator.cache import file_digest
from generator.errors import ContentError, did_you_mean
from generator.liquid.buffer import TextBuffer
from generator.liquid.claims import ClaimTag

# Jekyll's Tags::Include::VALID_SYNTAX and VARIABLE_SYNTAX.
PARAMETER = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.\[\]'"-]+))""")
NAME_WITH_VARIABLES = re.compile(r"(?P<name>[^{\s]*(?:\{\{\s*[\w\-.]+\s*(?:\|.*?)?\}\}[^\s{}]*)+)(?P<params>.*)",
                                 re.DOTALL)


def register(env) -> None:
    for tag in (IncludeTag, IncludeRelativeTag, PostUrlTag, LinkTag, HighlightTag, ClaimTag):
        env.add_tag(tag)


def expression_token(stream, tag_token, *, eat=False, required=True):
    """The raw text after the tag name (Jekyll's tags read it themselves, not as a Liquid expression).
    The stream stays on it unless `eat` (python-liquid's parser steps past a tag's last token)."""
    if stream.current.kind == TOKEN_EXPRESSION:
        token = stream.current
        if eat:
            next(stream)
        return token
    if required:
        raise LiquidSyntaxError(f"'{tag_token.value}' needs an argument", token=tag_token)
    return None


class TextNode(Node):
    """A tag whose output is computed from its raw argument text at render time."""

    __slots__ = ("argument", "compute")

    def __init__(self, token, argument, compute) -> None:
        super().__init__(token)
        self.argument = argument
        self.compute = compute
        self.blank = False

    def __str__(self) -> str:
        return f"{{% {self.token.value} {self.argument.value} %}}"

    def render_to_output(self, context, buffer) -> int:
        return buffer.write(self.compute(self, context))

    def children(self, static_context, *, include_partials=True):
        return []


def rendered_argument(text: str, context, token) -> str:
    """`{{ variables }}` inside a tag's argument, as Jekyll's include/link/post_url render them."""
    if "{{" not in text:
        return text.strip()
    buffer = TextBuffer()
    try:
        context.env.from_string(text).render_with_context(context, buffer, partial=True)
    except LiquidError as problem:
        problem.token = token      # the tag's own place in its file
        raise
    return buffer.value().strip()


def tag_error(message: str, hint, token) -> ContentError:
    """A missing include, post or file: fatal whatever the error mode, as in Jekyll."""
    problem = ContentError(message, hint=hint)
    problem.liquid_token = token
    return problem


# -- include --

class IncludeNode(Node):
    __slots__ = ("argument", "relative")

    def __init__(self, token, argument, relative: bool) -> None:
        super().__init__(token)
        self.argument = argument
        self.relative = relative
        self.blank = False

    def __str__(self) -> str:
        return f"{{% {self.token.value} {self.argument.value} %}}"

    def children(self, static_context, *, include_partials=True):
        return []

    def render_to_output(self, context, buffer) -> int:
        name, parameters = self.parse(context)
        env = context.env
        try:
            if self.relative:
                here = Path(context.template.path).parent if context.template.path else env.source
                template = env.parse_file(env.loader.find(name, [here]), front_matter=False)
            else:
                template = env.get_template(name, context=context)
        except TemplateNotFoundError as problem:
            raise tag_error(str(problem.message), None, self.argument) from None
        with context.extend({"include": parameters}, template=template):
            template.render_with_context(context, buffer, partial=True)
        return True

    def parse(self, context) -> tuple[str, dict]:
        text = self.argument.value.strip()
        match = NAME_WITH_VARIABLES.match(text) if "{{" in text else None
        if match:
            name, params = rendered_argument(match["name"], context, self.argument), match["params"]
        else:
            name, _, params = text.partition(" ")
        parameters = {}
        for key, double, single, variable in PARAMETER.findall(params):
            if variable:
                parameters[key] = variable_value(variable, context, self.argument)
            else:
                parameters[key] = (double or single).replace('\\"', '"').replace("\\'", "'")
        return name.strip(), parameters


LITERALS = {"true": True, "false": False, "nil": None, "null": None}


def variable_value(text: str, context, token):
    """An unquoted include parameter: a number, true/false/nil, or a variable's value."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if text in LITERALS:
        return LITERALS[text]
    return context.get(variable_path(text), token=token, default=None)


def variable_path(text: str) -> list:
    """`page.tags[0]` / `site.data["x"]` -> ["page", "tags", 0] / ["site", "data", "x"]."""
    path: list = []
    for part in re.findall(r"[\w-]+|\[\s*(?:\d+|'[^']*'|\"[^\"]*\")\s*\]", text):
        if part.startswith("["):
            inner = part[1:-1].strip()
            path.append(int(inner) if inner.isdigit() else inner[1:-1])
        else:
            path.append(part)
    return path


class IncludeTag(Tag):
    name = "include"
    block = False
    relative = False

    def parse(self, stream):
        token = stream.eat(TOKEN_TAG)
        return IncludeNode(token, expression_token(stream, token), self.relative)


class IncludeRelativeTag(IncludeTag):
    name = "include_relative"
    relative = True


# -- post_url and link --

def post_url(node, context) -> str:
    """`{% post_url 2017-01-29-slug %}` (or `dir/2017-01-29-slug`): that post's URL with the baseurl (Jekyll 4)."""
    name = rendered_argument(node.argument.value, context, node.argument).strip("/")
    posts = context.env.values.get("posts", {})
    url = posts.get(name) or posts.get(name.rsplit("/", 1)[-1]) or deprecated_post_url(name, node, context)
    if url is None:
        hint = did_you_mean(name, posts)
        raise tag_error(f"post_url: no post '{name}'", hint, node.argument)
    return context.env.filters["relative_url"](url)


POST_NAME = re.compile(r"^(?:.+/)*(\d+)-(\d+)-(\d+)-(.*)$")


def deprecated_post_url(name: str, node, context) -> str | None:
    """The post of that date and slug, in whatever folder of _posts/ (Jekyll 4's older match, which it
    follows with a deprecation warning; so does layerpress)."""
    parts = POST_NAME.match(name)
    if parts is None:
        return None
    year, month, day, slug = parts.groups()
    url = context.env.values.get("posts_by_date_slug", {}).get((int(year), int(month), int(day), slug))
    if url is not None:
        fallback_warning(context.env, name, node.argument)
    return url


def fallback_warning(env, name: str, token) -> None:
    """One warning for every post_url found by date and slug: at the first, with the count of the others."""
    if env.post_url_fallbacks:
        problem, words = env.post_url_fallbacks[0]
        env.post_url_fallbacks.append((problem, words))
        others = len(env.post_url_fallbacks) - 1
        problem.message = f"{words} (and {others} more post_url tag{'s' if others > 1 else ''} like it)"
        return
    file, line = env.where(token)
    problem = ContentError(f"post_url: '{name}' names no post exactly; the post of its date and slug is linked, "
                           "as Jekyll 4 does with a deprecation warning", file=file, line=line,
                           hint="give the post's path inside _posts/")
    env.warn(problem)
    env.post_url_fallbacks.append((problem, problem.message))


def link(node, context) -> str:
    """`{% link _posts/2016-07-26-name.md %}`: the URL of the document or static file at that path, with the baseurl."""
    path = rendered_argument(node.argument.value, context, node.argument).strip().lstrip("/")
    documents = context.env.values.get("documents", {})
    if path not in documents:
        hint = did_you_mean(path, documents)
        raise tag_error(f"link: no file '{path}'", hint or "give the path from the blog's folder, "
                        "e.g. _posts/2016-07-26-name.md", node.argument)
    return context.env.filters["relative_url"](documents[path])


class PostUrlTag(Tag):
    name = "post_url"
    block = False

    def parse(self, stream):
        token = stream.eat(TOKEN_TAG)
        return TextNode(token, expression_token(stream, token), post_url)


class LinkTag(PostUrlTag):
    name = "link"

    def parse(self, stream):
        token = stream.eat(TOKEN_TAG)
        return TextNode(token, expression_token(stream, token), link)


# -- highlight --

HIGHLIGHT_ARGUMENTS = re.compile(r"^([\w+#.-]+)((?:\s+\w+(?:=(?:\w+|\"[^\"]*\"))?)*)\s*$")


class HighlightNode(Node):
    __slots__ = ("language", "linenos", "block")

    def __init__(self, token, language: str, linenos: bool, block: BlockNode) -> None:
        super().__init__(token)
        self.language, self.linenos, self.block = language, linenos, block
        self.blank = False

    def __str__(self) -> str:
        return f"{{% highlight {self.language} %}}{self.block}{{% endhighlight %}}"

    def children(self, static_context, *, include_partials=True):
        return [self.block]

    def render_to_output(self, context, buffer) -> int:
        code = TextBuffer()
        self.block.render(context, code)  # type: ignore[arg-type]  # python-liquid passes its TextBuffer
        text = code.value().strip("\n")
        cache = context.env.values.get("code_cache")   # Pygments takes longer than the rest of a page
        if cache is None:
            return buffer.write(highlight(text, self.language, self.linenos))
        key = cache.key(["liquid highlight", this_module_digest(), text, self.language, self.linenos])
        html = cache.get(key)
        if html is None:
            html = highlight(text, self.language, self.linenos)
            cache.put(key, html)
        return buffer.write(html)


@cache
def this_module_digest() -> str:
    """This module's code, in the key of a kept highlight block (the code cache's salt has Pygments' version)."""
    return file_digest(Path(__file__))


def highlight(code: str, language: str, linenos: bool) -> str:
    """Jekyll's highlight block as HTML: Pygments' classes inside `<figure class="highlight">`."""
    from pygments import highlight as pygmentize
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    formatter = HtmlFormatter(nowrap=not linenos, linenos="table" if linenos else False, cssclass="highlight")
    body = pygmentize(code, lexer, formatter)
    inner = body if linenos else f'<pre><code class="language-{escape(language)}" data-lang="{escape(language)}">' \
                                 f"{body.rstrip(chr(10))}</code></pre>"
    return f'<figure class="highlight">{inner}</figure>'


class HighlightTag(Tag):
    name = "highlight"
    end = "endhighlight"

    def parse(self, stream):
        token = stream.eat(TOKEN_TAG)
        argument = expression_token(stream, token, eat=True)
        match = HIGHLIGHT_ARGUMENTS.match(argument.value.strip())
        if not match:
            raise LiquidSyntaxError(f"highlight: '{argument.value.strip()}' is not a language name "
                                    "(write {% highlight python linenos %})", token=argument)
        block = get_parser(self.env).parse_block(stream, frozenset((self.end, TOKEN_EOF)))
        stream.expect(TOKEN_TAG, value=self.end)
        return HighlightNode(token, match[1], "linenos" in match[2].split(), block)
