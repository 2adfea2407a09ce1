"""Where the default blog's shipped data lives, and a plain IDX reader independent of the project's."""

import gzip
import struct
from pathlib import Path

import numpy as np

CONTENT = Path(__file__).resolve().parents[2] / "content"
FASHION = CONTENT / "_data" / "fashion-mnist"
PROBES = CONTENT / "probes"
MODELS = CONTENT / "_models"
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
FASHION_FILES = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                 "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]


def read_idx(path: Path) -> np.ndarray:
    data = gzip.decompress(path.read_bytes())
    assert data[:2] == b"\0\0" and data[2] == 0x08, f"{path.name}: not an unsigned-byte IDX file"
    dims = data[3]
    shape = struct.unpack(f">{dims}I", data[4:4 + 4 * dims])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)
