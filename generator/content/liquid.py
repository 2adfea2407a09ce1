"""Liquid-style `{{ site.* }}` / `{{ page.* }}` / `{% raw %}` in post bodies, run in Jinja's sandbox.

Fenced code blocks are wrapped in `{% raw %}` so that code showing template syntax is
printed as written; an author who wants expressions evaluated inside code blocks sets
`liquid_in_code: true` in the front matter.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from html import escape as html_escape
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from jinja2.sandbox import SandboxedEnvironment

from generator.content.claims import FalseClaim
from generator.confine import confined
from generator.content.liquid_compat import highlight_blocks_to_fences, liquid_to_jinja
from generator.content.permalinks import slugify
from generator.errors import ContentError, LayerpressError, did_you_mean

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<code>.*?)^(?P=indent)(?P=fence)[ \t]*$",
                   re.MULTILINE | re.DOTALL)
TEMPLATE_NAME = "<body>"


class UnknownVariable(jinja2.UndefinedError):
    def __init__(self, name: str, hint: str | None):
        super().__init__(f"unknown variable '{name}'")
        self.name, self.hint = name, hint


class StrictBodyUndefined(jinja2.StrictUndefined):
    """StrictUndefined that says which name is missing and what was probably meant."""

    def _fail_with_undefined_error(self, *args, **kwargs):
        name = self._undefined_name or "?"
        owner = self._undefined_obj
        choices = owner.keys() if isinstance(owner, dict) else []
        if owner is jinja2.utils.missing:
            choices = BODY_NAMES
        raise UnknownVariable(name, did_you_mean(name, [c for c in choices if c != name]))

    __str__ = __iter__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = _fail_with_undefined_error
    __getattr__ = _fail_with_undefined_error


BODY_NAMES = ["site", "page", "models", "paginator", "content", "claim"]


def protect_fences(body: str) -> str:
    """Wrap each fenced code block in raw/endraw without changing its line count."""
    def wrap(match: re.Match) -> str:
        text = match.group(0).replace("{% endraw %}", "{% endraw %}{{ '{% endraw %}' }}{% raw %}")
        return "{% raw %}" + text + "{% endraw %}"
    return FENCE.sub(wrap, body)


class ConfinedLoader(jinja2.FileSystemLoader):
    """Includes from the blog's _includes/; one that a symlink leads out of the blog is an error."""

    def get_source(self, environment, template):
        if template.startswith("/") or ".." in template.replace("\\", "/").split("/"):
            raise jinja2.TemplateNotFound(template, f"include '{template}' is outside the blog's _includes folder")
        source, filename, uptodate = super().get_source(environment, template)
        for folder in self.searchpath:
            blog = Path(folder).parent
            if Path(filename).is_relative_to(folder):
                confined(blog, Path(filename).relative_to(blog), ContentError, what="include", file=filename, line=1)
        return source, filename, uptodate


def make_environment(filters: dict, include_dirs=(), bytecode_cache=None) -> SandboxedEnvironment:
    """The body environment; `{% include name.html %}` reads from `include_dirs` (the blog's _includes/)."""
    env = SandboxedEnvironment(
        loader=ConfinedLoader([str(folder) for folder in include_dirs]),
        bytecode_cache=bytecode_cache,
        undefined=StrictBodyUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        # Liquid has no {# #}; its comment tag becomes Jinja's comment syntax.
        comment_start_string="{% comment %}",
        comment_end_string="{% endcomment %}",
    )
    env.filters.update(filters)
    return env


def jekyll_filters(site: dict) -> dict:
    """The Jekyll filters authors use most (Liquid's `| name: argument` reaches them as `| name(argument)`)."""
    base = site.get("baseurl", "")
    root = site.get("url", "")

    def relative_url(path) -> str:
        path = str(path)
        return base + (path if path.startswith("/") else f"/{path}")

    return {
        "relative_url": relative_url,
        "absolute_url": lambda path: root + relative_url(path),
        # Markup: the escaped text must not be escaped a second time by autoescaping.
        "xml_escape": lambda text: Markup(html_escape(str(text))),
        "slugify": lambda text: slugify(text),
        "cgi_escape": lambda text: quote(str(text), safe=""),
        "uri_escape": lambda text: quote(str(text), safe="/:?&=#"),
        "date_to_xmlschema": lambda date: date.isoformat(),
        "date_to_string": lambda date: date.strftime("%d %b %Y"),
        "date_to_long_string": lambda date: f"{date.day:02d} {date.strftime('%B %Y')}",
        "number_of_words": lambda text: len(str(text).split()),
        "date": liquid_date,
        "upcase": lambda text: str(text).upper(),
        "downcase": lambda text: str(text).lower(),
        "strip_html": lambda text: Markup(str(text)).striptags(),
        "size": len,
        "jsonify": lambda value: Markup(json.dumps(value, default=str)),
        "append": lambda text, suffix: f"{text}{suffix}",
        "prepend": lambda text, prefix: f"{prefix}{text}",
    }


def liquid_date(value, format: str) -> str:
    """Liquid's `date: "%b %d, %Y"` on a date, a datetime or an ISO date string."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime(format)


def render_body(env: SandboxedEnvironment, body: str, context: dict, *, file, body_line: int,
                protect_code: bool = True) -> str:
    """Render `body` with `context`; errors name the file's own line."""
    source = highlight_blocks_to_fences(body)
    source = liquid_to_jinja(protect_fences(source) if protect_code else source)
    try:
        return template_from_string(env, source).render(context)
    except jinja2.TemplateSyntaxError as problem:
        raise ContentError(f"template syntax error: {problem.message}", file=file,
                           line=body_line + (problem.lineno or 1) - 1,
                           hint="write {% raw %}...{% endraw %} around text that is not a template") from None
    except UnknownVariable as problem:
        raise ContentError(str(problem), file=file, line=file_line(problem, body_line),
                           hint=problem.hint) from None
    except FalseClaim as problem:
        raise ContentError(str(problem), file=file, line=file_line(problem, body_line),
                           hint="the models changed since this was written: update the sentence "
                                "or its condition") from None
    except LayerpressError as problem:  # e.g. a wrong key in {{ models.NAME.... }}
        if problem.file is None:
            problem.file, problem.line = file, file_line(problem, body_line)
        raise
    except jinja2.TemplateError as problem:
        raise ContentError(f"template error: {problem}", file=file,
                           line=file_line(problem, body_line)) from None


def template_from_string(env: jinja2.Environment, source: str) -> jinja2.Template:
    """`env.from_string(source)`, reusing the compiled code kept in `env.bytecode_cache` (compiling a
    post's body costs more than rendering it)."""
    cache = env.bytecode_cache
    if cache is None:
        return env.from_string(source)
    bucket = cache.get_bucket(env, hashlib.sha256(source.encode()).hexdigest(), None, source)
    if bucket.code is None:
        bucket.code = env.compile(source)
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)


def file_line(problem: BaseException, body_line: int) -> int | None:
    """The file line of the innermost frame of the body template in the traceback."""
    line = None
    tb = problem.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return None if line is None else body_line + line - 1
