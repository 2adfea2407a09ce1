"""Click commands of the author's loop: serve, publish, check (the work is in their own modules,
imported only when the command runs, so `layerpress build` does not pay for them)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import console

SOURCE_OPTION = click.option("--source", type=click.Path(path_type=Path), default=Path("content"),
                             show_default=True, help="The blog's folder (_config.yml, _posts/).")


@click.command("serve")
@SOURCE_OPTION
@click.option("--port", type=int, default=4000, show_default=True, help="0 picks a free port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--drafts", is_flag=True, help="Also build posts in _drafts/ and posts with draft: true.")
@click.option("--future", is_flag=True, help="Also build posts dated in the future.")
@click.option("--unpublished", is_flag=True, help="Also build documents with published: false.")
def serve_command(source: Path, port: int, host: str, drafts: bool, future: bool, unpublished: bool) -> None:
    """Preview the blog on localhost (built in a temporary folder), rebuilding and reloading on every change."""
    from generator.serve import ServeOptions, serve

    serve(ServeOptions(source=source, host=host, port=port, drafts=drafts, future=future,
                       unpublished=unpublished))


@click.command("publish")
@SOURCE_OPTION
@click.option("--dest", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="The folder to build the site into before publishing it.")
@click.option("--remote", default="origin", show_default=True, help="Git remote to push to.")
@click.option("--branch", default="gh-pages", show_default=True, help="Branch that holds the site.")
@click.option("--message", "-m", default=None, help="Commit message (the source commit is appended).")
@click.option("--no-push", is_flag=True, help="Commit to the branch but do not push it.")
def publish_command(source: Path, dest: Path, remote: str, branch: str, message: str | None,
                    no_push: bool) -> None:
    """Build the site, commit it with .nojekyll to the GitHub Pages branch, and push."""
    from generator.publish import PublishOptions, publish

    result = publish(PublishOptions(source=source, dest=dest, remote=remote, branch=branch,
                                    message=message, push=not no_push))
    where = f"pushed to {remote}/{branch}" if result.pushed else f"committed to {branch} (not pushed)"
    click.echo(f"published {result.commit[:7]}: {where}")


@click.command("check")
@SOURCE_OPTION
@click.option("--dest", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="The current build to compare with.")
def check_command(source: Path, dest: Path) -> None:
    """Rebuild every model and figure from scratch and report anything that drifted (exit 1)."""
    from generator.check import print_report
    from generator.config import load_config
    from generator.destination import check_destination

    check_destination(source, dest, load_config(source))
    if not print_report(source, dest):
        sys.exit(1)  # not click's ctx.exit: the CLI runs click with standalone_mode=False


@click.command("freeze")
@SOURCE_OPTION
@click.option("--prune", is_flag=True, help="Also remove frozen results nothing in the blog uses any more.")
@click.option("--refresh", metavar="NAME", multiple=True,
              help="Train this model or draw this figure again and freeze the new result; repeatable.")
@console.QUIET_OPTION
def freeze_command(source: Path, prune: bool, refresh: tuple) -> None:
    """Write every model record, published model and figure the blog uses into SOURCE/_freeze/
    (commit it: builds anywhere then take these results instead of computing them)."""
    from generator.build import freeze_blog
    from generator.frozen import FrozenResults

    freeze_blog(source, prune=prune, refresh=refresh)
    if not console.is_quiet():
        frozen = FrozenResults(source)
        click.echo(f"{frozen.root}: {len(frozen.models.keys())} models and {len(frozen.figures.keys())} figures, "
                   f"{frozen.size() / 1e6:.1f} MB")
