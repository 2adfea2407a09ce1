"""Ruby plugins: Jekyll runs `_plugins/*.rb`, layerpress cannot, and says so once."""

from __future__ import annotations

from pathlib import Path

from generator.errors import ContentError


def ruby_plugins(source: Path) -> list[ContentError]:
    """One warning for a `_plugins/` folder holding Ruby files, naming the first."""
    folder = source / "_plugins"
    files = sorted(folder.rglob("*.rb")) if folder.is_dir() else []
    if not files:
        return []
    others = f" and {len(files) - 1} more" if len(files) > 1 else ""
    return [ContentError(f"Ruby plugins are not supported: {files[0].name}{others} in _plugins/ will not run",
                         file=files[0], hint="tags and filters they define render as nothing; see "
                         "'Bringing a Jekyll blog over' in docs/writing.md")]
