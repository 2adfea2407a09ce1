"""What a data-set source loads: `Arrays` (a type, for annotations only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is deferred (generator/lazy.py): no attribute of it at import time
    import numpy as np

    # (x_train, y_train, x_test, y_test, class names): x uint8 (N, H, W, C), y int labels
    Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]
