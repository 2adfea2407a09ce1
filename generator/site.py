"""Render the site: page contexts, bodies, layouts, index pages, categories, feed, sitemap, furniture."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.config import Config
from generator.content.claims import claim
from generator.content.documents import Document, SiteContent
from generator.content.frontmatter import split_front_matter
from generator.content.liquid import StrictBodyUndefined, UnknownVariable, jekyll_filters, make_environment, render_body
from generator.content.permalinks import slugify
from generator.confine import confined
from generator.errors import ContentError, did_you_mean

# A source checkout has the theme in templates/; an installed wheel ships it as generator/theme.
_CHECKOUT_THEME = Path(__file__).resolve().parent.parent / "templates"
THEME_DIR = _CHECKOUT_THEME if _CHECKOUT_THEME.is_dir() else Path(__file__).resolve().parent / "theme"
FEED_POSTS = 10


class LayoutLoader(jinja2.FileSystemLoader):
    """Reads layouts with Jekyll front matter: `layout: base` wraps the result in another layout.

    The front matter becomes a Jinja comment of as many lines, so that error lines stay the file's lines.
    """

    def __init__(self, folders: list[Path], source: Path | None = None) -> None:
        super().__init__([str(f) for f in folders])
        self.parents: dict[str, str | None] = {}
        self.source = source

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if self.source is not None and not Path(filename).resolve().is_relative_to(THEME_DIR.resolve()):
            confined(self.source, Path(filename).relative_to(self.source), ContentError, what="template",
                     file=filename, line=1)
        parsed = split_front_matter(source, Path(filename))
        self.parents[template] = parsed.front_matter.get("layout")
        padding = "{#" + "\n" * (parsed.body_line - 1) + "#}" if parsed.body_line > 1 else ""
        return padding + parsed.body, filename, uptodate


class Theme:
    def __init__(self, source: Path, site_data: dict, bytecode_cache: jinja2.BytecodeCache | None = None) -> None:
        self.folders = [source / "_layouts", source / "_includes", THEME_DIR]
        self.loader = LayoutLoader(self.folders, source)
        self.env = jinja2.Environment(
            loader=self.loader, undefined=StrictBodyUndefined, keep_trailing_newline=True, bytecode_cache=bytecode_cache,
            autoescape=jinja2.select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(jekyll_filters(site_data))

    def layouts(self) -> list[str]:
        return sorted(name.removesuffix(".html") for name in self.env.list_templates(extensions=["html"])
                      if "/" not in name and not name.startswith("_"))

    def check_layout(self, name: str | None, file, line) -> ContentError | None:
        """The problem with a layout name, if any (Jekyll only warns about a missing layout)."""
        if name is not None and name not in self.layouts():
            return ContentError(f"unknown layout '{name}'", file=file, line=line or 1,
                                hint=did_you_mean(name, self.layouts()) or f"put {name}.html in _layouts/")
        return None

    def render_layout(self, name: str | None, context: dict, content: str) -> str:
        """`content` wrapped in the layout `name` and the layouts its front matter names, in turn."""
        while name:
            template_name = f"{name}.html"
            content = self.render(template_name, context | {"content": jinja2.utils.markupsafe.Markup(content)})
            name = self.loader.parents.get(template_name)
        return content

    def render(self, template_name: str, context: dict) -> str:
        try:
            return self.env.get_template(template_name).render(context)
        except jinja2.TemplateSyntaxError as problem:
            raise ContentError(f"template syntax error: {problem.message}",
                               file=problem.filename, line=problem.lineno) from None
        except jinja2.TemplateNotFound as problem:
            raise ContentError(f"template '{problem.name}' not found", file=self.template_file(template_name),
                               hint=did_you_mean(problem.name, self.env.list_templates())) from None
        except UnknownVariable as problem:
            file, line = self.error_location(problem)
            raise ContentError(str(problem), file=file, line=line, hint=problem.hint) from None
        except jinja2.TemplateError as problem:
            file, line = self.error_location(problem)
            raise ContentError(f"template error: {problem}", file=file, line=line) from None

    def template_file(self, template_name: str) -> str | None:
        return next((str(f / template_name) for f in self.folders if (f / template_name).is_file()), None)

    def error_location(self, problem: BaseException) -> tuple[str | None, int | None]:
        """The innermost template frame of the traceback: Jinja gives it the template's file name."""
        where: tuple[str | None, int | None] = (None, None)
        tb = problem.__traceback__
        folders = [str(f) for f in self.folders]
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(tuple(folders)):
                where = (filename, tb.tb_lineno)
            tb = tb.tb_next
        return where


def template_cache(cache_dir: Path | None) -> jinja2.BytecodeCache | None:
    """Jinja's compiled templates kept between builds, keyed on each template's source."""
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


@dataclass
class SiteRenderer:
    """Everything between the documents that were read and the files to write."""

    config: Config
    content: SiteContent
    extra_context: dict = field(default_factory=dict)     # ComputeResult.context
    replacements: dict = field(default_factory=dict)      # ComputeResult.replacements
    cache_dir: Path | None = None                         # compiled templates are kept in <cache_dir>/templates

    def __post_init__(self) -> None:
        from generator.content.markdown import MarkdownOptions, shared_renderer  # not for a no-change build

        self.site = site_data(self.config, self.content)
        compiled = template_cache(self.cache_dir)
        self.theme = Theme(self.config.source, self.site, compiled)
        self.body_env = make_environment(jekyll_filters(self.site), include_dirs=[self.config.source / "_includes"],
                                         bytecode_cache=compiled)
        self.body_env.globals["post_url"] = post_url_function(self.content.posts)
        self.body_env.globals["claim"] = claim
        self.markdown = shared_renderer(MarkdownOptions.from_config(self.config.data), self.cache_dir)
        self.pages = {id(doc): page_data(doc) for doc in self.content.posts + self.content.pages}
        link_neighbours(self.content.posts, self.pages)
        self.site["posts"] = [self.pages[id(post)] for post in self.content.posts]
        self.site["pages"] = [self.pages[id(page)] for page in self.content.pages]
        self.site["categories"] = group_by(self.content.posts, self.pages, "categories")
        self.site["tags"] = group_by(self.content.posts, self.pages, "tags")

    def check_layouts(self, strict: bool = False) -> list[ContentError]:
        """Unknown layouts: errors when `strict`, else warnings, and the document falls back to the
        theme's layout for its kind (`post` or `page`; Jekyll would write the bare content)."""
        warnings = []
        for doc in self.content.posts + self.content.pages:
            problem = self.theme.check_layout(doc.layout, doc.source_path, doc.line_of("layout"))
            if problem is None:
                continue
            if strict:
                raise problem
            fallback = "post" if doc.kind == "post" else "page"
            problem.message += f", using the theme's '{fallback}' layout"
            warnings.append(problem)
            doc.layout = self.pages[id(doc)]["layout"] = fallback
        return warnings

    def render_all(self) -> list[RenderedPage]:
        documents = self.content.posts + self.content.pages
        for doc in documents:
            self.render_body(doc)
        rendered = [self.render_document(doc) for doc in documents]
        taken = {page.output_path for page in rendered}
        rendered += self.index_pages(taken) + self.category_pages()
        if "404.html" not in taken:
            rendered.append(self.furniture_page("404", "404.html", {"title": "Page not found", "url": "/404.html"}))
        return rendered

    def render_body(self, doc: Document) -> None:
        """Template the body, convert markdown, put computed HTML in place; sets content and excerpt."""
        page = self.pages[id(doc)]
        context = {"site": self.site, "page": page} | self.extra_context
        text = render_body(self.body_env, doc.body, context, file=doc.source_path, body_line=doc.body_line,
                           protect_code=not doc.front_matter.get("liquid_in_code", False))
        page["content"] = Markup(self.to_html(doc, text))
        page["excerpt"] = Markup(self.to_html(doc, self.excerpt_source(doc, text)))
        from generator.content.markdown import has_math

        page["math"] = bool(doc.front_matter.get("math", has_math(page["content"])))

    def to_html(self, doc: Document, text: str) -> str:
        html = self.markdown.convert(text) if doc.is_markdown else text
        for placeholder, replacement in self.replacements.get(doc.source_path, {}).items():
            html = html.replace(f"<p>{placeholder}</p>", replacement).replace(placeholder, replacement)
        return html

    def excerpt_source(self, doc: Document, text: str) -> str:
        if "excerpt" in doc.front_matter:
            return str(doc.front_matter["excerpt"])
        separator = doc.excerpt_separator or self.config.excerpt_separator
        return text.lstrip("\n").split(separator, 1)[0]

    def render_document(self, doc: Document) -> RenderedPage:
        page = self.pages[id(doc)]
        text = self.theme.render_layout(doc.layout, {"site": self.site, "page": page}, page["content"])
        return RenderedPage(doc.output_path, text, doc.source_path)

    def index_pages(self, taken: set) -> list[RenderedPage]:
        """The home page and its paginated followers (jekyll-paginate's paths), unless the blog has its own."""
        if "index.html" in taken:
            return []
        posts = self.site["posts"]
        per_page = self.config.paginate or max(len(posts), 1)
        total = max(math.ceil(len(posts) / per_page), 1)
        pages = []
        for number in range(1, total + 1):
            paginator = {
                "page": number, "per_page": per_page, "total_posts": len(posts), "total_pages": total,
                "posts": posts[(number - 1) * per_page: number * per_page],
                "previous_page": number - 1 if number > 1 else None,
                "previous_page_path": self.pagination_url(number - 1) if number > 1 else None,
                "next_page": number + 1 if number < total else None,
                "next_page_path": self.pagination_url(number + 1) if number < total else None,
            }
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

    def category_pages(self) -> list[RenderedPage]:
        pages = []
        for name, posts in self.site["categories"].items():
            url = f"/categories/{slugify(name)}/"
            page = {"title": name, "url": url, "category": name, "posts": posts}
            text = self.theme.render("category.html", {"site": self.site, "page": page})
            pages.append(RenderedPage(url_to_path(url), text, f"category '{name}'"))
        return pages

    def furniture_page(self, layout: str, path: str, page: dict) -> RenderedPage:
        text = self.theme.render(f"{layout}.html", {"site": self.site, "page": page})
        return RenderedPage(path, text, f"{layout}.html (theme)")

    def feed(self) -> str:
        return self.theme.render("feed.xml", {"site": self.site, "posts": self.site["posts"][:FEED_POSTS]})

    def sitemap(self, rendered: list[RenderedPage]) -> str:
        by_path = {page["output_path"]: page for page in self.pages.values()}
        entries = [{"loc": path_to_url(page.output_path), "lastmod": (by_path.get(page.output_path) or {}).get("date")}
                   for page in rendered
                   if page.output_path.endswith(".html") and page.output_path != "404.html"
                   and (by_path.get(page.output_path) or {}).get("sitemap", True) is not False]
        entries.sort(key=lambda entry: str(entry["loc"]))
        return self.theme.render("sitemap.xml", {"site": self.site, "entries": entries})


def site_data(config: Config, content: SiteContent) -> dict:
    """`site` in templates: every _config.yml key plus what Jekyll adds."""
    newest = content.posts[0].date if content.posts else None
    return dict(config.data) | {"time": newest, "posts": [], "pages": [], "categories": {}, "tags": {}}


def page_data(doc: Document) -> dict:
    """`page` in templates: the front matter plus the computed Jekyll variables."""
    url = doc.url
    return dict(doc.front_matter) | {
        "title": doc.title, "date": doc.date, "url": url, "slug": doc.slug,
        "id": url.removesuffix(".html").rstrip("/") if doc.kind == "post" else url,
        "categories": doc.categories, "tags": doc.tags, "layout": doc.layout,
        "path": doc.relative_path, "collection": "posts" if doc.kind == "post" else None,
        "draft": doc.draft, "output_path": doc.output_path, "content": Markup(""), "excerpt": Markup(""),
        "previous": None, "next": None,
    }


def post_url_function(posts: list[Document]):
    """Jekyll's `{% post_url 2017-01-29-slug %}`: the URL of the post from that file (no baseurl)."""
    urls = {post.source_path.stem: post.url for post in posts}

    def post_url(name: str) -> str:
        if name not in urls:
            hint = did_you_mean(name, urls)
            raise jinja2.TemplateRuntimeError(f"post_url: no post '{name}'" + (f" ({hint})" if hint else ""))
        return urls[name]

    return post_url


def link_neighbours(posts: list[Document], pages: dict) -> None:
    """Jekyll's page.previous (older) and page.next (newer); `posts` is newest first."""
    for index, post in enumerate(posts):
        page = pages[id(post)]
        page["next"] = pages[id(posts[index - 1])] if index > 0 else None
        page["previous"] = pages[id(posts[index + 1])] if index + 1 < len(posts) else None


def group_by(posts: list[Document], pages: dict, attribute: str) -> dict:
    groups: dict = {}
    for post in posts:
        for name in getattr(post, attribute):
            groups.setdefault(name, []).append(pages[id(post)])
    return dict(sorted(groups.items(), key=lambda item: item[0].lower()))


def url_to_path(url: str) -> str:
    path = url.lstrip("/")
    return path + "index.html" if url.endswith("/") else path


def path_to_url(path: str) -> str:
    return "/" + path.removesuffix("index.html")
