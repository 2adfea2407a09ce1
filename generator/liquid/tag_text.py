"""The text after a one-line tag's name, as plugins' tags take it (`{% gist user/id file.py %}`,
`{% seo title=false %}`, `{% cite key --file refs %}`): Ruby plugins parse it themselves."""

from __future__ import annotations

from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG


def tag_text(stream, name: str):
    """(the tag's token, the text after its name, '' for none), the stream moved past both."""
    token = stream.current
    stream.expect(TOKEN_TAG, value=name)
    if stream.peek.kind != TOKEN_EXPRESSION:
        return token, ""
    next(stream)
    return token, stream.current.value
