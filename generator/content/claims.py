"""`claim()` in post bodies: a sentence about a model that the build checks.

    {{ claim(models["dense_mlp:rmsprop"].metrics.test_accuracy
             > models["dense_mlp:sgd"].metrics.test_accuracy, "RMSprop beats SGD") }}

prints "RMSprop beats SGD" when the condition holds. When it does not (the models were
retrained and the prose went stale), the build stops with the claim's `file:line`.
The sentence can also hold quoted numbers, as a call block:

    {% call claim(a > b) %}RMSprop reaches {{ a | percent }}, SGD {{ b | percent }}{% endcall %}

`claim(condition)` alone prints nothing: a check next to prose that states it.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup


class FalseClaim(jinja2.TemplateRuntimeError):
    """A claim whose condition is false; render_body turns it into `file:line: claim is false`."""

    def __init__(self, text: str):
        super().__init__(f"claim is false: {text!r}" if text else "claim is false")
        self.text = text


def claim(condition, text: str = "", *, caller=None) -> str:
    """`text` (or the call block's rendered body) when `condition` is true; raises FalseClaim otherwise."""
    if caller is not None:
        text = caller()
    if not isinstance(condition, bool):
        # A claim must compare something: a bare number or string would always be "true".
        raise jinja2.TemplateRuntimeError(
            f"claim() needs a comparison as its condition, not {type(condition).__name__} {condition!r}")
    if not condition:
        raise FalseClaim(" ".join(Markup(str(text)).striptags().split()))
    return text
