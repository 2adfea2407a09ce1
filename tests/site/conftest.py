"""Small Jekyll blogs written into tmp_path, and a way to build them through the real CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.cli import main


class Blog:
    def __init__(self, root: Path) -> None:
        self.source = root / "blog"
        self.dest = root / "out"
        self.source.mkdir()

    def write(self, relative: str, text: str) -> Path:
        path = self.source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def config(self, text: str) -> Path:
        return self.write("_config.yml", text)

    def read(self, relative: str) -> str:
        return (self.dest / relative).read_text(encoding="utf-8")

    def files(self) -> set[str]:
        return {p.relative_to(self.dest).as_posix() for p in self.dest.rglob("*") if p.is_file()}

    def snapshot(self) -> dict[str, bytes]:
        return {p.relative_to(self.dest).as_posix(): p.read_bytes() for p in self.dest.rglob("*") if p.is_file()}

    def build(self, *flags: str, capsys=None) -> int:
        """Run `layerpress build` in-process; returns the exit status."""
        try:
            main(["build", "--source", str(self.source), "--dest", str(self.dest), "--quiet", *flags])
        except SystemExit as stop:
            return stop.code
        return 0


@pytest.fixture
def blog(tmp_path, monkeypatch) -> Blog:
    monkeypatch.chdir(tmp_path)
    return Blog(tmp_path)
