"""Sass/SCSS -> CSS with libsass, as jekyll-sass-converter 2 (Jekyll 4's default) does it.

`_config.yml`'s `sass:` mapping: `style` (nested, expanded, compact, compressed; default
compact, jekyll-sass-converter's default for libsass), `sass_dir` (default `_sass`),
`load_paths`. Partials are looked up in the blog's sass_dir, then the theme's `_sass/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ContentError

SASS_SUFFIXES = (".scss", ".sass")
LIBSASS_ERROR = re.compile(r"^Error: (?P<message>.*?)\n(?:.*?\n)*?\s*on line (?P<line>\d+):(?P<column>\d+) of (?P<file>[^\n]+)",
                           re.MULTILINE)


@dataclass(frozen=True)
class SassOptions:
    style: str = "compact"
    include_paths: tuple = field(default_factory=tuple)

    @classmethod
    def from_config(cls, source: Path, sass: dict, theme=None) -> SassOptions:
        """`sass` is `config.sass`, checked by load_config (a key left out takes Jekyll's default)."""
        paths = [Path(source) / p for p in sass.get("load_paths", [])]
        paths.append(Path(source) / sass.get("sass_dir", "_sass"))
        if theme is not None and theme.folder("_sass") is not None:
            paths.append(theme.folder("_sass"))
        return cls(style=sass.get("style", "compact"), include_paths=tuple(str(p) for p in paths if p.is_dir()))


def is_sass(path) -> bool:
    return Path(path).suffix in SASS_SUFFIXES


def css_path(relative: str) -> str:
    """`assets/main.scss` -> `assets/main.css`."""
    return str(Path(relative).with_suffix(".css").as_posix())


def compile_sass(text: str, options: SassOptions, *, file: Path, first_line: int = 1) -> str:
    """CSS for a Sass or SCSS file's body (front matter removed, Liquid already rendered).
    A Sass error is a ContentError naming the file and line (in a partial: the partial's)."""
    import sass  # libsass: imported only when a blog has Sass to compile

    syntax = "indented" if Path(file).suffix == ".sass" else "scss"
    try:
        css = sass.compile(string=text, output_style=options.style, include_paths=list(options.include_paths),
                           indented=syntax == "indented")
    except sass.CompileError as problem:
        raise sass_error(str(problem), file, first_line) from None
    return css


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
