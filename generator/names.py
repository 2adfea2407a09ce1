"""Names no file system takes: a NUL byte, a part of more than 255 bytes, a path of more than 4096.

Python raises ValueError or OSError deep inside `open` or `Path.resolve` for them; checked first,
they are an error at the line that wrote the name instead of a traceback.
"""

from __future__ import annotations

NAME_MAX = 255      # bytes of one file name, on Linux's and macOS's file systems
PATH_MAX = 4096     # bytes of a whole path (Linux)


def name_problem(path: str, *, path_max: int = PATH_MAX) -> str | None:
    """What is wrong with `path` as a file name (None if nothing is), as a phrase after the name."""
    if "\0" in path:
        return "holds a NUL byte"
    longest = max((len(part.encode("utf-8", "surrogatepass")) for part in path.split("/")), default=0)
    if longest > NAME_MAX:
        return f"has a part of {longest} bytes, more than the {NAME_MAX} a file name may have"
    size = len(path.encode("utf-8", "surrogatepass"))
    if size > path_max:
        return f"is {size} bytes long, more than the {path_max} a path may have"
    return None


def shown(path: str, limit: int = 60) -> str:
    """`path` as an error message quotes it: NUL bytes visible, long names cut."""
    text = path.replace("\0", "\\0")
    return text if len(text) <= limit else text[:limit] + "..."
