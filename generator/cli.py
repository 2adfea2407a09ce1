"""The `layerpress` command line: one click group, one command per job."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.errors import LayerpressError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="layerpress")
def cli() -> None:
    """Build static blogs whose figures are computed from real Keras models."""


SOURCE_OPTION = click.option("--source", type=click.Path(path_type=Path), default=Path("content"),
                             show_default=True, help="The blog's folder (_config.yml, _posts/).")
DEST_OPTION = click.option("--dest", type=click.Path(path_type=Path), default=Path("site"),
                           show_default=True, help="The output folder.")


@cli.command()
@SOURCE_OPTION
@DEST_OPTION
@click.option("--drafts", is_flag=True, help="Also build posts in _drafts/ and posts with draft: true.")
@click.option("--unpublished", is_flag=True, help="Also build documents with published: false.")
@click.option("--future", is_flag=True, help="Also build posts dated in the future.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--refresh", metavar="NAME", multiple=True,
              help="Train this model (NAME or NAME:VARIANT) or draw this figure (its id) again, "
                   "whatever is frozen or cached; repeatable.")
@click.option("--frozen", "frozen_only", is_flag=True,
              help="Fail unless every model and figure is in SOURCE/_freeze/ (so nothing trains, e.g. in CI).")
def build(source: Path, dest: Path, drafts: bool, unpublished: bool, future: bool, quiet: bool,
          refresh: tuple, frozen_only: bool) -> None:
    """Build the static site from SOURCE into DEST (swapped in only when the build succeeds)."""
    from generator.build import BuildOptions, build as run_build

    result = run_build(BuildOptions(source=source, dest=dest, drafts=drafts, unpublished=unpublished,
                                    future=future, quiet=quiet, refresh=refresh,
                                    frozen_only=frozen_only))
    if not quiet:
        click.echo(f"{result.pages_written} pages written to {result.dest} in {result.seconds:.2f} s")


@cli.command()
@click.argument("title")
@SOURCE_OPTION
def new(title: str, source: Path) -> None:
    """Start a post: writes _posts/YYYY-MM-DD-post-title.md with front matter."""
    from generator.content.newpost import write_new_post

    click.echo(write_new_post(source, title))


@cli.command()
@SOURCE_OPTION
@DEST_OPTION
def clean(source: Path, dest: Path) -> None:
    """Remove the output folder and the build cache (<source>/.layerpress-cache)."""
    from generator.writer import remove_outputs

    for removed in remove_outputs(source, dest):
        click.echo(f"removed {removed}")


def main(argv=None) -> None:
    """Entry point: user mistakes end as one line on stderr and exit status 1."""
    try:
        status = cli.main(args=argv, prog_name="layerpress", standalone_mode=False)
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
    if status:  # ctx.exit(N) and --help/--version come back as a status without standalone mode
        sys.exit(status)


# The author's loop (serve, publish, check) lives in its own modules.
from generator.loop_commands import check_command, freeze_command, publish_command, serve_command  # noqa: E402

cli.add_command(serve_command)
cli.add_command(publish_command)
cli.add_command(check_command)
cli.add_command(freeze_command)


from generator.models.commands import models_command, train_command  # noqa: E402

cli.add_command(models_command)
cli.add_command(train_command)
