"""Write the site into a fresh folder and swap it into place only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.config import CACHE_DIR_NAME
from generator.errors import OutputError, display_path


@dataclass
class Item:
    source: Path | str          # who asked for this path (shown when two items collide)
    data: bytes | None = None
    file: Path | None = None
    link: bool = False          # hard-link `file` (immutable cache entries) instead of copying


class SiteWriter:
    """Collects every output first; `commit()` writes them all and swaps the folder in."""

    def __init__(self, dest: Path) -> None:
        self.dest = Path(dest).absolute()
        self.items: dict[str, Item] = {}

    def add_text(self, path: str, text: str, source) -> None:
        self._add(path, Item(source, data=text.encode("utf-8")))

    def add_file(self, path: str, file: Path, source, *, link: bool = False) -> None:
        self._add(path, Item(source, file=Path(file), link=link))

    def has(self, path: str) -> bool:
        return self._key(path, None) in self.items

    def _key(self, path: str, source) -> str:
        target = (self.dest / path.lstrip("/")).resolve(strict=False)
        root = self.dest.resolve(strict=False)
        if not target.is_relative_to(root) or target == root:
            raise OutputError(f"output path '{path}' is outside the site folder",
                              file=source, hint="check its permalink, slug and file name")
        return target.relative_to(root).as_posix()

    def _add(self, path: str, item: Item) -> None:
        key = self._key(path, item.source)
        if key in self.items:
            raise OutputError(f"'{key}' is written by both {describe(self.items[key].source)} and {describe(item.source)}",
                              file=item.source, hint="give one of them another permalink")
        self.items[key] = item

    def commit(self) -> int:
        """Write everything into a temporary sibling of `dest`, then rename it into place."""
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.dest.name}-", dir=self.dest.parent))
        try:
            for key in sorted(self.items):
                write_item(staging / key, self.items[key])
            swap_in(staging, self.dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return len(self.items)


def describe(source: Path | str) -> str:
    return display_path(source) if isinstance(source, Path) else source


def write_item(target: Path, item: Item) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if item.data is not None:
        target.write_bytes(item.data)
    elif item.link:
        try:
            os.link(item.file, target)
        except OSError:
            shutil.copyfile(item.file, target)
    else:
        shutil.copyfile(item.file, target)


def swap_in(staging: Path, dest: Path) -> None:
    """Replace `dest` by `staging`: the old folder is moved aside, never edited in place."""
    os.chmod(staging, 0o755)
    if not dest.exists():
        staging.rename(dest)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{dest.name}-old-", dir=dest.parent))
    dest.rename(retired / dest.name)
    try:
        staging.rename(dest)
    except BaseException:
        (retired / dest.name).rename(dest)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def remove_outputs(source: Path, dest: Path) -> list[Path]:
    """`layerpress clean`: the site folder and the build cache, never the sources."""
    source, dest = Path(source), Path(dest)
    if source.resolve().is_relative_to(dest.resolve()) or Path.cwd().resolve().is_relative_to(dest.resolve()):
        raise OutputError(f"refusing to remove '{dest}': it holds the sources or the working folder",
                          hint="pass --dest with the site folder")
    removed = []
    for folder in (dest, source / CACHE_DIR_NAME):
        if folder.exists():
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
