"""Where the built-in theme's templates and assets are (`THEME_DIR`)."""

from __future__ import annotations

from pathlib import Path

# A source checkout has the theme in templates/; an installed wheel ships it as generator/theme.
_CHECKOUT_THEME = Path(__file__).resolve().parent.parent / "templates"
THEME_DIR = _CHECKOUT_THEME if _CHECKOUT_THEME.is_dir() else Path(__file__).resolve().parent / "theme"
