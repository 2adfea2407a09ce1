"""The machine a benchmark ran on: CPU model, core count, vector extensions."""

from __future__ import annotations

import os
import platform
from pathlib import Path

VECTOR_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "amx_tile", "neon", "asimd")


def machine() -> dict:
    model, flags = None, set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = (part.strip() for part in line.partition(":"))
            if key == "model name" and model is None:
                model = value
            elif key in ("flags", "Features"):
                flags = set(value.split())
    except OSError:
        pass
    return {"cpu": model or platform.processor() or platform.machine(), "cores": os.cpu_count(),
            "vector": [flag for flag in VECTOR_FLAGS if flag in flags], "load": os.getloadavg()}


def print_machine() -> None:
    info = machine()
    print(f"machine: {info['cpu']}; {info['cores']} cores; vector extensions: {' '.join(info['vector']) or 'none'}; "
          f"load average {info['load'][0]:.1f}", flush=True)
