"""One exception family for every user mistake; the CLI prints it as one line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import overload


@overload
def display_path(path: str | os.PathLike) -> str: ...
@overload
def display_path(path: None) -> None: ...
def display_path(path: str | os.PathLike | None) -> str | None:
    """A path as the user typed it: relative to the working directory when inside it."""
    if path is None:
        return None
    p = Path(path)
    try:  # without following symlinks first, so that a link is named, not its target
        return str(Path(os.path.abspath(p)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        pass
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def did_you_mean(name: object, choices) -> str | None:
    """A 'did you mean X?' hint for the closest known name, or None."""
    import difflib   # only for a mistake: most builds have none

    matches = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


class LayerpressError(Exception):
    """A mistake in the user's input: shown as `file:line: message (hint)`, exit status 1."""

    def __init__(self, message: str, *, file=None, line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint
        self.liquid_token: object = None  # set when raised inside a Liquid template: where it is

    def __str__(self) -> str:
        where = display_path(self.file)
        if where and self.line:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class ConfigError(LayerpressError):
    """_config.yml is malformed or holds a value of the wrong type."""


class ContentError(LayerpressError):
    """A post, page, layout or include cannot be read or rendered."""


class OutputError(LayerpressError):
    """Writing the site would escape the output folder or overwrite another item."""


class DataError(LayerpressError):
    """A data set cannot be found, read or split."""

    key: str | None = None   # the data-set option at fault (`path`), for the spec's line of it


class ModelSpecError(LayerpressError):
    """A model spec in _models/ is invalid."""


class FigureError(LayerpressError):
    """A figure block is invalid or its figure cannot be drawn."""


class PublishError(LayerpressError):
    """Publishing or checking the site failed."""
