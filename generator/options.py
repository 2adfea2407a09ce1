"""The one way to declare and check options: `_config.yml`, figure blocks, data sets, model specs.

An `Option` declares a key: its check, its default and its help text (the reference pages
read `.name`, `.default` and `.help`). Declare options as a mapping name -> Option (passed
through `named()` so each knows its name), or as attributes of a class, where an option
reads as a typed attribute (`config.baseurl` is a `str` to a type checker):

    KEYS = named({
        "per_row": Option(positive_int, 8, "Maps per row in the grid layout."),
    })

A check takes the YAML value and returns it (normalised if need be), or raises `Invalid`
with the phrase that completes "'KEY' must be ..." (and optionally a hint). `@expects(phrase)`
declares that phrase once, for the errors and for `Option.expects` (reference pages).

`validate(data, KEYS, where)` checks a mapping, fills in defaults and raises the one
error wording, located by `Where` (file, line of each key, error class, label):

    file:line: LABEL: unknown key 'KEY' (did you mean 'KEYS'?)
    file:line: LABEL: 'KEY' must be PHRASE, not VALUE
    file:line: LABEL: missing key 'KEY'
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload
from collections.abc import Callable, Mapping

from generator.errors import LayerpressError, did_you_mean

T = TypeVar("T")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


class Invalid(ValueError):
    """Raised by a check: `phrase` completes "'KEY' must be ..." (default: the check's `expects`
    phrase); `hint` is optional advice."""

    def __init__(self, phrase: str = "", hint: str | None = None):
        super().__init__(phrase)
        self.phrase = phrase
        self.hint = hint


class Option(Generic[T]):
    """One key: how to check it, its default (REQUIRED: none) and what it means."""

    def __init__(self, check: Callable[[Any], T], default: Any = REQUIRED, help: str = "", *, name: str = ""):
        self.check = check
        self.default = default
        self.help = help
        self.name = name

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def expects(self) -> str:
        """What the check accepts, e.g. "a positive integer" (for reference pages and errors)."""
        return getattr(self.check, "phrase", "")

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> Option[T]: ...

    @overload
    def __get__(self, obj: object, owner: type) -> T: ...

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        values = getattr(obj, "values", None)   # a class of options keeps the checked values in .values or .data
        return (obj.data if values is None else values).get(self.name, self.default)

    def __repr__(self) -> str:
        return f"Option({self.name!r}, default={self.default!r})"


def named(options: Mapping[str, Option]) -> dict[str, Option]:
    """`options` with each Option's `name` set to its key (an option shared by two mappings keeps its key)."""
    for name, option in options.items():
        option.name = option.name or name
    return dict(options)


def declared(cls: type) -> dict[str, Option]:
    """The options declared as attributes of a class, in declaration order."""
    return {name: value for name, value in vars(cls).items() if isinstance(value, Option)}


class Where:
    """Where a mapping of options was written: errors name its file, the key's line and a label."""

    def __init__(self, file=None, line_of: Callable[[str], int | None] = lambda key: None,
                 error: type[LayerpressError] = LayerpressError, label: str = "", prefix: str = ""):
        self.file = file
        self.line_of = line_of
        self.error = error
        self.label = label        # e.g. "figure 'acts'", "dataset"; "" for none
        self.prefix = prefix      # a section's path before each key, e.g. "fit."

    def fail(self, message: str, key: str | None = None, hint: str | None = None,
             line: int | None = None) -> LayerpressError:
        text = f"{self.label}: {message}" if self.label else message
        return self.error(text, file=self.file, line=line or (self.line_of(key) if key is not None else None),
                          hint=hint)

    def unknown(self, key, allowed, note: str = "", *, list_keys: bool = True) -> LayerpressError:
        """Unknown `key`: the hint is the closest allowed key and (with `list_keys`) all of them."""
        listing = "keys: " + ", ".join(sorted(map(str, allowed))) if allowed and list_keys else None
        hint = " ".join(part for part in (did_you_mean(key, allowed), listing) if part) or None
        return self.fail(f"unknown key '{self.prefix}{key}'{note}", key, hint)

    def invalid(self, key, phrase: str, value, hint: str | None = None) -> LayerpressError:
        return self.fail(f"'{self.prefix}{key}' must be {phrase}, not {shown(value)}", key, hint)

    def missing(self, key) -> LayerpressError:
        return self.fail(f"missing key '{self.prefix}{key}'", key)

    def section(self, key: str, line_of: Callable[[str], int | None]) -> Where:
        """The Where of a mapping nested under `key` (its keys are named 'key.sub')."""
        return Where(self.file, line_of, self.error, self.label, f"{self.prefix}{key}.")


def shown(value) -> str:
    """A value as a YAML author reads it, short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list) and not all(isinstance(v, (int, float, str)) for v in value):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_value(option: Option, key, value, where: Where):
    """The option's check applied to one value; a failure is `where`'s error."""
    try:
        return option.check(value)
    except ValueError as problem:  # Invalid, or a plain ValueError whose text is the phrase
        raise where.invalid(key, str(problem) or option.expects, value, getattr(problem, "hint", None)) from None


def check_keys(data: Mapping, allowed, where: Where) -> None:
    """Every key of `data` must be one of `allowed`."""
    for key in data:
        if key not in allowed:
            raise where.unknown(key, allowed)


def validate(data: Mapping, options: Mapping[str, Option], where: Where, *, null_is_default: bool = False,
             given_order: bool = False) -> dict:
    """`data` checked against `options` (unknown keys raise), defaults filled in.

    With `null_is_default`, a key given as null (`key:` or `key: ~`) takes its default. The
    result lists the keys in declaration order, or with `given_order` the given keys first.
    """
    check_keys(data, options, where)
    values = {}
    for key, option in options.items():
        if key in data and not (null_is_default and data[key] is None):
            values[key] = check_value(option, key, data[key], where)
        elif option.required:
            raise where.missing(key)
        else:
            values[key] = option.default
    if given_order:
        values = {key: values[key] for key in data} | values
    return values


# -- checks shared by every kind of option ------------------------------------------------------

TYPE_PHRASES = {bool: "true or false", int: "an integer", float: "a number", str: "a string", list: "a list",
                dict: "a mapping"}


def expects(phrase: str) -> Callable[[Callable], Callable]:
    """Decorator: what a check accepts, the phrase its failures complete ("must be ...")."""
    def mark(check):
        check.phrase = phrase
        return check

    return mark


class OfType:
    """A value of one of `types` (bool is not an int; an int is a float when float is allowed)."""

    def __init__(self, types: tuple, phrase: str = "", allow_none: bool = False):
        self.types = types
        self.phrase = phrase or " or ".join(TYPE_PHRASES[t] for t in types)
        self.allow_none = allow_none

    def __call__(self, value):
        if value is None and self.allow_none:
            return value
        if not is_of_type(value, self.types):
            raise Invalid(self.phrase)
        return value


def of_type(*types: type, phrase: str = "", allow_none: bool = False) -> Callable[[Any], Any]:
    return OfType(tuple(types), phrase, allow_none)


def is_of_type(value, types: tuple) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, int) and float in types:
        return True
    return isinstance(value, types)


def choice(*allowed, allow_none: bool = False) -> Callable[[Any], Any]:
    """One of `allowed` (a near miss gets a did-you-mean)."""
    @expects("one of " + ", ".join(map(str, allowed)))
    def check(value):
        if value is None and allow_none:
            return value
        if value not in allowed:
            raise Invalid(hint=did_you_mean(value, allowed) if isinstance(value, str) else None)
        return value

    return check


@expects("any value")
def any_value(value):
    """Anything YAML can hold (a key whose value nothing checks here)."""
    return value


@expects("a string")
def string(value) -> str:
    if not isinstance(value, str):
        raise Invalid()
    return value


@expects("a positive integer")
def positive_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid()
    return value
