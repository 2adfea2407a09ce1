"""`layerpress publish`: build, commit the site to the gh-pages branch with ghp-import, push.

As `mkdocs gh-deploy` does: the branch gets one commit per publish holding exactly the
built site plus `.nojekyll` (so GitHub Pages serves it as-is), and the commit message
names the source commit it was built from.
"""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from generator import __version__
from generator.buildlock import build_lock
from generator.errors import LayerpressError, OutputError, PublishError, did_you_mean


@dataclass
class PublishOptions:
    source: Path = Path("content")
    dest: Path = Path("site")
    remote: str = "origin"
    branch: str = "gh-pages"
    message: str | None = None
    push: bool = True


@dataclass
class PublishResult:
    branch: str
    commit: str                          # full hash of the new commit on the branch
    message: str
    pushed: bool


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def repository_root(source: Path) -> Path:
    """The top folder of the git working tree that holds `source`."""
    if not Path(source).is_dir():
        raise PublishError(f"source folder '{source}' does not exist",
                           hint="pass --source with the folder holding _config.yml and _posts/")
    found = git(source, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise PublishError(f"'{source}' is not inside a git repository, nothing to publish to",
                           hint="run `git init` and add a remote, or work in a clone of the blog's repository")
    return Path(found.stdout.strip())


def source_revision(repo: Path, ignored: list[Path]) -> str:
    """HEAD's short hash, with '+dirty' when the tree has changes (outside the build's own output)."""
    head = git(repo, "rev-parse", "--short", "HEAD")
    if head.returncode != 0:
        raise PublishError(f"the repository at '{repo}' has no commit yet",
                           hint="commit the blog's sources first, so the site can name what it was built from")
    excludes = [f":(exclude){path.resolve()}" for path in ignored if path.resolve().is_relative_to(repo.resolve())]
    status = git(repo, "status", "--porcelain", "--", ".", *excludes)
    return head.stdout.strip() + ("+dirty" if status.stdout.strip() else "")


def commit_message(given: str | None, revision: str) -> str:
    stamp = f"Built from {revision} with layerpress {__version__}"
    return f"{given}\n\n{stamp}" if given else stamp


def check_remote(repo: Path, remote: str) -> None:
    if git(repo, "remote", "get-url", remote).returncode != 0:
        remotes = git(repo, "remote").stdout.split()
        hint = did_you_mean(remote, remotes) or f"add it with `git remote add {remote} URL`, or pass --no-push"
        raise PublishError(f"the repository has no remote named '{remote}'", hint=hint)


@contextmanager
def working_directory(path: Path):
    """ghp-import runs git in the current directory."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def commit_site(repo: Path, site: Path, options: PublishOptions, message: str) -> str:
    from ghp_import import GhpError, ghp_import

    if options.push:  # start from the published branch, also when it was pushed from another clone
        git(repo, "fetch", "--quiet", options.remote, options.branch)
    # ghp-import starts from the remote's branch when there is one, else from the local one
    before = ref_commit(repo, f"refs/remotes/{options.remote}/{options.branch}") \
        or ref_commit(repo, f"refs/heads/{options.branch}")
    try:
        with working_directory(repo):
            ghp_import(str(site.resolve()), mesg=message, remote=options.remote, branch=options.branch,
                       nojekyll=True, push=options.push)
    except GhpError as error:
        raise PublishError(f"ghp-import failed: {error.message}") from None
    except subprocess.CalledProcessError:
        raise PublishError(f"pushing '{options.branch}' to '{options.remote}' failed (git's message is above)",
                           hint="check the remote's URL and your rights, or pass --no-push") from None
    after = ref_commit(repo, f"refs/heads/{options.branch}")
    if after is None or after == before:
        raise PublishError(f"ghp-import did not commit to '{options.branch}' (git's message is above)")
    return after


def ref_commit(repo: Path, ref: str) -> str | None:
    found = git(repo, "rev-parse", "--verify", "--quiet", ref)
    return found.stdout.strip() if found.returncode == 0 else None


def publish(options: PublishOptions) -> PublishResult:
    from generator.build import BuildOptions, build
    from generator.config import Paths

    # Paths as the user meant them, from the working folder (ghp-import runs in the repository's).
    options = replace(options, source=Path(options.source).absolute(), dest=Path(options.dest).absolute())
    repo = repository_root(options.source)
    cache = Paths.of(options.source).cache_dir
    revision = source_revision(repo, [Path(options.dest), cache])
    if options.push:
        check_remote(repo, options.remote)
    with build_lock(options.source, options.dest):  # nothing swaps the site while ghp-import reads it
        try:
            build(BuildOptions(source=options.source, dest=options.dest))
        except OutputError:
            raise  # a refused destination: the message says it all
        except LayerpressError as error:
            raise PublishError(f"the build failed, nothing published: {error.message}",
                               file=error.file, line=error.line, hint=error.hint) from None
        message = commit_message(options.message, revision)
        commit = commit_site(repo, Path(options.dest), options, message)
    return PublishResult(branch=options.branch, commit=commit, message=message, pushed=options.push)

