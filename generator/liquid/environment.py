"""The one Liquid environment of a build: python-liquid set up as Jekyll sets up Ruby's Liquid.

Extension API (for themes and built-in plugins):

- `TemplateFolders(layouts=[...], includes=[...])`: the folders searched, in order, for
  `layout: NAME` and `{% include NAME %}`; `template_folders(config)` gives a blog's own
  (`_layouts/`, `_includes/`) and is where a theme's folders are appended to both lists.
- Tags and filters: Jekyll's (`generator/liquid/tags.py`, `filters.py`) and the built-in
  plugins' (`generator.jekyll.register_plugin_tags`) are registered when an environment is made;
  a new one is added there with `env.add_tag(TagClass)` or `env.add_filter(name, function)`.

`env.values` holds what tags and filters need from the site (`site`, `posts`, `documents`,
`markdownify`, `site_defaults`), set by the renderer that builds the environment.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import liquid
from liquid import Mode
from liquid.exceptions import (BlockNestingError, ContextDepthError, LiquidError, LiquidSyntaxError,
                               LocalNamespaceLimitError, LoopIterationLimitError, OutputStreamLimitError,
                               ResourceLimitError, TemplateNotFoundError, UndefinedError, UnknownFilterError)
from liquid.loader import BaseLoader, TemplateSource

from generator.themes import theme_of
from generator import confine
from generator import budgets
from generator.content.frontmatter import split_front_matter
from generator.errors import ContentError, LayerpressError, did_you_mean
from generator.liquid.messages import PageWarnings, named_page

ERROR_MODES = {"lax": Mode.LAX, "warn": Mode.WARN, "strict": Mode.STRICT}
# python-liquid's resource limits: the limit (`layerpress.limits.NAME`) each stands for, and what it says.
BUDGETS = {
    LoopIterationLimitError: ("loop_iterations", "the templates run more than {limit:,} loop iterations"),
    OutputStreamLimitError: ("output_bytes", "the templates write more than {limit:,} bytes"),
    LocalNamespaceLimitError: ("output_bytes", "the templates' variables hold more than {limit:,} bytes"),
    ContextDepthError: ("include_depth",
                        "includes, loops and blocks nest more than {limit} deep (does an include include itself?)"),
    BlockNestingError: ("include_depth", "tags nest more than {limit} deep"),
}
UNKNOWN_TAG = re.compile(r"unexpected tag '(\w+)'")


@dataclass
class TemplateFolders:
    """Where layouts and includes are looked up, first folder first (the blog's own, then a theme's)."""

    layouts: list[Path] = field(default_factory=list)
    includes: list[Path] = field(default_factory=list)


def template_folders(config) -> TemplateFolders:
    """The folders a blog's layouts and includes come from: its own, then (`theme:`) a theme's."""
    source, theme = config.source, theme_of(config)
    folders = TemplateFolders(layouts=[source / "_layouts"], includes=[source / "_includes"])
    if theme is not None:
        folders.layouts += [folder for folder in [theme.folder("_layouts")] if folder]
        folders.includes += [folder for folder in [theme.folder("_includes")] if folder]
    return folders


class LiquidOptions(NamedTuple):   # not a dataclass: a NamedTuple costs less to define (a prose edit pays it)
    """`liquid:` in _config.yml, as Jekyll reads it."""

    error_mode: Mode = Mode.WARN
    strict_variables: bool = False
    strict_filters: bool = False
    limits: budgets.Limits = budgets.DEFAULT   # `layerpress: {limits: ...}`

    @classmethod
    def from_config(cls, config) -> LiquidOptions:
        liquid = config.liquid   # checked by load_config
        return cls(ERROR_MODES[liquid["error_mode"]], liquid["strict_variables"], liquid["strict_filters"],
                   config.limits)


class Origin(NamedTuple):
    """Where a parsed template's text comes from: its file and the file line of its first line."""

    file: Path
    first_line: int
    text: str          # kept so that the id() of the text stays this template's


class JekyllLoader(BaseLoader):
    """Includes: `{% include NAME %}` from the include folders, each file parsed once per build."""

    def __init__(self, folders: TemplateFolders, source: Path) -> None:
        super().__init__()
        self.folders = folders
        self.source = source
        self.found: dict[tuple, Path] = {}   # (name, folders) -> file: a theme includes the same files on every page

    def find(self, name: str, folders: list[Path]) -> Path:
        key = (name, tuple(folders))
        if key not in self.found:
            self.found[key] = self.search(name, folders)
        return self.found[key]

    def search(self, name: str, folders: list[Path]) -> Path:
        parts = Path(name).parts
        if not name or Path(name).is_absolute() or ".." in parts:
            raise TemplateNotFoundError(f"include '{name}' is outside the include folders", token=None)
        for folder in folders:
            if is_file_like(folder / name):
                return folder / name
        searched = ", ".join(_shown(folder, self.source) for folder in folders)
        raise TemplateNotFoundError(f"could not find the included file '{name}' in {searched}", token=None)

    def get_source(self, env, template_name, *, context=None, **kwargs) -> TemplateSource:
        path = self.find(template_name, self.folders.includes)
        return TemplateSource(read_template(path, self.source), str(path), None, None)

    def load(self, env, name, *, globals=None, context=None, **kwargs):
        return env.parse_file(self.find(name, self.folders.includes), front_matter=False)


class ModelAwareContext(liquid.RenderContext):
    """Resolves paths like python-liquid does; a layerpress value's own error (a wrong key in
    `models.NAME...`) keeps the token it happened at, so that it names its line. With
    `strict_variables`, an undefined path is an error with a did-you-mean hint. Every loop entered and
    include rendered spends from one budget per render (`loop_iterations`), so that neither a long
    row of loops nor an include that includes itself twice runs for hours."""

    steps = 0

    def raise_for_loop_limit(self, length: int = 1) -> None:
        super().raise_for_loop_limit(length)
        self.spend(length)

    def extend(self, namespace, template=None):
        self.spend(1)
        return super().extend(namespace, template)

    def spend(self, steps: int) -> None:
        self.steps += steps
        limit = self.env.loop_iteration_limit
        if limit and self.steps > limit:
            raise LoopIterationLimitError("loop iteration limit reached", token=None)

    def get(self, path, *, token, default=liquid.undefined.UNDEFINED):
        try:
            value = super().get(path, token=token, default=default)
        except LayerpressError as problem:
            if getattr(problem, "liquid_token", None) is None:
                problem.liquid_token = token
            raise
        if isinstance(value, liquid.StrictUndefined):
            raise undefined_error(self, path, token)
        if isinstance(value, liquid.Undefined) and path and isinstance(path[0], str) and path[0] not in self.scope \
                and path[0] not in OPTIONAL_ROOTS and path[0] not in names_set_in(getattr(token, "source", "")):
            self.vanished(token, ContentError(
                f"{'.'.join(map(str, path))} is undefined: '{path[0]}' is no variable, so nothing is printed",
                hint=did_you_mean(path[0], list(self.scope))))
        return value

    def filter(self, name: str, token):
        """An unknown filter is named (a warning, an error in strict mode or with strict_filters),
        with a did-you-mean, instead of passing its input through unchanged without a word."""
        if name not in self.env.filters and not self.env.strict_filters:
            self.vanished(token, ContentError(f"unknown filter '{name}': the value is printed unfiltered",
                                              hint=did_you_mean(name, list(self.env.filters))), documents_only=False)
        return super().filter(name, token)

    def vanished(self, token, problem: ContentError, *, documents_only: bool = True) -> None:
        if isinstance(self.env, JekyllEnvironment):
            self.env.in_document(token, problem, documents_only=documents_only)


# `{% assign NAME`, `{% capture NAME`, ... (and their lines in a `{% liquid %}` tag).
SETS_NAME = re.compile(r"(?:\{%-?|\n)[ \t]*(?:assign|capture|increment|decrement)[ \t]+([\w-]+)")


@lru_cache(maxsize=64)
def names_set_in(template: str) -> frozenset[str]:
    """The variables a template sets: before it sets one (a flag set in a loop's last turn), the name
    is nil, as Liquid defines it, not a name that does not exist."""
    return frozenset(SETS_NAME.findall(template))


# Root names a Jekyll document may leave undefined on purpose (`paginator` outside paginated pages).
OPTIONAL_ROOTS = {"paginator", "content", "layout", "include", "highlighter_prefix", "highlighter_suffix"}


class UndefinedVariable(UndefinedError):
    """An undefined variable under `strict_variables`, with a did-you-mean hint."""

    def __init__(self, message: str, *, token, hint: str | None):
        super().__init__(message, token=token)
        self.hint = hint


def undefined_error(context, path: list, token) -> UndefinedError:
    """`page.titel is undefined (did you mean 'title'?)`."""
    owner, known = context.scope, None
    for depth, segment in enumerate(path):
        try:
            owner = context.get_item(owner, segment) if depth else context.scope[segment]
        except (KeyError, TypeError, IndexError):
            known = list(owner.keys()) if isinstance(owner, dict) else None
            break
    dotted = ".".join(str(part) for part in path)
    return UndefinedVariable(f"{dotted} is undefined", token=token,
                             hint=did_you_mean(str(path[depth]), known) if known else None)


class JekyllTemplate(liquid.BoundTemplate):
    context_class = ModelAwareContext


class JekyllEnvironment(liquid.Environment):
    """python-liquid with Jekyll's tags and filters, `not` and parentheses in conditions, and
    errors that name the file and line of the template they happened in."""

    template_class = JekyllTemplate
    logical_not_operator = True
    logical_parentheses = True

    def __init__(self, source: Path, folders: TemplateFolders, options: LiquidOptions, values: dict) -> None:
        super().__init__(
            tolerance=options.error_mode, loader=JekyllLoader(folders, source),
            undefined=liquid.StrictUndefined if options.strict_variables else liquid.Undefined,
            strict_filters=options.strict_filters)
        self.limits = options.limits
        for name, value in resource_limits(options.limits).items():
            setattr(self, name, value)   # python-liquid declares them as class variables: these are this build's
        self.source = source
        self.folders = folders
        self.values = values
        self.origins: dict[int, Origin] = {}
        self.parsed: dict[Path, liquid.BoundTemplate] = {}
        self.layout_data: dict[Path, dict] = {}     # each layout's front matter (`layout` in templates)
        self.layout_lines: dict[Path, dict] = {}    # the line of each key of that front matter
        self.warnings: list[ContentError] = []
        self.parsing: Origin | None = None        # the template being parsed (for errors at its end)
        self.page_warnings = PageWarnings(source, self.warnings)   # `.rendering`: the page being rendered
        self.expressions: dict[str, liquid.BoundTemplate] = {}   # where_exp & co, parsed once per text
        self.post_url_fallbacks: list[tuple[ContentError, str]] = []   # (the one warning, its words), tags.py
        from generator.liquid import filters, tags

        tags.register(self)
        filters.register(self)
        from generator.jekyll import register_plugin_tags

        register_plugin_tags(self)

    def tokenizer(self):
        """python-liquid's lexer, except that text after a `-%}` keeps its final newline (2.3's
        content pattern ends at `$`, which also matches before a last newline, and that newline
        is then stripped as if it followed the tag: Jekyll keeps it, e.g. after minima's header)."""
        from functools import partial

        from liquid.lex import _tokenize_template

        return partial(_tokenize_template, rules=content_to_the_end())

    # -- parsing, with origins --

    def parse_text(self, text: str, file: Path, first_line: int = 1) -> liquid.BoundTemplate:
        origin = self.origins[id(text)] = Origin(Path(file), first_line, text)
        outer, self.parsing = self.parsing, origin
        try:
            return self.from_string(text, name=Path(file).name, path=Path(file))
        except LiquidError as problem:
            raise self.content_error(problem) from None
        finally:
            self.parsing = outer

    def parse_file(self, path: Path, *, front_matter: bool = True) -> liquid.BoundTemplate:
        """A layout (its body after front matter) or an include (the whole file), parsed once per build."""
        if path not in self.parsed:
            text = read_template(path, self.source, "template" if front_matter else "include")
            if front_matter:
                parsed = split_front_matter(text, path)
                self.layout_data[path] = parsed.front_matter
                self.layout_lines[path] = parsed.key_lines
                body, first_line = after_front_matter(parsed.body, parsed.body_line)
                self.parsed[path] = self.parse_text(body, path, first_line)
            else:
                self.parsed[path] = self.parse_text(text, path)
        return self.parsed[path]

    # -- layouts --

    def layout_file(self, name: str, file: Path | None = None, line: int | None = None) -> Path | None:
        """The file of layout `name` (named at `file:line`) in the layout folders: `NAME.html`, else any
        `NAME.EXT` (Jekyll names a layout by its file's stem: `post.liquid`), or None."""
        check_layout_name(name, file, line)
        for folder in self.folders.layouts:
            for candidate in (folder / f"{name}.html", folder / name):
                if is_file_like(candidate):
                    return candidate
            others = sorted(folder.glob(f"{glob.escape(name)}.*")) if folder.is_dir() else []
            if others and is_file_like(others[0]):
                return others[0]
        return None

    def layout_names(self) -> list[str]:
        names = set()
        for folder in self.folders.layouts:
            if folder.is_dir():
                names |= {path.stem for path in folder.iterdir() if not path.is_dir() and not path.name.startswith(".")}
        return sorted(names)

    def render(self, template: liquid.BoundTemplate, variables: dict) -> str:  # type: ignore[override]
        """Render `template`; every error ends as one ContentError naming the template's file and line."""
        try:
            return template.render(variables)
        except ResourceLimitError as problem:
            raise self.budget_error(problem, variables.get("page")) from None
        except LiquidError as problem:
            raise named_page(self.content_error(problem), self.page_warnings.page()) from None
        except LayerpressError as problem:
            if problem.file is None:
                problem.file, problem.line = self.where(getattr(problem, "liquid_token", None))
            raise

    # -- errors --

    def error(self, exc, msg=None, token=None) -> None:
        """python-liquid's tolerance: strict raises, warn collects a `file:line` warning, lax ignores."""
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        elif not exc.token:
            exc.token = token
        if self.mode == Mode.STRICT or isinstance(exc, (UndefinedError, UnknownFilterError, ResourceLimitError)):
            raise exc   # strict_variables and strict_filters fail the build whatever the error mode, as in Jekyll;
                        # a spent budget too (going on would spend it again on the next page)
        if self.mode == Mode.WARN:
            self.warn(self.content_error(exc))

    def warn(self, warning: ContentError) -> None:
        """A warning, once per template line, naming the page being rendered (liquid/messages.py)."""
        self.page_warnings.add(warning)

    def in_document(self, token, problem: ContentError, *, documents_only: bool = True) -> None:
        """A problem that makes text vanish without Liquid calling it an error: a warning at its file and
        line (an error in strict mode). With `documents_only`, only in posts and pages (a layout or an
        include may test for variables that a document leaves undefined)."""
        problem.file, problem.line = self.where(token)
        if problem.file is None or (documents_only and problem.file in self.parsed):
            return
        if self.mode == Mode.STRICT:
            raise problem
        if self.mode == Mode.WARN:
            self.warn(problem)

    def where(self, token) -> tuple[Path | None, int | None]:
        """The file and file line of a token of any template this environment parsed."""
        if token is None or token.start_index < 0:
            return None, None
        origin = self.origins.get(id(token.source))
        if origin is None:
            return None, None
        return origin.file, origin.first_line + token.source.count("\n", 0, token.start_index)

    def budget_error(self, problem: ResourceLimitError, page=None) -> ContentError:
        """`file:line: the templates run more than N loop iterations (raise layerpress.limits.X ...)`, naming
        the page rendered when the error is in one of its layouts or includes."""
        file, line = self.where(problem.token)
        name, phrase = getattr(problem, "budget", None) or BUDGETS.get(type(problem), BUDGETS[LoopIterationLimitError])
        message = phrase.format(limit=getattr(self.limits, name))
        shown = page.get("path") if isinstance(page, dict) else None
        if shown and (file is None or not Path(file).as_posix().endswith(str(shown))):
            message = f"rendering {shown}: {message}"   # the error is in a layout or include: name the page too
        return ContentError(message, file=file, line=line, hint=budgets.raise_hint(name))

    def content_error(self, problem: LiquidError) -> ContentError:
        if isinstance(problem, ResourceLimitError):
            return self.budget_error(problem)
        file, line = self.where(problem.token)
        if file is None and self.parsing is not None:
            file = self.parsing.file
        if file is None and problem.template_name:
            file = Path(problem.template_name)
        message = str(problem.message or type(problem).__name__)
        unknown_tag = UNKNOWN_TAG.match(message)
        if unknown_tag:
            name = unknown_tag.group(1)
            tags = [tag for tag in self.tags if tag.isidentifier()]
            return ContentError(f"liquid syntax error: {message}", file=file, line=line,
                                hint=did_you_mean(name, tags + [f"end{tag}" for tag in tags])
                                or "a tag of a Jekyll plugin layerpress does not have; see 'Bringing a "
                                   "Jekyll blog over' in docs/writing.md")
        unclosed = UNCLOSED_BLOCK.match(message)
        if unclosed and self.parsing is not None:
            name = unclosed.group(1)
            opened = unclosed_block_line(self.parsing, name)
            return ContentError(f"liquid syntax error: {{% {name} %}} is never closed: the text after it is dropped",
                                file=file, line=opened, hint=f"close it with {{% end{name} %}}")
        if isinstance(problem, UnknownFilterError):
            name = message.removeprefix("unknown filter ").strip("'")
            return ContentError(f"liquid error: {message}", file=file, line=line,
                                hint=did_you_mean(name, list(self.filters)))
        if isinstance(problem, LiquidSyntaxError):
            closed_at = unclosed_output_end(problem.token, line)
            if closed_at is not None:
                return ContentError(f"liquid syntax error: {message}: this '{{{{' is closed only by the '}}}}' on "
                                    f"line {closed_at}, so the text up to there is dropped", file=file, line=line,
                                    hint="a '}' missing? Close the output with '}}'")
            return ContentError(f"liquid syntax error: {message}", file=file, line=line,
                                hint="write {% raw %}...{% endraw %} around text that is not a template")
        return ContentError(f"liquid error: {message}", file=file, line=line, hint=getattr(problem, "hint", None))


def resource_limits(limits: budgets.Limits) -> dict[str, int]:
    """python-liquid's resource limits (attributes of its Environment) for a blog's `limits`."""
    return {"loop_iteration_limit": limits.loop_iterations, "output_stream_limit": limits.output_bytes,
            "local_namespace_limit": limits.output_bytes, "context_depth_limit": limits.include_depth,
            "block_nesting_limit": limits.include_depth}
UNCLOSED_BLOCK = re.compile(r"expected tag end(\w+), found end of expression")


def unclosed_block_line(origin: Origin, name: str) -> int | None:
    """The file line of the `{% NAME %}` that no `{% endNAME %}` closes (the last one left open)."""
    tag = re.compile(r"\{%-?\s*(end)?" + re.escape(name) + r"\b")
    open_at: list[int] = []
    for found in tag.finditer(origin.text):
        if found.group(1):
            if open_at:
                open_at.pop()
        else:
            open_at.append(found.start())
    if not open_at:
        return None
    return origin.first_line + origin.text.count("\n", 0, open_at[-1])


def unclosed_output_end(token, line: int | None) -> int | None:
    """When an output's `{{` is closed only by a later line's `}}`: the line of that `}}`."""
    if token is None or line is None or token.start_index < 0 or not isinstance(token.source, str):
        return None
    opening = token.source.rfind("{{", 0, token.start_index + 1)
    closing = token.source.find("}}", token.start_index)
    if opening < 0 or closing < 0 or "\n" not in token.source[opening:closing]:
        return None
    return line + token.source.count("\n", token.start_index, closing)


def after_front_matter(body: str, body_line: int) -> tuple[str, int]:
    """The body without the blank lines right after the front matter (Jekyll's front matter
    pattern takes them too), and the file line it then starts at."""
    blank = re.match(r"(?:[ \t]*\n)*", body)[0] if body_line > 1 else ""  # type: ignore[index]  # always matches
    return body[len(blank):], body_line + blank.count("\n")


@cache
def content_to_the_end() -> re.Pattern:
    from liquid.lex import compile_liquid_rules

    rules = compile_liquid_rules()
    return re.compile(rules.pattern.replace("|$)", r"|\Z)"), rules.flags)


def read_template(path: Path, source: Path, what: str = "template") -> str:
    """A layout's or an include's text: in the blog, its theme or a shared folder (`confine.read_text`)."""
    return confine.read_text(source, path, "template", ContentError, what=what, line=1)


def outside_layout_folders(name: str) -> bool:
    """Whether a layout name is a path out of the layout folders (a layout is named by its name in them)."""
    return Path(name).is_absolute() or ".." in Path(name).parts


def check_layout_name(name: str, file: Path | None, line: int | None) -> None:
    """A layout is named by its name in the layout folders: never a path out of them."""
    if outside_layout_folders(name):
        raise ContentError(f"layout '{name}' is outside the layout folders", file=file, line=line,
                           hint="name a layout of _layouts/ (or of the theme's), e.g. layout: post")


def is_file_like(path: Path) -> bool:
    """A file that exists and is no folder (a pipe too: reading it refuses it, with its name)."""
    return path.exists() and not path.is_dir()


def _shown(folder: Path, source: Path) -> str:
    return folder.relative_to(source).as_posix() + "/" if folder.is_relative_to(source) else str(folder)
