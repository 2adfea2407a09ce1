"""What a build is asked to do (`BuildOptions`), and the one rule for what it may compute."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.config import FREEZE_AUTO, Paths


@dataclass
class BuildOptions:
    source: Path = Path("content")
    dest: Path = Path("site")
    drafts: bool = False
    unpublished: bool = False
    future: bool = False
    cache_dir: Path | None = None        # default <source>/.layerpress-cache
    force: bool = False                  # ignore caches (used by `layerpress check`)
    replace: bool = False                # replace a non-empty folder no build wrote (`--force`)
    wait: bool = False                   # wait for another build of the same folders instead of failing
    strict: bool = False                 # warnings are errors (also `strict: true` in _config.yml)
    refresh: tuple = ()                  # models (NAME, NAME:VARIANT) and figure ids to compute again
    freeze: bool = False                 # write what was computed into <source>/_freeze/ (also `freeze: auto`)
    prune: bool = False                  # with freeze: drop frozen results nothing uses
    frozen_only: bool = False            # fail unless every result is frozen (CI: never train there)

    @property
    def paths(self) -> Paths:
        """Source, destination and cache folder: the one place the cache's default is applied."""
        return Paths.of(self.source, self.dest, self.cache_dir)

    # -- what the build may compute: the one rule, asked by every step --

    @property
    def computes_on_purpose(self) -> bool:
        """The build must run the compute step whatever the last build left: it ignores the caches (force),
        computes named results again (refresh), writes the frozen results (freeze, prune) or must prove
        them complete (frozen_only). Such a build takes neither the no-change path nor the stage memo."""
        return bool(self.force or self.refresh or self.freeze or self.prune or self.frozen_only)

    @property
    def reads_frozen(self) -> bool:
        """Frozen results are looked up before the cache, unless the build ignores every stored result."""
        return not self.force

    def writes_frozen(self, config) -> bool:
        """What the build computes goes into the frozen results: `--freeze`, `layerpress freeze`, or
        `freeze: auto` in _config.yml (which freezes what a build computes, and lets a build that computes
        nothing reuse the last one's results)."""
        return self.freeze or config.freeze == FREEZE_AUTO
