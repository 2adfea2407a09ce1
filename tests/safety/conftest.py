"""The safety corpus: small real blogs in tmp_path, run through the real CLI, with the whole
folder tree hashed before and after so that a refused command provably touched nothing."""

from __future__ import annotations

import hashlib
import os
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

GOOD_POST = "---\ntitle: Good\n---\nFine.\n"
CACHE = ".layerpress-cache"
# A file outside the blog that no build may publish: every hostile case searches the site for it.
CANARY_SECRET = "canary-5f1d-do-not-publish"


@dataclass
class Run:
    status: int
    out: str
    err: str
    seconds: float = 0.0


def tree_hash(folder: Path, *, skip: tuple[str, ...] = (CACHE,)) -> dict[str, str]:
    """Every entry below `folder`: files by content hash, symlinks by target, folders by name, pipes
    and other special files by kind (symlinks are not followed, so a hash cannot wander out of the
    tree; a pipe is never opened, so the hash cannot hang)."""
    entries = {}
    if not folder.exists():
        return entries
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in skip for part in relative.parts):
            continue
        if path.is_symlink():
            entries[relative.as_posix()] = "link:" + os.readlink(path)
        elif path.is_dir():
            entries[relative.as_posix()] = "dir"
        elif not path.is_file():
            entries[relative.as_posix()] = "special"
        else:
            entries[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return entries


class Blog:
    """tmp_path/blog (sources), tmp_path/out (the site), tmp_path/users/me ($HOME), and
    tmp_path/outside/secret.txt (the canary: CANARY_SECRET, never to reach the site); cwd is tmp_path."""

    def __init__(self, root: Path, capsys) -> None:
        self.root = root
        self.source = root / "blog"
        self.dest = root / "out"
        self.home = root / "users" / "me"
        self.capsys = capsys
        self.source.mkdir()
        self.home.mkdir(parents=True)
        (self.home / "notes.txt").write_text("the user's own file\n")
        self.canary = root / "outside" / "secret.txt"
        self.canary.parent.mkdir()
        self.canary.write_text(f"{CANARY_SECRET}\n")
        self.write("_config.yml", "title: Safety\n")
        self.write("_posts/2020-01-01-good.md", GOOD_POST)

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def post(self, body: str, name: str = "2020-01-02-hostile.md") -> Path:
        return self.write(f"_posts/{name}", "---\ntitle: Hostile\n---\n" + textwrap.dedent(body).lstrip("\n"))

    def run(self, *args: str) -> Run:
        self.capsys.readouterr()
        start = time.monotonic()
        try:
            main(list(args))
            status = 0
        except SystemExit as stop:
            status = stop.code
        captured = self.capsys.readouterr()
        return Run(status, captured.out, captured.err, time.monotonic() - start)

    def build(self, *flags: str, dest: Path | str | None = None) -> Run:
        return self.run("build", "--source", str(self.source), "--dest", str(dest or self.dest), "--quiet", *flags)

    def everything(self, *, with_cache: bool = False) -> dict[str, str]:
        """The tree hash of the whole tmp_path (sources, site, home, anything else), cache aside."""
        tree = tree_hash(self.root, skip=() if with_cache else (CACHE,))
        # Keras and matplotlib keep their own caches in $HOME (~/.keras, ~/.cache/matplotlib): not the user's files
        return {path: value for path, value in tree.items() if not path.startswith("users/me/.")}

    def refuses(self, run: Run, message: str, before: dict[str, str], *, seconds: float = 30) -> None:
        """Exit status 1, one `error:` line holding `message`, nothing on stdout, nothing changed
        (so the previous site is intact), no secret published, within `seconds`."""
        assert run.status == 1, run
        assert run.err.startswith("error: ") and run.err.count("\n") == 1, run.err
        assert message in run.err, run.err
        assert run.out == ""
        assert self.everything() == before
        self.publishes_no_secret()
        assert run.seconds < seconds, f"took {run.seconds:.1f} s"

    def publishes_no_secret(self) -> None:
        """No file of the site (nor of the cache, which CI jobs upload too) holds the canary's secret."""
        for folder in (self.dest, self.source / CACHE):
            for path in folder.rglob("*") if folder.exists() else ():
                if path.is_file() and not path.is_symlink():
                    assert CANARY_SECRET.encode() not in path.read_bytes(), f"{path} holds the canary's secret"


@pytest.fixture
def blog(tmp_path, monkeypatch, capsys) -> Blog:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "users" / "me"))  # `~` is a folder of the test, never the real one
    made = Blog(tmp_path, capsys)
    assert made.build().status == 0
    return made


def png_bytes(mode: str = "RGB", size=(6, 4), color=None, **save) -> bytes:
    import io

    from PIL import Image

    image = Image.new(mode, size, color if color is not None else (0 if mode in ("L", "1", "P", "I", "I;16") else
                                                                  tuple(range(50, 50 + len(mode) * 40, 40))))
    buffer = io.BytesIO()
    image.save(buffer, format=save.pop("format", "PNG"), **save)
    return buffer.getvalue()
