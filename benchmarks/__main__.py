"""Run every benchmarks/bench_*.py module's `run()` in turn (or only those named on the command line)."""

import importlib
import pkgutil
import sys

import benchmarks
from benchmarks.machine import print_machine


def main(selected: list[str]) -> None:
    print_machine()
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    for name in names:
        if selected and name.removeprefix("bench_") not in selected and name not in selected:
            continue
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
