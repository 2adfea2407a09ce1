"""Clean build of the default blog: every model trained and every figure drawn from an empty cache.

Runs `layerpress build` in a child process with a fresh cache folder and reports its wall
time and peak resident memory (the child's maximum RSS), then one no-change rebuild.
"""

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "content"
BUILD = ("import sys; from pathlib import Path; from generator.build import BuildOptions, build; "
         "build(BuildOptions(source=Path(sys.argv[1]), dest=Path(sys.argv[2]), cache_dir=Path(sys.argv[3]), "
         "quiet=True))")


def timed_build(dest: Path, cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(SOURCE), str(dest), str(cache)], check=True)
    return time.perf_counter() - started


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        dest, cache = Path(folder) / "site", Path(folder) / "cache"
        clean_seconds = timed_build(dest, cache)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rebuild_seconds = timed_build(dest, cache)
    print(f"clean build of the default blog (empty cache, every model trained): {clean_seconds:.1f} s")
    print(f"peak memory of that build: {peak_mib:.0f} MiB (target: under 3 GB)")
    print(f"no-change rebuild right after, as a process: {rebuild_seconds:.2f} s (target: under 1 s)")
