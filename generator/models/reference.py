"""The model-spec reference page, generated from `generator/models/spec.py`'s declarations so docs and code
cannot disagree.

    python -m generator.models.reference > docs/reference/models.md     (or: make reference)

tests/models/test_reference.py checks that the committed page equals this output.
"""

from __future__ import annotations

import sys

from generator.config_reference import key_table
from generator.models.spec import CHECKPOINT_KEYS, COMPILE_KEYS, FIT_KEYS, PRETRAINED, SOURCES, TOP_KEYS

HEADER = f"""# Model specs: every key of `_models/NAME.yml`

Generated from `generator/models/spec.py` (`TOP_KEYS`, `COMPILE_KEYS`, `FIT_KEYS`, `CHECKPOINT_KEYS`) by
`python -m generator.models.reference` (`make reference`); do not edit by hand. A wrong value stops
the build with one line, `error: _models/NAME.yml:LINE: ... (hint)`. A null value (`key:`) takes the
default. A spec gives its network in exactly one way: {", ".join(f"`{key}`" for key in SOURCES)}
(see "Bring your own model" in docs/writing.md). With `application`, `weights` is
{", ".join(f"`{word}`" for word in PRETRAINED)} or a file; with `layers`, a file. Data-set options
(under `dataset:`) are listed in the README.
"""


def reference() -> str:
    return "\n".join([
        HEADER,
        "## Top-level keys\n\n" + key_table(TOP_KEYS),
        "## `compile:`\n\n" + key_table(COMPILE_KEYS),
        "## `fit:`\n\n" + key_table(FIT_KEYS),
        "## `checkpoint:`\n\n" + key_table(CHECKPOINT_KEYS),
    ])


if __name__ == "__main__":
    sys.stdout.write(reference())
