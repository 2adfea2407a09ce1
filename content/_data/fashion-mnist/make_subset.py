"""Re-create this folder's Fashion-MNIST files, byte for byte.

    python make_subset.py [SOURCE_DIR]

SOURCE_DIR holds the four original ``*-ubyte.gz`` files: the Debian package
``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``, the default) or
Keras's download cache (``~/.keras/datasets/fashion-mnist``). The test set is
copied unchanged; the training set is cut to its first TRAIN_EXAMPLES images and
labels, written as standard IDX and gzipped with a fixed header (mtime 0, no file
name, level 9), so the output depends only on the input bytes and zlib.
"""
import gzip
import hashlib
import shutil
import struct
import sys
from pathlib import Path

TRAIN_EXAMPLES = 20000
HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/usr/share/datasets/fashion-mnist")
TEST_FILES = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
TRAIN_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]


def first_examples(idx_bytes: bytes, count: int) -> bytes:
    """The IDX file holding only the first `count` items of `idx_bytes`."""
    dims = idx_bytes[3]
    shape = struct.unpack(f">{dims}I", idx_bytes[4 : 4 + 4 * dims])
    if count > shape[0]:
        raise SystemExit(f"asked for {count} examples, the source has {shape[0]}")
    item_size = 1
    for size in shape[1:]:
        item_size *= size
    header_size = 4 + 4 * dims
    header = idx_bytes[:4] + struct.pack(f">{dims}I", count, *shape[1:])
    return header + idx_bytes[header_size : header_size + count * item_size]


def write_gzip(path: Path, data: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
    ) as out:
        out.write(data)


def main(source: Path) -> None:
    for name in TEST_FILES:
        shutil.copyfile(source / name, HERE / name)
    for name in TRAIN_FILES:
        with gzip.open(source / name, "rb") as full:
            write_gzip(HERE / name, first_examples(full.read(), TRAIN_EXAMPLES))
    sums = [
        f"{hashlib.sha256((HERE / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted(TEST_FILES + TRAIN_FILES)
    ]
    (HERE / "SHA256SUMS").write_text("".join(sums))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
