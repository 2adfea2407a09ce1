"""What the build prints: Python's logging, under the package's logger (`generator`).

Modules log with `log = logging.getLogger(__name__)`; `configure(verbosity)` (called once by the CLI)
prints their records on stderr the way layerpress always has: `warning: ...`, `note: ...`,
`error: ...`, and progress lines as they are. The level is the one switch for everything that
reports: `-q` (errors only), the default (progress, notes, warnings), `-v` (also debug lines such as
cache hits); tqdm bars, training progress and summary lines ask `is_quiet()`.
"""

from __future__ import annotations

import logging

import click

PACKAGE = "generator"
NOTE = 25  # between INFO (progress lines) and WARNING: something the author may want to act on
logging.addLevelName(NOTE, "NOTE")

QUIET, DEFAULT, VERBOSE = -1, 0, 1
LEVELS = {QUIET: logging.ERROR, DEFAULT: logging.INFO, VERBOSE: logging.DEBUG}
PREFIXES = {logging.DEBUG: "debug: ", NOTE: "note: ", logging.WARNING: "warning: ", logging.ERROR: "error: "}


class LineFormatter(logging.Formatter):
    """A record as one line: its level as a prefix (none for progress lines, at INFO)."""

    def format(self, record: logging.LogRecord) -> str:
        return PREFIXES.get(record.levelno, "") + record.getMessage()


class EchoHandler(logging.Handler):
    """Writes to whatever sys.stderr is when the record comes (click's test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # a closed stream must not end the build
            self.handleError(record)


def configure(verbosity: int = DEFAULT) -> None:
    """Print the package's records at `verbosity` (QUIET, DEFAULT or VERBOSE); calling it again changes
    the level and keeps the one handler."""
    logger = logging.getLogger(PACKAGE)
    if not any(isinstance(handler, EchoHandler) for handler in logger.handlers):
        handler = EchoHandler()
        handler.setFormatter(LineFormatter())
        logger.addHandler(handler)
    logger.setLevel(LEVELS[max(QUIET, min(VERBOSE, verbosity))])


def is_quiet() -> bool:
    """True under `-q` (or when nothing configured logging): no progress bars, per-epoch lines or summaries."""
    return not logging.getLogger(PACKAGE).isEnabledFor(logging.INFO)


def _quiet_command(ctx, param, quiet: bool) -> None:
    if quiet:
        configure(QUIET)


# A command's own `--quiet` (`layerpress build --quiet`), the same as `layerpress --quiet build`.
SAFE_OPTION = click.option("--safe", is_flag=True,
                           help="Refuse shared folders and model files with Python code in them (Lambda layers): "
                                "for blogs you do not trust, such as pull requests in CI (also `safe: true`).")
QUIET_OPTION = click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_quiet_command,
                            help="Print nothing but errors (same as `layerpress --quiet`).")
