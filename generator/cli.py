"""The `layerpress` command line: one click group, one command per job."""

from __future__ import annotations

import sys

import click

from generator import __version__
from generator.errors import LayerpressError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="layerpress")
def cli() -> None:
    """Build static blogs whose figures are computed from real Keras models."""


def main(argv=None) -> None:
    """Entry point: user mistakes end as one line on stderr and exit status 1."""
    try:
        cli.main(args=argv, prog_name="layerpress", standalone_mode=False)
    except LayerpressError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
