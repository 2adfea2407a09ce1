"""Will a model fit in memory? Its size is counted on shapes alone (Keras's stateless scope creates no
weights), before anything is allocated, and compared with the memory this process may still take:
the machine's available memory, a cgroup's limit (v2 `memory.max`, v1 `memory.limit_in_bytes`) and
`ulimit -v`, whichever is least. A `Dense` of 10^9 units is then an error at its spec line in a
fraction of a second, instead of TensorFlow allocating for a quarter of a minute and failing.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import NamedTuple

FLOAT_BYTES = 4
# Per parameter while training: the weight, its gradient and up to two optimizer slots (Adam's).
TRAINING_COPIES = 4
# Per activation of one example while training: the forward value and its gradient.
ACTIVATION_COPIES = 2
CGROUP = Path("/sys/fs/cgroup")


class Footprint(NamedTuple):
    params: int
    largest_layer: int          # index in the model's layers of the one with most parameters
    activations: int            # floats one example's forward pass produces


def footprint(model) -> Footprint:
    """Parameters and activations of a model whose variables may be unallocated (made in a stateless scope)."""
    counts = [layer.count_params() for layer in model.layers]
    activations = sum(_size(getattr(layer, "output", None)) for layer in model.layers)
    return Footprint(sum(counts), max(range(len(counts)), key=counts.__getitem__, default=0), activations)


def needed_bytes(shape: Footprint, *, batch_size: int, trains: bool) -> int:
    copies, activation_copies = (TRAINING_COPIES, ACTIVATION_COPIES) if trains else (1, 1)
    return FLOAT_BYTES * (shape.params * copies + shape.activations * batch_size * activation_copies)


def available_bytes() -> int | None:
    """What this process may still allocate, as far as the OS says (None if it does not)."""
    candidates = [_mem_available(), _cgroup_room(), _address_space_room()]
    known = [value for value in candidates if value is not None]
    return min(known) if known else None


def _size(tensor) -> int:
    shape = getattr(tensor, "shape", None)
    if not shape:
        return 0
    count = 1
    for dim in list(shape)[1:]:   # the batch dimension aside
        count *= dim or 1
    return count


def _mem_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _cgroup_room() -> int | None:
    """A cgroup's limit less its usage: v2 (`memory.max`) or v1 (`memory/memory.limit_in_bytes`)."""
    for limit_file, usage_file in ((CGROUP / "memory.max", CGROUP / "memory.current"),
                                   (CGROUP / "memory" / "memory.limit_in_bytes",
                                    CGROUP / "memory" / "memory.usage_in_bytes")):
        try:
            limit = limit_file.read_text().strip()
            if limit == "max" or int(limit) >= 2**60:   # v1 writes "no limit" as a huge number
                return None
            return int(limit) - int(usage_file.read_text().strip())
        except (OSError, ValueError):
            continue
    return None


def _address_space_room() -> int | None:
    """`ulimit -v` less the address space taken already."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return soft - int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return soft
