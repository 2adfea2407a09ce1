"""YAML mappings (_config.yml, front matter) parsed together with the line of each top-level key."""

from __future__ import annotations

import yaml

from generator.errors import LayerpressError


# libyaml's parser (about ten times faster than PyYAML's own); its nodes keep their marks (lines).
FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TextDatesLoader(FastSafeLoader):  # type: ignore[valid-type,misc]  # a class chosen at run time
    """SafeLoader that leaves dates as text, so that an impossible date is reported as one."""


TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def load_mapping(text: str, *, file, first_line: int = 1, error=LayerpressError) -> tuple[dict, dict]:
    """Parse `text` as a YAML mapping; return (data, {key: line in file}).

    `first_line` is the file line on which `text` starts, so errors and key lines point
    into the file rather than into the snippet.
    """
    loader = TextDatesLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        reason = getattr(problem, "problem", None) or str(problem)
        raise error(f"malformed YAML: {reason}", file=file, line=line,
                    hint="check the indentation and quote values that contain ': '") from None
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise error("YAML must be a mapping of keys to values", file=file, line=first_line)
    lines = {key.value: first_line + key.start_mark.line for key, _ in node.value}
    return data, lines
