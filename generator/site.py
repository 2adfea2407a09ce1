"""Render the site: bodies and the blog's layouts with Liquid, the built-in theme with Jinja,
then index pages, categories, feed, sitemap and furniture.

A document's layout is looked up in the Liquid layout folders first (the blog's `_layouts/`,
then a theme's); a Liquid layout may name another in its front matter (`layout: base`). A
layout found only in the built-in theme (`templates/*.html`) is rendered with Jinja and ends
the chain.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from generator import syndication
from generator.builtin_theme import THEME_DIR
from generator.budgets import check_size
from generator.config import CONFIG_KEYS, Config
from generator.content.defaults import line_in_config
from generator.content.documents import Document, SiteContent
from generator.content.permalinks import slugify
from generator.content.sitedata import HTML, NIL_UNLESS_SET, link_neighbours, page_data, paginator_data, site_data
from generator.errors import ContentError, did_you_mean

if TYPE_CHECKING:
    from generator.content.links import LinkAfter
    from generator.liquid.environment import TemplateFolders

FEED_POSTS = 10
JEKYLL_VERSION = "4.3.3"   # `jekyll.version`: the Jekyll whose behaviour layerpress follows
FENCE_MARK = "\x02layerpress-code-{}\x03"
# Jekyll's MKDWN_LINK_REF_REGEX: a link definition an excerpt takes along.
LINK_DEFINITION = re.compile(r"^ {0,3}(\[[^\]]+\])(:.+)$", re.MULTILINE)
RAW_TAGS = re.compile(r"\{%-?\s*(?:raw|endraw)\s*-?%\}")


class Theme:
    """The built-in theme's Jinja templates (layouts `post`, `page`, `index`, ...). Jinja is imported
    (generator.lazy defers it) and its environment made on the first page the theme renders: a blog whose
    layouts are all its own never needs it."""

    def __init__(self, liquid_filters: dict, cache_dir: Path | None = None, site_defaults: dict | None = None) -> None:
        self.site_defaults = site_defaults or {}   # what the theme shows for keys that are nil in `site`
        self.liquid_filters, self.cache_dir = liquid_filters, cache_dir

    @cached_property
    def env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(THEME_DIR)), undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True, bytecode_cache=template_cache(self.cache_dir),
            autoescape=jinja2.select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True)
        env.filters.update(jinja_filters(self.liquid_filters))
        return env

    @staticmethod
    def layouts() -> list[str]:
        return sorted(path.stem for path in THEME_DIR.glob("*.html") if not path.name.startswith("_"))

    def site(self, site: dict) -> dict:
        """`site` as the theme shows it: its defaults for the keys that are nil."""
        return site | {key: value for key, value in self.site_defaults.items() if site.get(key) is None}

    @property
    def in_use(self) -> bool:
        """Whether a page of this build was rendered with the built-in theme."""
        return "env" in self.__dict__

    def render(self, template_name: str, context: dict) -> str:
        site = context.get("site")
        if isinstance(site, dict):
            context = context | {"site": self.site(site)}
        try:
            return self.env.get_template(template_name).render(context)
        except jinja2.TemplateError as problem:
            raise ContentError(f"theme template error: {problem}", file=THEME_DIR / template_name) from None


def jinja_filters(filters: dict) -> dict:
    """Jekyll's filters the built-in theme uses (the Liquid environment's); Markup where the result is HTML."""
    names = ("relative_url", "absolute_url", "date_to_xmlschema", "date_to_long_string", "slugify")
    return {name: filters[name] for name in names} | {"xml_escape": lambda text: Markup(filters["xml_escape"](text))}


def template_cache(cache_dir: Path | None) -> jinja2.BytecodeCache | None:
    """Jinja's compiled theme templates kept between builds, keyed on each template's source."""
    if cache_dir is None:
        return None
    folder = Path(cache_dir) / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


@dataclass
class RenderedPage:
    output_path: str
    text: str
    source: Path | str


class SiteRenderer:
    """Everything between the documents that were read and the files to write.

    Built once per build with what it needs; `render_all(context, replacements)` takes the
    compute stage's results (`models` for templates, figure HTML for placeholders)."""

    def __init__(self, config: Config, content: SiteContent, *, cache_dir: Path | None = None,
                 folders: TemplateFolders | None = None) -> None:
        from generator.content.markdown import MarkdownOptions, shared_renderer  # not for a no-change build
        from generator.liquid.environment import JekyllEnvironment, LiquidOptions, template_folders

        self.config, self.content = config, content
        self.markdown = shared_renderer(MarkdownOptions.from_config(config), cache_dir)
        self.documents = content.documents_to_write()
        # Documents of collections without output are not written, but `site.LABEL` shows their content.
        self.every_document = self.documents + [doc for collection in content.collections if not collection.output
                                                for doc in collection.docs]
        self.pages = {doc.source_path: page_data(doc) for doc in self.every_document}
        link_neighbours(content.posts, self.pages)
        self.site = site_data(config, content, self.pages)
        self.jekyll = {"environment": os.environ.get("JEKYLL_ENV", "development"), "version": JEKYLL_VERSION}
        self.liquid = JekyllEnvironment(config.source, folders or template_folders(config),
                                        LiquidOptions.from_config(config), values=self.tag_values())
        self.theme = Theme(self.liquid.filters, cache_dir,
                           {key: config.values[key] for key in NIL_UNLESS_SET if key in config.values})
        self.context: dict = {}
        self.replacements: dict = {}
        self.links_after: tuple[LinkAfter, ...] = ()
        self.shown: dict[Path, HTML] = {}   # a document's content as its own page shows it: with links_after

    def tag_values(self) -> dict:
        """What Jekyll's tags and filters read from the site (see generator/liquid/environment.py)."""
        posts_folder = self.config.source / "_posts"
        return {
            "site": self.site, "markdownify": self.markdown.convert, "code_cache": self.markdown.code_cache,
            "posts": {post.source_path.relative_to(posts_folder).with_suffix("").as_posix(): post.url
                      for post in self.content.posts if post.source_path.is_relative_to(posts_folder)},
            # Jekyll 4's older match for post_url, which it still follows with a deprecation warning:
            # the date and slug, wherever the post lies in _posts/ (of two, the older: posts are newest first).
            "posts_by_date_slug": {(post.date.year, post.date.month, post.date.day, post.slug): post.url
                                   for post in self.content.posts if post.date is not None},
            "documents": {static.source_path.relative_to(self.config.source).as_posix(): "/" + static.output_path
                          for static in self.content.static_files} | {doc.relative_path: doc.url for doc in self.documents},
            "site_defaults": frozenset(key for key in CONFIG_KEYS if key not in self.config.lines),
        }

    @property
    def warnings(self) -> list[ContentError]:
        """Liquid's warnings (`liquid: error_mode: warn`, Jekyll's default), each with its file and line."""
        return self.liquid.warnings

    # -- layouts --

    def check_layouts(self, strict: bool = False) -> list[ContentError]:
        """Unknown layouts: errors when `strict`, else one warning per unknown name (at its first document, with
        how many name it), and each document falls back to the theme's layout for its kind (`post` or `page`;
        Jekyll would write the bare content). A layout named by a path out of the layout folders is an error."""
        from generator.liquid.environment import check_layout_name, outside_layout_folders  # with the environment

        known = sorted(set(self.liquid.layout_names()) | set(self.theme.layouts()))
        unknown: dict[str, list] = {}
        for doc in self.documents:
            if doc.layout is not None and outside_layout_folders(doc.layout):   # only then its place (it may
                check_layout_name(doc.layout, *self._layout_named_at(doc))       # parse _config.yml again)
            if doc.layout is None or doc.layout in known:
                continue
            if strict:
                raise self._unknown_layout(doc, known)
            unknown.setdefault(doc.layout, []).append(doc)
        warnings = []
        for docs in unknown.values():
            problem = self._unknown_layout(docs[0], known)
            fallbacks = []
            for doc in docs:
                fallback = "post" if doc.kind == "post" else "page"
                fallbacks += [] if fallback in fallbacks else [fallback]
                doc.layout = self.pages[doc.source_path]["layout"] = fallback
            others = f" (and {len(docs) - 1} more documents)" if len(docs) > 1 else ""
            problem.message += f"{others}, using the theme's " + " or ".join(f"'{name}'" for name in fallbacks) + \
                (" layout" if len(fallbacks) == 1 else " layouts")
            warnings.append(problem)
        return warnings

    def _unknown_layout(self, doc, known: list[str]) -> ContentError:
        file, line = self._layout_named_at(doc)
        return ContentError(f"unknown layout '{doc.layout}'", file=file, line=line,
                            hint=did_you_mean(doc.layout, known) or f"put {doc.layout}.html in _layouts/")

    def _layout_named_at(self, doc) -> tuple[Path, int]:
        """Where the document's layout is named: its front matter's `layout:` line, else the `layout:` of the
        `defaults:` set of _config.yml that gave it, else (the layout of its kind) the document's first line."""
        if doc.line_of("layout") is None and "layout" in doc.default_sets:
            line = line_in_config(self.config, doc.default_sets["layout"], "layout")
            return self.config.file, line or self.config.lines.get("defaults") or 1
        return doc.source_path, doc.line_of("layout") or 1

    def render_layout(self, name: str | None, context: dict, content: str) -> str:
        """`content` wrapped in the layout `name` and the layouts its front matter names, in turn.
        `layout` is the layouts' front matter merged so far, the inner layout's values first (Jekyll's)."""
        seen: set[Path] = set()
        layout: dict = {}
        named_at: tuple[Path | None, int | None] = (None, None)   # a document's layout is checked already
        while name:
            file = self.liquid.layout_file(name, *named_at)
            if file is None:   # a built-in theme layout: Jinja, the end of the chain
                return self.theme.render(f"{name}.html", context | {"content": Markup(content)})
            if file in seen:
                raise ContentError(f"layout '{name}' is its own parent", file=file, line=1,
                                   hint="remove 'layout:' from one of the layouts it names in turn")
            seen.add(file)
            template = self.liquid.parse_file(file)
            layout = self.liquid.layout_data[file] | layout
            content = self.liquid.render(template, context | {"content": content, "layout": layout})
            name = self.liquid.layout_data[file].get("layout")
            named_at = (file, self.liquid.layout_lines[file].get("layout"))
        return content

    # -- documents --

    def render_all(self, context: dict | None = None, replacements: dict | None = None,
                   links_after: tuple[LinkAfter, ...] = ()) -> list[RenderedPage]:
        """Every page of the site; `context` (e.g. `models`) is added to the templates' variables,
        `replacements[source_path][placeholder]` is HTML put in place of a placeholder, and a Markdown
        document's own page has each of `links_after` after its links to the link's target (its content as
        the feed and excerpts quote it has not)."""
        self.context, self.replacements = dict(context or {}), dict(replacements or {})
        self.links_after = tuple(links_after)
        for doc in self.every_document:
            self.render_body(doc, self.pages[doc.source_path])
        rendered = []
        for doc in self.documents:
            rendered += self.render_document(doc)
        taken = {page.output_path for page in rendered} | {static.output_path for static in self.content.static_files}
        rendered += self.index_pages(taken)
        if self.theme.in_use:   # a blog in its own design gets no pages in the built-in theme's (as in Jekyll)
            rendered += self.category_pages(taken)
            if "404.html" not in taken:
                rendered.append(self.furniture_page("404", "404.html", {"title": "Page not found", "url": "/404.html"}))
        return rendered

    def variables(self, page: dict, paginator: dict | None = None) -> dict:
        site = self.site
        if page.get("collection") == "posts":   # Jekyll without LSI: the ten newest other posts
            site = site | {"related_posts": [post for post in site["posts"][:11] if post is not page][:10]}
        variables = {"site": site, "page": page, "jekyll": self.jekyll} | self.context
        return variables | {"paginator": paginator} if paginator is not None else variables

    def render_body(self, doc: Document, page: dict, paginator: dict | None = None) -> None:
        """Liquid, then markdown, then computed HTML in place; sets the page's content and excerpt."""
        from generator.liquid.environment import after_front_matter

        self.liquid.page_warnings.rendering = doc.source_path
        body, first_line = after_front_matter(doc.body, doc.body_line)
        in_code = doc.front_matter.get("liquid_in_code", self.config.option("liquid_in_code"))
        body, code = (body, []) if in_code else protect_code(body)
        if "{{" in body or "{%" in body:
            template = self.liquid.parse_text(body, doc.source_path, first_line)
            body = self.liquid.render(template, self.variables(page, paginator))
        text = restore_code(body, code)   # a body without a tag is its own rendering: Liquid's lexer costs
        page["content"] = HTML(self.to_html(doc, text))
        # The page converts its text again, with its links, only when the text names a link's target.
        links = tuple(link for link in self.links_after if link.target in text) if doc.is_markdown else ()
        self.shown[doc.source_path] = HTML(self.to_html(doc, text, links)) if links else page["content"]
        if "excerpt" in doc.front_matter:   # Jekyll takes the front matter's text as it is
            page["excerpt"] = HTML(str(doc.front_matter["excerpt"]))
        elif self.excerpt_separator(doc) and (doc.kind != "page" or self.config.page_excerpts):
            page["excerpt"] = HTML(self.to_html(doc, self.excerpt_source(doc, text)))
        else:   # Jekyll: none for an empty separator, nor for a page without `page_excerpts: true`
            page["excerpt"] = None
        from generator.content.markdown import has_math

        page["math"] = bool(doc.front_matter.get("math", has_math(page["content"])))
        # a list of posts shows their excerpts: it needs the typesetter only for math in those
        page["excerpt_math"] = bool(doc.front_matter.get("math", True)) and has_math(str(page["excerpt"] or ""))

    def to_html(self, doc: Document, text: str, links_after: tuple[LinkAfter, ...] = ()) -> str:
        if doc.is_markdown:   # Markdown's time grows faster than its text: a huge one would hang the build
            check_size(text, "markdown_bytes", what="the Markdown (after Liquid)", file=doc.source_path,
                       line=doc.body_line)
        html = self.markdown.convert(text, links_after) if doc.is_markdown else text
        for placeholder, replacement in self.replacements.get(doc.source_path, {}).items():
            html = html.replace(f"<p>{placeholder}</p>", replacement).replace(placeholder, replacement)
        return html

    def excerpt_separator(self, doc: Document) -> str:
        """Jekyll's: the front matter's, else _config.yml's; '' (in either) means no excerpt."""
        return doc.excerpt_separator if doc.excerpt_separator is not None else self.config.excerpt_separator

    def excerpt_source(self, doc: Document, text: str) -> str:
        """The text before the separator, with the link definitions after it that it uses (Jekyll's
        `extract_markdown_link_reference_definitions`: `[label]: url` lines whose `[label]` it holds)."""
        head, _, tail = text.lstrip("\n").partition(self.excerpt_separator(doc))
        definitions = [label + rest for label, rest in LINK_DEFINITION.findall(tail) if label in head]
        return head + "\n\n" + "\n".join(definitions) if definitions else head

    def render_document(self, doc: Document) -> list[RenderedPage]:
        if self.paginates(doc):
            return self.paginated(doc)
        page = self.pages[doc.source_path]
        self.liquid.page_warnings.rendering = doc.source_path
        text = self.render_layout(doc.layout, self.variables(page), self.shown[doc.source_path])
        return [RenderedPage(doc.output_path, text, doc.source_path)]

    def paginates(self, doc: Document) -> bool:
        """jekyll-paginate, when `paginate` is set: the index.html in the folder of `paginate_path`, or
        in the nearest folder above it."""
        if not self.config.paginate or doc.kind != "page" or doc.source_path.name != "index.html":
            return False
        folder = Path(self.config.paginate_path.strip("/").replace(":num", "1")).parent
        candidates = [doc.relative_path for doc in self.content.pages if doc.source_path.name == "index.html"
                      and (folder / "x").is_relative_to(Path(doc.relative_path).parent)]
        return doc.relative_path == max(candidates, key=len, default=None)

    def paginated(self, doc: Document) -> list[RenderedPage]:
        posts, home = self.site["posts"], doc.url
        url_of = lambda number: home if number <= 1 else self.pagination_url(number)  # noqa: E731
        first = paginator_data(posts, self.config.paginate, 1, url_of)
        rendered = []
        for number in range(1, first["total_pages"] + 1):
            paginator = paginator_data(posts, self.config.paginate, number, url_of)
            page = self.pages[doc.source_path] if number == 1 else dict(self.pages[doc.source_path])
            if number > 1:
                page["url"] = self.pagination_url(number)
            self.render_body(doc, page, paginator)
            text = self.render_layout(doc.layout, self.variables(page, paginator), self.shown[doc.source_path])
            rendered.append(RenderedPage(url_to_path(page["url"]) if number > 1 else doc.output_path, text,
                                         doc.source_path))
        return rendered

    # -- pages of the built-in theme --

    def index_pages(self, taken: set) -> list[RenderedPage]:
        """The home page and its paginated followers (jekyll-paginate's paths), unless the blog has its own."""
        if "index.html" in taken:
            return []
        posts = self.site["posts"]
        per_page = self.config.paginate or max(len(posts), 1)
        first = paginator_data(posts, per_page, 1, self.pagination_url)
        pages = []
        for number in range(1, first["total_pages"] + 1):
            paginator = paginator_data(posts, per_page, number, self.pagination_url)
            url = self.pagination_url(number)
            page = {"title": self.config.title, "url": url, "layout": "index"}
            text = self.theme.render("index.html", {"site": self.site, "page": page, "paginator": paginator})
            pages.append(RenderedPage(url_to_path(url), text, "index.html (theme)"))
        return pages

    def pagination_url(self, number: int) -> str:
        if number <= 1:
            return "/"
        path = "/" + self.config.paginate_path.replace(":num", str(number)).strip("/")
        return path + "/" if not path.endswith(".html") else path

    def category_pages(self, taken: set) -> list[RenderedPage]:
        """A page per category at `/categories/NAME/`, unless the blog has its own page there; categories
        written alike (`ML`, `ml`) share one, named as the first is, with the posts of all."""
        by_url: dict[str, tuple[str, list]] = {}
        for name, posts in self.site["categories"].items():
            url = f"/categories/{slugify(name)}/"
            listed = by_url.setdefault(url, (name, []))[1]
            listed += [post for post in posts if post not in listed]
        pages = []
        for url, (name, posts) in by_url.items():
            if url_to_path(url) in taken:
                continue
            posts.sort(key=lambda post: (post["date"], post["path"]), reverse=True)
            page = {"title": name, "url": url, "category": name, "posts": posts}
            text = self.theme.render("category.html", {"site": self.site, "page": page})
            pages.append(RenderedPage(url_to_path(url), text, f"category '{name}'"))
        return pages

    def furniture_page(self, layout: str, path: str, page: dict) -> RenderedPage:
        text = self.theme.render(f"{layout}.html", {"site": self.site, "page": page})
        return RenderedPage(path, text, f"{layout}.html (theme)")

    def feed(self) -> str:
        return syndication.atom_feed(self.theme.site(self.site), self.site["posts"][:FEED_POSTS], self.liquid.filters)

    def sitemap_entries(self, rendered: list[RenderedPage]) -> list[dict]:
        """The sitemap's {loc, lastmod}: every HTML page but 404.html and those whose front matter says `sitemap: false`."""
        by_path = {page["output_path"]: page for page in self.pages.values()}
        entries = [{"loc": path_to_url(page.output_path), "lastmod": dated((by_path.get(page.output_path) or {}).get("date"))}
                   for page in rendered
                   if page.output_path.endswith(".html") and page.output_path != "404.html"
                   and (by_path.get(page.output_path) or {}).get("sitemap", True) is not False]
        entries.sort(key=lambda entry: str(entry["loc"]))
        return entries

    def sitemap(self, rendered: list[RenderedPage]) -> str:
        return syndication.sitemap(self.sitemap_entries(rendered), self.liquid.filters)


# -- fenced code printed as written (with `liquid_in_code: false`) --

def protect_code(body: str) -> tuple[str, list[str]]:
    """The body with each fenced code block replaced by a mark of as many lines (Liquid never sees
    the code), and the blocks. `{% raw %}`/`{% endraw %}` inside a block are dropped, as Jekyll would."""
    from generator.content.fences import fences

    lines = body.split("\n")
    blocks: list[str] = []
    out: list[str] = []
    start = 0
    for fence in fences(lines):
        out.extend(lines[start:fence.start])
        code = "\n".join(lines[fence.start:fence.end + 1])
        blocks.append(RAW_TAGS.sub("", code))
        out.append(FENCE_MARK.format(len(blocks) - 1))
        out.extend([""] * (fence.end - fence.start))
        start = fence.end + 1
    out.extend(lines[start:])
    return "\n".join(out), blocks


def restore_code(text: str, blocks: list[str]) -> str:
    for number, code in enumerate(blocks):
        mark = FENCE_MARK.format(number)
        padded = mark + "\n" * code.count("\n")
        text = text.replace(padded, code) if padded in text else text.replace(mark, code)
    return text


def dated(value) -> date | None:
    """A page's date when it is one (a page's `date` may be any text: Jekyll leaves it as written)."""
    return value if isinstance(value, date) else None


def url_to_path(url: str) -> str:
    path = url.lstrip("/")
    return path + "index.html" if url.endswith("/") else path


def path_to_url(path: str) -> str:
    return "/" + path.removesuffix("index.html")
