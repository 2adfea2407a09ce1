"""`theme: NAME` in _config.yml -> the folder of an installed Jekyll theme gem (or a folder path).

A theme gem is a folder `NAME-VERSION/` with `_layouts/`, `_includes/`, `_sass/` and `assets/`.
The blog's own files win over the theme's: a file at the same relative path in the blog replaces
the theme's (`liquid.environment.template_folders` puts the blog's folders first).
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConfigError

THEME_FOLDERS = ("_layouts", "_includes", "_sass", "assets")
# Where RubyGems installs gems: Debian's packages, `gem install` as root and as a user.
GEM_DIR_PATTERNS = (
    "/usr/share/rubygems-integration/all/gems",
    "/usr/lib/ruby/gems/*/gems",
    "/var/lib/gems/*/gems",
    "/usr/local/lib/ruby/gems/*/gems",
    "~/.gem/ruby/*/gems",
    "~/.local/share/gem/ruby/*/gems",
)


@dataclass(frozen=True)
class Theme:
    name: str
    root: Path

    def folder(self, name: str) -> Path | None:
        """The theme's `_layouts`, `_includes`, `_sass` or `assets` folder, if it has one."""
        path = self.root / name
        return path if path.is_dir() else None


def gem_dirs() -> list[Path]:
    """Every folder gems are installed in: $GEM_HOME and $GEM_PATH first, then the standard ones."""
    given = [os.environ.get("GEM_HOME", "")] + os.environ.get("GEM_PATH", "").split(os.pathsep)
    patterns = [str(Path(p) / "gems") for p in given if p] + list(GEM_DIR_PATTERNS)
    found = []
    for pattern in patterns:
        for match in sorted(glob.glob(os.path.expanduser(pattern))):
            if Path(match).is_dir() and Path(match) not in found:
                found.append(Path(match))
    return found


def version_key(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.-]", version))


def installed_theme(name: str) -> Path | None:
    """The newest installed gem called NAME (`NAME-1.2.3/`), or None."""
    versioned = re.compile(re.escape(name) + r"-(\d[\w.-]*)")
    candidates = []
    for folder in gem_dirs():
        for entry in folder.glob(f"{glob.escape(name)}-*"):
            match = versioned.fullmatch(entry.name)
            if match and entry.is_dir():
                candidates.append((version_key(match[1]), entry))
    return max(candidates)[1] if candidates else None


def find_theme(source: Path, value, *, config_file: Path | None = None, line: int | None = None,
               roots: tuple[Path, ...] | None = None) -> Theme | None:
    """The theme `_config.yml` names (None when it names none): the name of an installed theme gem, or
    a folder path (relative to the blog) that resolves inside one of `roots` (the blog and its shared
    folders; default: the blog)."""
    if value in (None, ""):
        return None
    name = str(value)
    config_file = config_file or Path(source) / "_config.yml"
    folder = Path(source) / os.path.expanduser(name)
    if not ("/" in name or name.startswith(".")):
        gem = installed_theme(name)
        if gem is not None:
            return Theme(name=name, root=gem.resolve())
    if folder.is_dir():
        real = folder.resolve()
        if not any(real.is_relative_to(Path(root).resolve()) for root in roots or (source,)):
            how = "" if Path(name).is_absolute() or ".." in Path(name).parts else " (a symlink leads there)"
            raise ConfigError(f"theme: folder '{name}' is outside the blog folder{how}", file=config_file, line=line,
                              hint="name an installed theme gem, or a folder inside the blog or its "
                                   "layerpress.shared_folders")
        return Theme(name=folder.name, root=real)
    raise ConfigError(f"theme: unknown theme '{name}'", file=config_file,
                      line=line, hint="install it, e.g. apt install jekyll-theme-minima, or give a folder")


def theme_assets(source: Path, theme: Theme | None) -> list[tuple[str, Path]]:
    """The theme's `assets/` files the blog does not override, as (path relative to the site, file)."""
    root = theme.folder("assets") if theme is not None else None
    if root is None:
        return []
    files = []
    for path in sorted(root.rglob("*")):
        relative = "assets/" + path.relative_to(root).as_posix()
        if not path.is_dir() and not (Path(source) / relative).exists():   # a pipe too: reading refuses it
            files.append((relative, path))
    return files


def theme_of(config) -> Theme | None:
    """The theme a loaded `Config` names, checked (`theme:` line in the error); looked up once per
    config (the build, its destination check and its templates all ask)."""
    if "_theme" not in vars(config):
        config._theme = find_theme(config.source, config.theme, config_file=config.file,
                                   line=config.lines.get("theme"), roots=(config.source, *config.shared_folders))
    return config._theme


def theme_inputs(theme: Theme | None) -> list[str]:
    """What the no-change check digests of the theme: its files' sizes and mtimes."""
    if theme is None:
        return []
    from generator.uptodate import digest, file_stats
    return [f"theme {theme.root} {digest(file_stats(theme.root))}"]
