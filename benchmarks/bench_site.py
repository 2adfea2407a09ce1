"""No-change rebuild of the default blog: median wall time of several full `layerpress build` runs."""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.build import BuildOptions, build

RUNS = 7
SOURCE = Path(__file__).resolve().parent.parent / "content"


HEAVY_CHECK = ("import sys; from pathlib import Path; from generator.build import BuildOptions, build; "
               "build(BuildOptions(source=Path(sys.argv[1]), dest=Path(sys.argv[2]))); "
               "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'matplotlib'})))")


def heavy_imports_of_a_no_change_build(options: BuildOptions) -> str:
    """Which of TensorFlow, Keras, matplotlib a fresh process imports for a no-change build."""
    return subprocess.run([sys.executable, "-c", HEAVY_CHECK, str(options.source), str(options.dest)],
                          check=True, capture_output=True, text=True).stdout.strip()


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        options = BuildOptions(source=SOURCE, dest=Path(folder) / "site")
        build(options)                      # first build: caches warm, later builds change nothing
        seconds = []
        for _ in range(RUNS):
            started = time.perf_counter()
            result = build(options)
            seconds.append(time.perf_counter() - started)
        command = [sys.executable, "-m", "generator", "build", "--source", str(SOURCE),
                   "--dest", str(options.dest), "--quiet"]
        process_seconds = []
        for _ in range(RUNS):
            started = time.perf_counter()
            subprocess.run(command, check=True)
            process_seconds.append(time.perf_counter() - started)
        heavy = heavy_imports_of_a_no_change_build(options)
    print(f"no-change rebuild of the default blog ({result.pages_written} pages): "
          f"median {statistics.median(seconds) * 1000:.1f} ms over {RUNS} runs "
          f"(min {min(seconds) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms)")
    print(f"the same as a `layerpress build` process (Python start-up included): "
          f"median {statistics.median(process_seconds) * 1000:.1f} ms over {RUNS} runs")
    print(f"heavy libraries imported: {heavy or 'none'}")
