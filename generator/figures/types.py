"""What the figures stage passes around: a figure block's request, what a kind may ask for while
drawing (`DrawContext`), what it draws (`DrawnFigure`), and the contract of a kind (`FigureKind`).
Plain data and a protocol; the modules that make and use them import this one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from generator.errors import FigureError
from generator.figures.layout import DEFAULT_FIGURE_WIDTH
from generator.options import Option

if TYPE_CHECKING:
    import numpy as np

PLACEHOLDER = "<!--layerpress-figure:{}-->"


@dataclass
class FigureRequest:
    source_path: Path
    line: int  # line of the opening fence in the source file
    kind: str
    options: dict  # validated, defaults filled in
    figure_id: str
    model_refs: list[str]
    key_offsets: dict[str, int] = field(default_factory=dict)  # each key's line, counted from the fence's

    def line_of(self, key: str) -> int:
        """The line of one of the block's keys in the source file (the fence's when not known)."""
        return self.line + self.key_offsets.get(key, 0)

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER.format(self.figure_id)

    def error(self, message: str, hint: str | None = None) -> FigureError:
        return FigureError(message, file=self.source_path, line=self.line, hint=hint)


class DrawContext:
    """What a kind's draw() may ask for: trained models, their records, probe files."""

    def __init__(self, store, source: Path, figure_width: int = DEFAULT_FIGURE_WIDTH):
        self.store = store
        self.source = source
        self.figure_width = figure_width  # the text column, CSS px
        self._models: dict[str, object] = {}
        self.notes: list[str] = []  # what was done to the figure's inputs (probes resized, preprocessed)

    def model(self, ref: str):
        if ref not in self._models:
            self._models[ref] = self.store.get(ref)
        return self._models[ref]

    def record(self, ref: str) -> dict:
        return self.store.record(ref)

    def probe(self, path: str) -> Path:
        return self.source / path

    def note(self, text: str) -> None:
        if text and text not in self.notes:
            self.notes.append(text)


@dataclass
class Variant:
    """One drawn image file: for the text column or for phones (`narrow`), in the light or the dark scheme
    (`dark`), moving or a still image of it (`still`); `variant_name` names it."""

    image: bytes
    extension: str  # "png" or "gif"
    size: tuple[int, int]  # (width, height) in image pixels, DENSITY per CSS pixel
    still: Variant | None = None  # of a moving image (a GIF): one representative frame, shown under reduced motion


VARIANT_PARTS = ("narrow", "still", "dark")


def variant_name(*, narrow: bool = False, still: bool = False, dark: bool = False) -> str:
    """`wide`, or the parts that set a variant apart from it, in VARIANT_PARTS order: `narrow-still-dark`."""
    parts = [part for part, on in zip(VARIANT_PARTS, (narrow, still, dark)) if on]
    return "-".join(parts) or "wide"


@dataclass
class DrawnFigure:
    """What a kind draws: image variants (or an HTML table), the arrays behind them, a note, an alt text,
    and how legible the variants are at desktop and phone widths."""

    arrays: dict[str, np.ndarray]
    variants: dict[str, Variant] = field(default_factory=dict)
    table_html: str | None = None
    note: str = ""
    alt: str = ""
    legibility: dict = field(default_factory=dict)
    record: dict = field(default_factory=dict)  # numbers a post may quote: {{ figures.ID.KEY }} (JSON values)


@dataclass
class Indexed:
    """A drawn figure as palette indices (H, W) and its (256, 3) palette, drawn in the light scheme: its entries
    from `greys` to 255 are the greys of ink and paper (255, white, is the paper); its other entries are data.
    The dark rendering is the same indices with those greys remapped (layout.Scheme.grey)."""

    image: np.ndarray
    palette: np.ndarray
    greys: int = 254  # tiling.colormap_palette's: black ink, then white paper


@runtime_checkable
class FigureKind(Protocol):
    """The contract of a figure kind (a module)."""

    KEYS: dict[str, Option]    # its own keys with defaults and help text, besides COMMON_KEYS
    VERSION: int               # bumped when its drawing changes (part of the cache key)

    def draw(self, request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
        """The figure for a validated request; `ctx` gives trained models, records and probe files."""
        ...

