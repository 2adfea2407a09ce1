"""Build a Jekyll blog with Debian's Jekyll and with layerpress, and say how close layerpress comes.

    python tools/compat.py BLOG [BLOG ...] [--json] [--keep DIR] [--verbose]

BLOG is a Jekyll source folder, or a bare git repository (its HEAD is exported; files whose
contents the repository lacks are skipped). Two comparisons:

Posts: only `_posts/`, `_config.yml`, `_includes/` and `_data/` are used. Both tools build them with the
same flat layouts (`<div class="post-content">{{ content }}</div>` under every layout name the blog
or its theme has, and `default`, `post`, `page`; a post naming a missing layout is rendered without
one) and Jekyll with the plugins of the whole-site build below but jekyll-paginate. Reported
per blog: post URLs matched (an extension-less permalink is the `.html` file Jekyll writes), posts
whose whole body text matches (tags stripped, whitespace normalised, quotes, dashes and math
delimiters ignored), formulas intact, feed entries, and whether feed.xml and sitemap.xml parse.

Whole pages (when the blog has its own `_layouts/` or a `theme:`): the blog is built as it is,
by Jekyll in safe mode (GitHub Pages' rule: no `_plugins/`, only whitelisted plugins: jekyll-feed,
jekyll-seo-tag and jekyll-gist always, jekyll-sitemap when listed, jekyll-paginate when listed or `paginate:`
is set, each if its Debian package is installed) and by layerpress, twice more to time a warm build
(one post edited, the cache of the first build kept). Every HTML page Jekyll renders (not copied
as a static file) is compared by its visible text: the text of <body> without scripts and styles,
normalised as above. Reported: pages, pages with the same visible text, layerpress's warnings,
Jekyll's build time and layerpress's warm build time. With `--repeat N` the two are timed N times
more, back to back (Jekyll's build, then layerpress's after another edit), and the medians are
reported, of the wall time and of the CPU time (user + system, which other jobs on the machine
change less), with the ratio of the medians.

A `_config.yml` that only Ruby's YAML reads (tabs) is read through Ruby. `kramdown: math_engine: katex`
(fastpages) needs a gem Debian lacks: Jekyll is then given `mathjax`, and the TeX is compared.
jekyll-gist is told `noscript: false`: its `<noscript>` copy needs the network, which neither build has.
Every command run is printed
(`$ (cd DIR && jekyll build ...)`), to stderr with --json.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
# Loaded on every whole-site build, as the blogs measured expect them ({% seo %} without listing it).
ALWAYS_PLUGINS = {"jekyll-feed", "jekyll-seo-tag", "jekyll-gist"}
# GitHub Pages' plugins that Debian packages (ruby-jekyll-*): loaded when a blog's config asks for them,
# and jekyll-paginate when `paginate:` is set (GitHub Pages enables it by default).
DEBIAN_PLUGINS = ALWAYS_PLUGINS | {"jekyll-paginate", "jekyll-sitemap"}
BODY_START = '<div class="post-content">'
BODY_LAYOUT = BODY_START + '\n{{ content }}\n</div>\n'
POST_LIST = """---
layout: null
permalink: /compat-posts.json
---
[{% for post in site.posts %}{{ post.url | jsonify }}{% unless forloop.last %},{% endunless %}{% endfor %}]
"""
# kramdown 2 writes math for MathJax as \(...\) and \[...\]; layerpress (arithmatex) the same, in spans.
HEADING_ID = re.compile(r"<h[1-6][^>]*\sid=\"([^\"]+)\"")
CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.DOTALL)
MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.DOTALL)
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                        "\u2014": "-", "\u2026": "...", "\u00ab": '"', "\u00bb": '"', "\u00a0": " "})


@dataclass
class PostResult:
    url: str
    url_matched: bool
    text_matched: bool = False
    formulas: int = 0
    formulas_intact: int = 0
    heading_ids: int = 0
    heading_ids_matched: int = 0
    lists_matched: bool = False
    first_difference: str = ""


@dataclass
class BlogReport:
    blog: str
    jekyll_ok: bool = False
    layerpress_ok: bool = False
    layerpress_error: str = ""
    layerpress_warnings: int = 0
    posts: list = field(default_factory=list)
    jekyll_feed_entries: int = 0
    layerpress_feed_entries: int = 0
    feed_entries_matched: int = 0
    feed_valid: bool = False
    sitemap_valid: bool = False
    placeholders: int = 0

    def summary(self) -> dict:
        posts = self.posts
        formulas = sum(p.formulas for p in posts)
        return {
            "blog": self.blog, "builds": self.jekyll_ok and self.layerpress_ok,
            "posts": len(posts),
            "urls_matched": sum(p.url_matched for p in posts),
            "text_matched": sum(p.text_matched for p in posts),
            "formulas": formulas, "formulas_intact": sum(p.formulas_intact for p in posts),
            "heading_ids": sum(p.heading_ids for p in posts),
            "heading_ids_matched": sum(p.heading_ids_matched for p in posts),
            "lists_matched": sum(p.lists_matched for p in posts),
            "feed": f"{self.feed_entries_matched}/{self.jekyll_feed_entries}",
            "feed_valid": self.feed_valid, "sitemap_valid": self.sitemap_valid,
            "placeholders": self.placeholders, "warnings": self.layerpress_warnings,
        }


class BodyExtractor(HTMLParser):
    """The inner HTML of the first element whose class list has `post-content`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.start = self.end = None
        self.offsets = []

    def handle_starttag(self, tag, attrs):
        if self.start is None and "post-content" in (dict(attrs).get("class") or "").split():
            self.start = self.getpos()
            self.start_text = self.get_starttag_text()
            self.depth = 1
            self.tag = tag
        elif self.start is not None and self.end is None and tag == self.tag:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.start is not None and self.end is None and tag == self.tag:
            self.depth -= 1
            if self.depth == 0:
                self.end = self.getpos()


def body_html(page: str) -> str:
    """A post's whole body: both builds wrap it in BODY_LAYOUT, so it runs from the layout's opening tag
    to its last `</div>` (counting tags would stop early at a stray `</div>` in the post's raw HTML)."""
    start, end = page.find(BODY_START), page.rfind("</div>")
    if start < 0 or end < start:
        return page
    return page[start + len(BODY_START):end]


def formulas(body: str) -> list[str]:
    """The formulas of a body: `\\(...\\)` and `\\[...\\]` outside code (a regex in a code block is not one)."""
    prose = CODE.sub("", body)
    return [normalise_space(html.unescape(m[1] if m[1] is not None else m[2])) for m in MATH.finditer(prose)]


def normalise_space(text: str) -> str:
    return " ".join(text.split())


class TextExtractor(HTMLParser):
    """The text a browser shows (an HTML parser, so `'<0.01%'` in raw HTML stays text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("script", "style") and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


class ListShape(HTMLParser):
    """The nesting depth of every list item: [1, 2, 2, 1] for an item with two sub-items, then one."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.items = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.depth += 1
        elif tag == "li":
            self.items.append(self.depth)

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self.depth -= 1


def list_shape(body: str) -> list[int]:
    """List items by depth, without the table of contents (markup of its own on each side)."""
    body = re.sub(r'<ul[^>]*id="markdown-toc".*?</ul>\s*(?=<h|<p|$)|<div class="toc">.*?</div>', "", body,
                  flags=re.DOTALL)
    shape = ListShape()
    shape.feed(body)
    return shape.items


def body_text(body: str) -> str:
    """What a reader reads: no tags, no math delimiters, plain quotes and dashes, no whitespace
    (highlighters and markdown writers split text into tags differently)."""
    extractor = TextExtractor()
    extractor.feed(body)
    extractor.close()
    text = re.sub(r"\\[()\[\]]|\$\$", "", "".join(extractor.parts))
    text = unicodedata.normalize("NFC", text).translate(QUOTES).replace("\u21a9\ufe0e", "\u21a9")
    return "".join(text.split())


COMMANDS = {"stream": sys.stdout}


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """subprocess.run, after printing the command (`$ jekyll build ...`) so that a reader can run it again."""
    environment = {key: value for key, value in (options.get("env") or {}).items()
                   if key in ("JEKYLL_ENV", "JEKYLL_NO_BUNDLER_REQUIRE", "PYTHONPATH")}
    prefix = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
    where = f"(cd {shlex.quote(str(options['cwd']))} && " if options.get("cwd") else "("
    print(f"$ {where}{prefix + ' ' if prefix else ''}{shlex.join(command)})", file=COMMANDS["stream"], flush=True)
    return subprocess.run(command, **options)


def first_difference(a: str, b: str, width: int = 60) -> str:
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"jekyll: ...{a[max(0, index - 20):index + width]!r}\n    layerpress: ...{b[max(0, index - 20):index + width]!r}"


def copy_blog(blog: Path, target: Path) -> None:
    target.mkdir(parents=True)
    shutil.copy2(blog / "_config.yml", target / "_config.yml")
    for folder in ("_posts", "_includes", "_data"):   # posts may read site.data
        if (blog / folder).is_dir():
            shutil.copytree(blog / folder, target / folder)


def flat_layouts(blog: Path, source: Path) -> None:
    """A flat layout under every layout name the blog or its theme has: each post's file is its body."""
    layouts = source / "_layouts"
    shutil.rmtree(layouts, ignore_errors=True)
    layouts.mkdir()
    names = {p.stem for p in (blog / "_layouts").glob("*.html")} if (blog / "_layouts").is_dir() else set()
    names |= theme_layout_names(blog)
    for name in names | {"default", "post", "page"}:
        (layouts / f"{name}.html").write_text(BODY_LAYOUT)


def build_with_jekyll(blog: Path, work: Path) -> tuple[Path, list[str]]:
    source, dest = work / "jekyll-src", work / "jekyll-site"
    copy_blog(blog, source)
    # Written back as JSON: Debian's Ruby refuses Ruby symbols (`style: :expanded`) in YAML.
    config = _read_yaml(blog / "_config.yml")
    # No theme (the layouts are flat): left out, as a `theme: null` override does not unset it for Jekyll.
    (source / "_config.yml").write_text(json.dumps({key: value for key, value in config.items()
                                                    if key not in ("theme", "remote_theme")}, default=str))
    flat_layouts(blog, source)
    (source / "compat-posts.json").write_text(POST_LIST)
    plugins = [p for p in whole_site_plugins(config) if p != "jekyll-paginate"]
    overrides = {"theme": None, "remote_theme": None, "plugins": plugins,
                 "gems": [], "destination": str(dest)} | offline_overrides(config)
    (work / "_config.compat.yml").write_text(json.dumps(overrides))
    run(["jekyll", "build", "--quiet", "--source", str(source), "--destination", str(dest),
         "--config", f"{source / '_config.yml'},{work / '_config.compat.yml'}"],
        check=True, capture_output=True, text=True, cwd=work)
    return dest, json.loads((dest / "compat-posts.json").read_text())


def jekyll_failure(failure: subprocess.CalledProcessError) -> str:
    """Jekyll's own words on why it failed, without colours or Ruby's backtrace."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", failure.stderr or failure.stdout or "")
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("from ") and not set(line.strip()) <= set("-")]
    return "jekyll failed: " + " ".join(lines[:4])[:600]


def offline_overrides(config: dict) -> dict:
    """What Jekyll is told so that it builds offline as layerpress does: jekyll-gist's `<noscript>` copy
    needs the network (offline, Jekyll writes `false` in its place), and the math engine Debian has."""
    return {"gist": {"noscript": False}} | math_engine_overrides(config)


def math_engine_overrides(config: dict) -> dict:
    """kramdown's math engine as Debian's Jekyll can load it: `katex` needs the kramdown-math-katex gem,
    which Debian lacks; then both tools write the TeX for MathJax (the visible text compared is the TeX)."""
    kramdown = config.get("kramdown") if isinstance(config.get("kramdown"), dict) else {}
    engine = str(kramdown.get("math_engine") or "mathjax")
    if engine == "mathjax" or gem_installed(f"kramdown-math-{engine}"):
        return {}
    return {"kramdown": {"math_engine": "mathjax"}}


def asked_plugins(config: dict) -> list[str]:
    """The plugins a blog's config lists (`plugins:`, or Jekyll 3's `gems:`)."""
    listed = config.get("plugins") or config.get("gems") or []
    return [str(name) for name in listed] if isinstance(listed, list) else []


def whole_site_plugins(config: dict) -> list[str]:
    """What GitHub Pages would load that Debian has: jekyll-feed and jekyll-seo-tag always, jekyll-sitemap
    when listed, jekyll-paginate when listed or `paginate:` is set."""
    plugins = set(ALWAYS_PLUGINS) | {name for name in asked_plugins(config) if name in DEBIAN_PLUGINS}
    if config.get("paginate"):
        plugins.add("jekyll-paginate")
    return sorted(name for name in plugins if gem_installed(name))


def gem_installed(name: str) -> bool:
    return subprocess.run(["gem", "list", "-i", f"^{name}$"], capture_output=True).returncode == 0


def theme_layout_names(blog: Path) -> set[str]:
    """The layouts of the theme the blog names (Jekyll would use them: they get flat ones too)."""
    from generator.errors import LayerpressError
    from generator.themes import find_theme
    try:
        theme = find_theme(blog, _read_yaml(blog / "_config.yml").get("theme"))
    except LayerpressError:
        return set()
    folder = theme.folder("_layouts") if theme else None
    return {p.stem for p in folder.glob("*.html")} if folder else set()


def build_with_layerpress(blog: Path, work: Path) -> tuple[Path, subprocess.CompletedProcess]:
    source, dest = work / "layerpress-src", work / "layerpress-site"
    copy_blog(blog, source)
    config = source / "_config.yml"   # no theme, as for Jekyll: the layouts are flat (its line kept, commented)
    config.write_text(re.sub(r"(?m)^((?:remote_)?theme[ \t]*:)", r"# \1", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    flat_layouts(blog, source)
    done = run([sys.executable, "-m", "generator", "build", "--source", str(source), "--dest", str(dest)],
               capture_output=True, text=True, cwd=ROOT)
    return dest, done


def _read_yaml(path: Path) -> dict:
    """A YAML file as Jekyll reads it: PyYAML, or Ruby's Psych for what only Psych accepts (tabs)."""
    import yaml
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        script = ("require 'yaml'; require 'json'; require 'date'; "
                  "puts JSON.dump(YAML.safe_load(File.read(ARGV[0]), permitted_classes: [Date, Time, Symbol], "
                  "aliases: true) || {})")
        done = subprocess.run(["ruby", "-e", script, str(path)], capture_output=True, text=True, check=True)
        return json.loads(done.stdout)


def url_to_path(url: str) -> str:
    """The file Jekyll writes for a URL: `index.html` in a folder, `.html` added to a name without it."""
    from urllib.parse import unquote
    path = unquote(url).lstrip("/")
    if url.endswith("/") or not path:
        return path + "index.html"
    return path if path.endswith((".html", ".htm", ".xml", ".json", ".txt")) else path + ".html"


def feed_links(path: Path) -> list[str] | None:
    """The entry links of an Atom feed, as paths; None if it is not XML."""
    try:
        tree = ElementTree.parse(path)
    except (ElementTree.ParseError, FileNotFoundError):
        return None
    atom = "{http://www.w3.org/2005/Atom}"
    links = []
    for entry in tree.getroot().iter(f"{atom}entry"):
        link = entry.find(f"{atom}link")
        href = link.get("href", "") if link is not None else ""
        links.append(re.sub(r"^[a-z]+://[^/]+", "", href))
    return links


def xml_valid(path: Path) -> bool:
    try:
        ElementTree.parse(path)
        return True
    except (ElementTree.ParseError, FileNotFoundError):
        return False


def compare(blog: Path, work: Path) -> BlogReport:
    report = BlogReport(blog=str(blog))
    try:
        jekyll_site, urls = build_with_jekyll(blog, work)
        report.jekyll_ok = True
    except subprocess.CalledProcessError as failure:
        report.layerpress_error = jekyll_failure(failure)
        return report
    layerpress_site, done = build_with_layerpress(blog, work)
    report.layerpress_ok = done.returncode == 0
    report.layerpress_error = done.stderr.strip() if done.returncode else ""
    report.layerpress_warnings = done.stderr.count("warning:")
    baseurl = str(_read_yaml(blog / "_config.yml").get("baseurl") or "").rstrip("/")
    for url in urls:
        result = PostResult(url=url, url_matched=(layerpress_site / url_to_path(url)).is_file())
        report.posts.append(result)
        if not result.url_matched:
            continue
        theirs = body_html((jekyll_site / url_to_path(url)).read_text(encoding="utf-8"))
        ours = body_html((layerpress_site / url_to_path(url)).read_text(encoding="utf-8"))
        expected, found = formulas(theirs), Counter(formulas(ours))
        result.formulas = len(expected)
        for formula in expected:
            if found[formula] > 0:
                found[formula] -= 1
                result.formulas_intact += 1
        expected_ids, found_ids = HEADING_ID.findall(theirs), set(HEADING_ID.findall(ours))
        result.heading_ids = len(expected_ids)
        result.heading_ids_matched = sum(anchor in found_ids for anchor in expected_ids)
        result.lists_matched = list_shape(theirs) == list_shape(ours)
        a, b = body_text(theirs), body_text(ours)
        result.text_matched = a == b
        if a != b:
            result.first_difference = first_difference(a, b)
    theirs_feed = feed_links(jekyll_site / "feed.xml") or []
    ours_feed = feed_links(layerpress_site / "feed.xml")
    report.feed_valid = ours_feed is not None
    report.sitemap_valid = xml_valid(layerpress_site / "sitemap.xml")
    ours_feed = [link.removeprefix(baseurl) for link in ours_feed or []]
    report.jekyll_feed_entries, report.layerpress_feed_entries = len(theirs_feed), len(ours_feed)
    report.feed_entries_matched = len(set(link.removeprefix(baseurl) for link in theirs_feed) & set(ours_feed))
    if layerpress_site.is_dir():
        report.placeholders = sum(1 for page in layerpress_site.rglob("*")
                                  if page.suffix in (".html", ".xml")
                                  and re.search(r"[\x02\x03]", page.read_text(errors="replace")))
    return report


TIMES: dict[str, list] = {}   # (wall, CPU) seconds of each timed whole-site build: jekyll, layerpress_warm

SKIPPED_NAMES = shutil.ignore_patterns(".git", "_site", ".jekyll-cache", ".sass-cache", ".layerpress-cache",
                                       "node_modules")


def skipped_in_copy(blog: Path) -> Callable[[str, list[str]], set[str]]:
    """What a copy of the blog leaves out: caches, and Bundler's `vendor/` at the top (which Jekyll
    excludes), not a `vendor/` folder of the blog's own Sass or scripts."""
    def skipped(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == blog
        return set(SKIPPED_NAMES(folder, names)) | ({"vendor"} if top and "vendor" in names else set())
    return skipped


@dataclass
class PageResult:
    path: str
    found: bool
    text_matched: bool = False
    first_difference: str = ""


@dataclass
class SiteReport:
    blog: str
    jekyll_ok: bool = False
    layerpress_ok: bool = False
    error: str = ""
    layerpress_warnings: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    jekyll_times: list = field(default_factory=list)            # (wall, CPU) seconds per timed build
    layerpress_warm_times: list = field(default_factory=list)

    def summary(self) -> dict:
        same = sum(page.text_matched for page in self.pages)
        jekyll, ours = _medians(self.jekyll_times), _medians(self.layerpress_warm_times)
        return {"blog": self.blog, "builds": self.jekyll_ok and self.layerpress_ok, "pages": len(self.pages),
                "pages_found": sum(page.found for page in self.pages), "same_visible_text": same,
                "share": round(same / len(self.pages), 4) if self.pages else 0.0,
                "warnings": len(self.layerpress_warnings), "timed_builds": len(self.layerpress_warm_times),
                "jekyll_seconds": round(jekyll[0], 2), "layerpress_warm_seconds": round(ours[0], 2),
                "jekyll_cpu_seconds": round(jekyll[1], 2), "layerpress_warm_cpu_seconds": round(ours[1], 2),
                "warm_share": round(ours[0] / jekyll[0], 2) if jekyll[0] else 0.0,
                "warm_cpu_share": round(ours[1] / jekyll[1], 2) if jekyll[1] else 0.0}


def _medians(times: list) -> tuple[float, float]:
    """The median wall and the median CPU seconds of (wall, CPU) pairs; zeros for none."""
    if not times:
        return 0.0, 0.0
    return statistics.median(wall for wall, _ in times), statistics.median(cpu for _, cpu in times)


def timed(command: list[str], **options) -> subprocess.CompletedProcess:
    """`run`, noting the command's wall and CPU seconds (user + system of the child) under TIMES[label]."""
    label = options.pop("label")
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = run(command, **options)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    TIMES.setdefault(label, []).append((wall, cpu))
    return done


def has_own_design(blog: Path) -> bool:
    """Whether the blog brings its look: its own layouts or a theme (then whole pages are compared)."""
    return (blog / "_layouts").is_dir() or bool(_read_yaml(blog / "_config.yml").get("theme"))


def build_as_is_with_jekyll(blog: Path, work: Path) -> tuple[Path, Callable[[], object]]:
    """Jekyll's site of the blog, and the timed build that made it (to run again, as `--repeat` does)."""
    source, dest = work / "jekyll-site-src", work / "jekyll-whole-site"
    shutil.copytree(blog, source, ignore=skipped_in_copy(blog))
    config = _read_yaml(blog / "_config.yml")
    (source / "_config.yml").write_text(json.dumps(config, default=str))
    plugins = whole_site_plugins(config)
    overrides = {"plugins": plugins, "gems": [], "whitelist": plugins, "destination": str(dest)} \
        | offline_overrides(config)
    (work / "_config.site.yml").write_text(json.dumps(overrides))

    def build() -> subprocess.CompletedProcess:
        return timed(["jekyll", "build", "--safe", "--quiet", "--source", str(source), "--destination", str(dest),
                      "--config", f"{source / '_config.yml'},{work / '_config.site.yml'}"],
                     check=True, capture_output=True, text=True, cwd=work, label="jekyll",
                     env=os.environ | {"JEKYLL_NO_BUNDLER_REQUIRE": "true", "JEKYLL_ENV": "production"})
    build()
    return dest, build


def build_as_is_with_layerpress(blog: Path, work: Path, jekyll_build: Callable[[], object] | None = None,
                                repeat: int = 0) -> tuple[Path, subprocess.CompletedProcess]:
    """layerpress's site of the blog as it is, after a timed warm build (one post edited, the cache of the
    first build kept) and `repeat` more, each after Jekyll's build again (`jekyll_build`)."""
    source, dest = work / "layerpress-site-src", work / "layerpress-whole-site"
    shutil.copytree(blog, source, ignore=skipped_in_copy(blog))
    command = [sys.executable, "-m", "generator", "build", "--source", str(source), "--dest", str(dest)]
    # As a user's install runs it: Python's bytecode cache on (a session may turn it off; the timed
    # warm build would then compile every module again).
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    environment |= {"JEKYLL_ENV": "production"}
    done = run(command, capture_output=True, text=True, cwd=ROOT, env=environment)
    if done.returncode == 0:    # a warm build: the cache of the first one, one post's text changed
        touched = next(iter(sorted((source / "_posts").glob("*.md"))), None) if (source / "_posts").is_dir() else None
        for round_ in range(repeat + 1):
            if round_ and jekyll_build is not None:
                jekyll_build()
            if touched is not None:
                touched.write_text(touched.read_text(encoding="utf-8") + f"\n\nEdited {round_}.\n", encoding="utf-8")
            timed(command, capture_output=True, text=True, cwd=ROOT, env=environment, label="layerpress_warm")
        if touched is not None:   # the edit undone, the compared site built from the blog as it is
            shutil.copy2(blog / touched.relative_to(source), touched)
            done = run(command, capture_output=True, text=True, cwd=ROOT, env=environment)
    return dest, done


class VisibleText(TextExtractor):
    """The text of <body> (or of the whole document when it has no body tag), no scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.in_head = 0

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        self.in_head += tag in ("head", "title")

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        self.in_head -= tag in ("head", "title") and self.in_head > 0

    def handle_data(self, data):
        if not self.in_head:
            super().handle_data(data)


def visible_text(page: str) -> str:
    extractor = VisibleText()
    extractor.feed(page)
    extractor.close()
    text = unicodedata.normalize("NFC", "".join(extractor.parts)).translate(QUOTES)
    return "".join(text.replace("\u21a9\ufe0e", "\u21a9").split())


def rendered_pages(site: Path, blog: Path) -> list[str]:
    """The HTML files Jekyll rendered: not those it copied unchanged from the blog."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        original = blog / relative
        if not (original.is_file() and original.read_bytes() == path.read_bytes()):
            pages.append(relative)
    return pages


def compare_pages(blog: Path, work: Path, repeat: int = 0) -> SiteReport:
    report = SiteReport(blog=str(blog))
    TIMES.clear()
    try:
        jekyll_site, jekyll_build = build_as_is_with_jekyll(blog, work)
        report.jekyll_ok = True
    except subprocess.CalledProcessError as failure:
        report.error = jekyll_failure(failure)
        return report
    layerpress_site, done = build_as_is_with_layerpress(blog, work, jekyll_build, repeat)
    report.jekyll_times, report.layerpress_warm_times = TIMES.get("jekyll", []), TIMES.get("layerpress_warm", [])
    report.layerpress_ok = done.returncode == 0
    report.error = done.stderr.strip() if done.returncode else ""
    report.layerpress_warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    for relative in rendered_pages(jekyll_site, blog):
        ours = layerpress_site / relative
        result = PageResult(path=relative, found=ours.is_file())
        report.pages.append(result)
        if result.found:
            a = visible_text((jekyll_site / relative).read_text(encoding="utf-8", errors="replace"))
            b = visible_text(ours.read_text(encoding="utf-8", errors="replace"))
            result.text_matched = a == b
            if a != b:
                result.first_difference = first_difference(a, b)
    return report


def export_git(repository: Path, target: Path) -> Path:
    """A bare repository's HEAD as a folder; blobs the repository lacks (large files left out of a
    partial clone) are skipped instead of stopping the export as `git archive` does."""
    listing = subprocess.run(["git", "--git-dir", str(repository), "ls-tree", "-r", "-z", "HEAD"],
                             capture_output=True, check=True).stdout
    for entry in filter(None, listing.split(b"\0")):
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind != b"blob" or mode == b"120000":
            continue
        blob = subprocess.run(["git", "--git-dir", str(repository), "cat-file", "blob", sha], capture_output=True)
        if blob.returncode == 0:
            out = target / path.decode()
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(blob.stdout)
    return target


def print_site_report(report: SiteReport, verbose: bool) -> None:
    s = report.summary()
    n = s["pages"] or 1
    print(f"   whole pages: "
          f"{s['same_visible_text']}/{s['pages']} same visible text ({100 * s['same_visible_text'] / n:.1f}%), "
          f"{s['pages_found']}/{s['pages']} found, {s['warnings']} layerpress warnings")
    medians = "medians of " + str(s["timed_builds"]) + " each, " if s["timed_builds"] > 1 else ""
    print(f"   build time ({medians}wall / CPU): jekyll {s['jekyll_seconds']:.2f} s / {s['jekyll_cpu_seconds']:.2f} s, "
          f"layerpress warm (one post edited) {s['layerpress_warm_seconds']:.2f} s / "
          f"{s['layerpress_warm_cpu_seconds']:.2f} s: {100 * s['warm_share']:.0f}% / {100 * s['warm_cpu_share']:.0f}% "
          "of Jekyll's")
    if not s["builds"]:
        print(f"   whole-site build failed: {report.error}")
    if verbose:
        for warning in report.layerpress_warnings:
            print(f"   {warning}")
        for page in report.pages:
            if not page.text_matched:
                print(f"   - {page.path}: {'differs' if page.found else 'MISSING'}")
                if page.first_difference:
                    print(f"    {page.first_difference}")


def print_report(report: BlogReport, verbose: bool) -> None:
    s = report.summary()
    n = s["posts"] or 1
    print(f"== {s['blog']}")
    if not s["builds"]:
        print(f"   build failed: {report.layerpress_error}")
    print(f"   urls matched   {s['urls_matched']}/{s['posts']} ({100 * s['urls_matched'] / n:.0f}%)")
    print(f"   body text      {s['text_matched']}/{s['posts']} ({100 * s['text_matched'] / n:.0f}%)")
    total = s["formulas"] or 1
    print(f"   formulas       {s['formulas_intact']}/{s['formulas']} ({100 * s['formulas_intact'] / total:.1f}%)")
    print(f"   heading ids    {s['heading_ids_matched']}/{s['heading_ids']}")
    print(f"   list nesting   {s['lists_matched']}/{s['posts']} posts")
    print(f"   feed entries   {s['feed']} matched, feed.xml {'valid' if s['feed_valid'] else 'INVALID'}, "
          f"sitemap.xml {'valid' if s['sitemap_valid'] else 'INVALID'}, pages with placeholders {s['placeholders']}")
    print(f"   layerpress warnings {s['warnings']}")
    if verbose:
        for post in report.posts:
            if not (post.url_matched and post.text_matched and post.lists_matched
                    and post.formulas == post.formulas_intact):
                print(f"   - {post.url}: url {'ok' if post.url_matched else 'MISSING'}, "
                      f"formulas {post.formulas_intact}/{post.formulas}, lists {'ok' if post.lists_matched else 'DIFFER'}")
                if post.first_difference:
                    print(f"    {post.first_difference}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("blogs", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="print the summaries as JSON")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the posts that differ")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--repeat", type=int, default=0, metavar="N",
                        help="time Jekyll's build and layerpress's warm build N more times, back to back (medians)")
    args = parser.parse_args(argv)
    if args.json:
        COMMANDS["stream"] = sys.stderr
    if shutil.which("jekyll") is None:
        print("error: jekyll is not on PATH (apt-get install jekyll)", file=sys.stderr)
        return 1
    summaries = []
    for index, blog in enumerate(args.blogs):
        with tempfile.TemporaryDirectory(prefix="layerpress-compat-") as scratch:
            work = (args.keep / str(index)) if args.keep else Path(scratch)
            if args.keep:
                shutil.rmtree(work, ignore_errors=True)
                work.mkdir(parents=True)
            source = blog.resolve()
            if (source / "HEAD").is_file() and (source / "objects").is_dir():
                source = export_git(source, work / "export")
            report = compare(source, work)
            summary = report.summary() | {"blog": str(blog)}
            if not args.json:
                print_report(report, args.verbose)
            if has_own_design(source):
                site_report = compare_pages(source, work, args.repeat)
                summary["whole_pages"] = site_report.summary()
                if not args.json:
                    print_site_report(site_report, args.verbose)
            summaries.append(summary)
    if args.json:
        print(json.dumps(summaries, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
