"""The claim tag in post bodies: a sentence about models that the build checks.

    {% claim models["dense_mlp:rmsprop"].metrics.test_accuracy > models["dense_mlp:sgd"].metrics.test_accuracy %}
    RMSprop reaches {{ models["dense_mlp:rmsprop"].metrics.test_accuracy | percent }}, more than SGD.
    {% endclaim %}

prints the sentence when the condition holds (the same expressions as `{% if %}`, with `and`,
`or`, `not` and parentheses). When it does not (the models were retrained and the prose went
stale), the build stops with `file:line: claim is false: "sentence"`. An empty claim,
`{% claim CONDITION %}{% endclaim %}`, is a silent check. A condition that is not a comparison
(a bare number or text, always "true") is an error, and so is a variable that does not exist.
"""

from __future__ import annotations

from liquid import Markup
from liquid.ast import BlockNode, Node
from liquid.builtin.expressions import BooleanExpression, Path
from liquid.parser import get_parser
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_TAG
from liquid.undefined import Undefined

from generator.errors import ContentError
from generator.liquid.buffer import TextBuffer


class FalseClaim(ContentError):
    """A claim whose condition is false: `file:line: claim is false: "sentence"`."""


class ClaimNode(Node):
    __slots__ = ("condition", "block")

    def __init__(self, token, condition: BooleanExpression, block: BlockNode) -> None:
        super().__init__(token)
        self.condition, self.block = condition, block
        self.blank = False

    def __str__(self) -> str:
        return f"{{% claim {self.condition} %}}{self.block}{{% endclaim %}}"

    def children(self, static_context, *, include_partials=True):
        return [self.block]

    def render_to_output(self, context, buffer) -> int:
        self.require_defined(self.condition, context)
        holds = self.condition.expression.evaluate(context)
        if not isinstance(holds, bool):
            # A claim must compare something: a bare number or text would always be "true".
            problem = ContentError(f"claim needs a comparison as its condition, not {type(holds).__name__} "
                                   f"{holds!r}", hint="write e.g. {% claim models.a.params > 1000 %}")
            problem.liquid_token = self.token
            raise problem
        sentence = TextBuffer()
        self.block.render(context, sentence)  # type: ignore[arg-type]  # python-liquid passes its TextBuffer
        if not holds:
            text = " ".join(Markup(sentence.value()).striptags().split())
            problem = FalseClaim(f'claim is false: "{text}"' if text else "claim is false",
                                 hint="the models changed since this was written: update the sentence or its condition")
            problem.liquid_token = self.token
            raise problem
        return buffer.write(sentence.value())


    def require_defined(self, expression, context) -> None:
        """Every variable of the condition must exist: two misspelt names are both nil, and equal."""
        if isinstance(expression, Path):
            value = expression.evaluate(context)
            if isinstance(value, Undefined):
                problem = ContentError(f"claim: {expression} is undefined", hint="check the spelling of the variable")
                problem.liquid_token = self.token
                raise problem
            return
        for child in expression.children():
            self.require_defined(child, context)


class ClaimTag(Tag):
    """`{% claim CONDITION %}sentence{% endclaim %}`: the sentence when CONDITION holds, else the build stops."""

    name = "claim"
    end = "endclaim"

    def parse(self, stream):
        token = stream.eat(TOKEN_TAG)
        condition = BooleanExpression.parse(self.env, stream.into_inner(tag=token))
        block = get_parser(self.env).parse_block(stream, frozenset((self.end, TOKEN_EOF)))
        stream.expect(TOKEN_TAG, value=self.end)
        return ClaimNode(token, condition, block)
