"""Sass/SCSS -> CSS with libsass, as jekyll-sass-converter 2 (Jekyll 4's default) does it.

`_config.yml`'s `sass:` mapping: `style` (nested, expanded, compact, compressed; default
compact, jekyll-sass-converter's default for libsass), `sass_dir` (default `_sass`),
`load_paths`. Partials are looked up in the blog's sass_dir, then the theme's `_sass/`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import confine
from generator.cache import digest, write_atomically
from generator.config import section_where
from generator.confine import confined
from generator.errors import ContentError

SASS_SUFFIXES = (".scss", ".sass")
LIBSASS_ERROR = re.compile(r"^Error: (?P<message>.*?)\n(?:.*?\n)*?\s*on line (?P<line>\d+):(?P<column>\d+) of (?P<file>[^\n]+)",
                           re.MULTILINE)


@dataclass(frozen=True)
class SassOptions:
    style: str = "compact"
    include_paths: tuple = field(default_factory=tuple)
    source: Path | None = None         # the blog: every import is read through confine's rule for it
    cache_dir: Path | None = None      # the build's cache: compiled CSS kept for the next build (`SassCache`)

    @classmethod
    def from_config(cls, config, theme=None, cache_dir: Path | None = None) -> SassOptions:
        """`config.sass` (checked by load_config; a key left out takes Jekyll's default): its
        `load_paths` and `sass_dir` must be folders inside the blog (or a shared folder), the
        error at their key."""
        source, sass = config.source, config.sass
        where = section_where(config, "sass")
        paths = [confined(source, folder, ContentError, what="sass.load_paths entry", file=config.file,
                          line=where.line_of("load_paths")) for folder in sass.get("load_paths", [])]
        sass_dir = sass.get("sass_dir", "_sass")
        line = where.line_of("sass_dir") if "sass_dir" in sass else None
        paths.append(confined(source, sass_dir, ContentError, what="sass.sass_dir",
                              file=config.file if line else None, line=line))
        if theme is not None and theme.folder("_sass") is not None:
            paths.append(theme.folder("_sass"))
        return cls(style=sass.get("style", "compact"), include_paths=tuple(str(p) for p in paths if p.is_dir()),
                   source=Path(source), cache_dir=cache_dir)


def is_sass(path) -> bool:
    return Path(path).suffix in SASS_SUFFIXES


def css_path(relative: str) -> str:
    """`assets/main.scss` -> `assets/main.css`."""
    return str(Path(relative).with_suffix(".css").as_posix())


def compile_sass(text: str, options: SassOptions, *, file: Path, first_line: int = 1) -> str:
    """CSS for a Sass or SCSS file's body (front matter removed, Liquid already rendered): the last build's
    while its text, options and every file it imported are the same (`SassCache`), else libsass's.
    A Sass error is a ContentError naming the file and line (in a partial: the partial's)."""
    import sass  # libsass: imported only when a blog has Sass to compile

    importer = ConfinedImporter(options, Path(file))
    cache = SassCache(options.cache_dir, digest(text, options.style, options.include_paths, str(file), sass.__version__))
    css = cache.get(importer)
    if css is not None:
        return css
    try:
        css = sass.compile(string=text, output_style=options.style, include_paths=list(options.include_paths),
                           indented=Path(file).suffix == ".sass", importers=[(0, importer)])
    except sass.CompileError as problem:
        if importer.refused is not None:
            raise importer.refusal(str(problem), first_line) from None
        raise sass_error(str(problem), file, first_line) from None
    cache.put(css, importer.imported)
    return css


class SassCache:
    """Compiled CSS kept between builds (libsass takes longer than the rest of a small blog's warm build).
    An entry is keyed on the Sass text, the options, the file and libsass's version, and holds each import
    as libsass asked for it with the file it found and that file's digest: it is used only while every
    import still finds the same file, read through the same rule, with the same bytes."""

    def __init__(self, cache_dir: Path | None, key: str) -> None:
        self.path = Path(cache_dir) / "sass" / f"{key}.json" if cache_dir is not None else None

    def get(self, importer: ConfinedImporter) -> str | None:
        try:
            entry = json.loads(self.path.read_text(encoding="utf-8")) if self.path is not None else None
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or not all(importer.same_import(*row) for row in entry.get("imports", [])):
            return None
        return entry.get("css")

    def put(self, css: str, imported: list) -> None:
        if self.path is not None:
            write_atomically(self.path, json.dumps({"css": css, "imports": imported}))


class ConfinedImporter:
    """libsass's importer callback: finds each `@import` as libsass would (next to the importing file,
    then in the include paths) and reads it through `confine.read_text`, so that an absolute path,
    a path out of the blog and a pipe are refused, naming the import, and never read. Plain CSS
    imports (`.css`, URLs) are left to libsass, which writes them into the CSS without reading."""

    def __init__(self, options: SassOptions, file: Path) -> None:
        self.options = options
        self.file = file
        self.source = options.source or file.parent
        self.refused: ContentError | None = None
        self.imported: list[tuple[str, str, str, str]] = []   # (path, prev, file found, digest of its text)

    def __call__(self, path: str, prev: str):
        if path.endswith(".css") or re.match(r"(?:[a-z]+:)?//", path) or path.startswith("url("):
            return None
        importing = self.file if prev in ("stdin", "") else Path(prev)
        try:
            found, text = self.read(path, importing)
            self.imported.append((path, prev, found, digest(text)))
            return [(found, text)]
        except ContentError as problem:
            problem.file = importing
            self.refused = problem
            raise

    def read(self, path: str, importing: Path) -> tuple[str, str]:
        """The file `@import "path"` in `importing` finds (resolved), and its text."""
        found = self.find(path, importing)
        return str(found.resolve()), confine.read_text(self.source, found, "sass", ContentError, what="Sass import")

    def same_import(self, path: str, prev: str, found: str, text_digest: str) -> bool:
        """Whether an import of the last compilation finds the same file with the same text now."""
        try:
            now, text = self.read(path, self.file if prev in ("stdin", "") else Path(prev))
        except ContentError:
            return False
        return now == found and digest(text) == text_digest

    def find(self, path: str, importing: Path) -> Path:
        if Path(path).is_absolute():
            raise ContentError(f"Sass import '{path}' is outside the blog folder", hint=confine.HINT)
        folders = ([] if importing == self.file else [importing.parent]) + [Path(p) for p in self.options.include_paths]
        for folder in folders:
            for candidate in candidates(folder / path):
                if candidate.exists() and not candidate.is_dir():   # a pipe too: reading refuses it
                    return candidate
        searched = ", ".join(confine.shown(self.source, folder) for folder in folders) or "the blog has no _sass/"
        raise ContentError(f"Sass import '{path}' not found (searched: {searched})",
                           hint="put the partial in _sass/ (as _name.scss)")

    def refusal(self, text: str, first_line: int) -> ContentError:
        """The refused import's error, at the line of its `@import` (libsass's message gives it)."""
        problem = self.refused
        assert problem is not None
        match = re.search(r"on line (\d+):\d+ of (\S+)", text)
        if match:
            problem.line = int(match[1]) + (first_line - 1 if match[2] == "stdin" else 0)
        return problem


def candidates(path: Path) -> list[Path]:
    """The files libsass tries for `@import "path"`: partial (`_name`) and plain, each syntax, then index files."""
    if path.suffix in SASS_SUFFIXES:
        return [path.with_name("_" + path.name), path]
    names = [f"{prefix}{path.name}{suffix}" for suffix in (*SASS_SUFFIXES, ".css") for prefix in ("_", "")]
    index = [path / f"{prefix}index{suffix}" for suffix in SASS_SUFFIXES for prefix in ("_", "")]
    return [path.with_name(name) for name in names] + index


def sass_error(text: str, file: Path, first_line: int) -> ContentError:
    match = LIBSASS_ERROR.search(text)
    if match is None:
        first = text.strip().splitlines()[0] if text.strip() else "Sass error"
        return ContentError(first.removeprefix("Error: "), file=file)
    where = match["file"].strip()
    if where == "stdin":
        return ContentError(match["message"].strip(), file=file, line=int(match["line"]) + first_line - 1)
    return ContentError(match["message"].strip(), file=(Path.cwd() / where).resolve(), line=int(match["line"]),
                        hint=f"imported from {Path(file).name}")
