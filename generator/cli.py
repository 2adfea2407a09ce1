"""The `layerpress` command line: one click group, one command per job."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from generator import __version__, console
from generator.errors import LayerpressError


class LazyGroup(click.Group):
    """A click group whose commands in `lazy` ("name" -> "module:attribute") are imported only when
    that command runs or the help lists it: `layerpress build` must not pay for the models stage's
    imports (the data sets and numpy)."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            module, _, attribute = self.lazy[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             lazy={"models": "generator.models.commands:models_command",
                   "train": "generator.models.commands:train_command"})
@click.version_option(__version__, prog_name="layerpress")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also print debug lines (where each model and figure comes from: frozen, cached or computed).")
def cli(quiet: bool, verbose: bool) -> None:
    """Build static blogs whose figures are computed from real Keras models."""
    console.configure(console.QUIET if quiet else console.VERBOSE if verbose else console.DEFAULT)


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
@console.QUIET_OPTION
@click.option("--force", is_flag=True, help="Replace DEST even if it is a non-empty folder no build wrote.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (also `strict: true` in _config.yml).")
@click.option("--refresh", metavar="NAME", multiple=True,
              help="Train this model (NAME or NAME:VARIANT) or draw this figure (its id) again, "
                   "whatever is frozen or cached; repeatable.")
@click.option("--frozen", "frozen_only", is_flag=True,
              help="Fail unless every model and figure is in SOURCE/_freeze/ (so nothing trains, e.g. in CI).")
@console.SAFE_OPTION
def build(source: Path, dest: Path, drafts: bool, unpublished: bool, future: bool, force: bool,
          strict: bool, refresh: tuple, frozen_only: bool, safe: bool) -> None:
    """Build the static site from SOURCE into DEST (swapped in only when the build succeeds)."""
    from generator.build import BuildOptions, build as run_build

    result = run_build(BuildOptions(source=source, dest=dest, drafts=drafts, unpublished=unpublished,
                                    future=future, replace=force, strict=strict, refresh=refresh,
                                    frozen_only=frozen_only, safe=safe))
    if not console.is_quiet():
        click.echo(f"{result.pages_written} pages written to {result.dest} in {result.seconds:.2f} s")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."))
def init(folder: Path) -> None:
    """Start a new blog in FOLDER (new or empty; default: here): content/ with a first post,
    a model and a probe, a .gitignore, and the GitHub Actions workflow that publishes it."""
    from generator.content.starter import write_starter_blog

    for path in write_starter_blog(folder):
        click.echo(f"wrote {path}")
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    click.echo(f"next: {go}layerpress serve   (then edit content/_posts/, and see `layerpress --help`)")


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
@click.option("--force", is_flag=True, help="Empty DEST even if it is a non-empty folder no build wrote.")
def clean(source: Path, dest: Path, force: bool) -> None:
    """Remove the output folder (but its keep_files) and the build cache (<source>/.layerpress-cache)."""
    from generator.buildlock import build_lock
    from generator.config import load_config
    from generator.writer import remove_outputs

    config = load_config(source) if source.is_dir() else None
    with build_lock(source, dest):
        removed_paths = remove_outputs(source, dest, config, force=force)
    for removed in removed_paths:
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

