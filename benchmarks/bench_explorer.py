"""Explorer data of the default blog: bytes per model against the 2 MB budget (issue 14).

Builds the default blog with its own cache (content/.layerpress-cache, trained on first use)
into a temporary folder and measures each site/explore/NAME/ folder: the page, index.json,
the probe images and the 8-bit layer files, raw and gzip-compressed (what a host sending
gzip transfers).
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from generator.build import BuildOptions, build

SOURCE = Path(__file__).resolve().parent.parent / "content"
BUDGET = 2_000_000


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        dest = Path(folder) / "site"
        build(BuildOptions(source=SOURCE, dest=dest))
        for model in sorted(p for p in (dest / "explore").iterdir() if p.is_dir()):
            files = [p for p in model.rglob("*") if p.is_file()]
            raw = sum(p.stat().st_size for p in files)
            packed = sum(len(gzip.compress(p.read_bytes(), mtime=0)) for p in files)
            largest = max((p for p in files if p.suffix == ".bin"), key=lambda p: p.stat().st_size, default=None)
            largest_text = f", largest layer file {largest.relative_to(model)} {largest.stat().st_size / 1e3:.1f} kB" \
                if largest else ""
            verdict = "within" if raw <= BUDGET else "OVER"
            print(f"explorer {model.name}: {raw / 1e6:.3f} MB in {len(files)} files ({packed / 1e6:.3f} MB gzipped)"
                  f"{largest_text}; {verdict} the {BUDGET / 1e6:.0f} MB budget")
