"""Train/validation carving and the check that no example sits in two splits."""

from __future__ import annotations

import hashlib

import numpy as np

from generator.errors import DataError


def carve(x: np.ndarray, y: np.ndarray, fraction: float, seed: int | list[int]):
    """(x_train, y_train, x_rest, y_rest): a seeded permutation, the last `fraction` held out.

    Both parts keep the original order of the examples.
    """
    order = np.random.default_rng(seed).permutation(len(x))
    held_out = int(round(len(x) * fraction))
    keep, rest = np.sort(order[: len(x) - held_out]), np.sort(order[len(x) - held_out:])
    return x[keep], y[keep], x[rest], y[rest]


def check_disjoint(splits: dict[str, np.ndarray]) -> None:
    """Raise DataError when the same image (same uint8 bytes) appears in two different splits."""
    first_seen: dict[bytes, tuple[str, int]] = {}
    leaks = []
    for split, images in splits.items():
        for index, image in enumerate(images):
            key = hashlib.blake2b(image.tobytes(), digest_size=16).digest()
            seen = first_seen.setdefault(key, (split, index))
            if seen[0] != split:
                leaks.append((seen, (split, index)))
    if leaks:
        (split_a, index_a), (split_b, index_b) = leaks[0]
        raise DataError(
            f"{len(leaks)} example(s) appear in two splits, e.g. {split_a}[{index_a}] = {split_b}[{index_b}]",
            hint="the splits must be disjoint: test on held-out data, not on a slice of the training set")
