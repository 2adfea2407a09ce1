"""Safe mode (`--safe`, or `safe: true` in _config.yml, as in Jekyll): a build of a blog one does not
trust, such as a pull request's in CI. On top of what every build refuses (files outside the blog,
budgets spent), it refuses

- `layerpress.shared_folders`: nothing outside the blog folder is read, whatever _config.yml allows;
- model files with Python code in them (Keras Lambda layers): Keras loads every `load:` file, cached
  and frozen model in its own safe mode (`ModelStore(safe=True)`).
"""

from __future__ import annotations

from generator.config import Config, section_where


def is_safe(flag: bool, config: Config) -> bool:
    return flag or config.safe


def check_config(config: Config) -> None:
    """The options safe mode refuses, each an error at its key."""
    if config.option("shared_folders"):
        where = section_where(config, "layerpress")
        raise where.fail("'layerpress.shared_folders' lets a build read outside the blog, which safe mode refuses",
                         "shared_folders", hint="remove it, or build without --safe and safe: true")
