"""A probe flattened and put back, correctly and in the usual wrong axis orders."""

from __future__ import annotations

import numpy as np

from generator.datasets.images import load_image
from generator.figures import options as opt
from generator.figures.directive import FigureRequest
from generator.figures.draw import DrawContext
from generator.figures.layout import SMALL
from generator.figures.registry import DrawnFigure, page_figure
from generator.figures.words import FACTS
from generator.figures.tiling import enlarge, flow, label_above, pad_to, stack_vertically, text_lines

VERSION = 3
PANEL = 96  # CSS px per panel at least
# Okabe-Ito blue and vermillion, and a mark that does not need colour
VERDICTS = {"right": ("\u2713 right", (0, 114, 178)), "wrong": ("\u2717 wrong", (213, 94, 0))}
KEYS = opt.named({
    "probe": opt.Key(opt.text, help="The image flattened and put back."),
    "size": opt.Key(opt.int_pair, None, "Resize the probe to [height, width] first."),
    "scale": opt.Key(opt.positive_int, None, "Image pixels per probe pixel; default: fills a panel."),
})


def reshape_panels(image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(title, (H, W, C) array) for the original and each way of putting it back."""
    height, width, channels = image.shape
    flat = image.reshape(-1)
    channels_first = image.transpose(2, 0, 1)
    attempts = [
        ("flat.reshape(H, W, C)", flat.reshape(height, width, channels)),
        ("chw.reshape(H, W, C)", channels_first.reshape(height, width, channels)),
        ("np.rollaxis(chw, 0, 3)", np.rollaxis(channels_first, 0, 3)),
        ("np.rollaxis(chw, 1, 3).reshape(H, W, C)", np.rollaxis(channels_first, 1, 3).reshape(height, width, channels)),
        ("x.transpose(1, 0, 2): H and W swapped", image.transpose(1, 0, 2)),
    ]
    panels = [("original (H, W, C)", image)]
    for title, array in attempts:
        verdict = "right" if np.array_equal(array, image) else "wrong"
        panels.append((f"{title}: {verdict}", array))
    return panels


def draw(request: FigureRequest, ctx: DrawContext) -> DrawnFigure:
    options = request.options
    image = load_image(ctx.probe(options["probe"]), options["size"], "rgb")
    panels = reshape_panels(image)

    def compose(layout):
        gap = layout.px(12)
        per_row = 3 if layout.width_px >= 3 * layout.px(PANEL) + 2 * gap else 2
        side = min((layout.width_px - (per_row - 1) * gap) // per_row, layout.px(2 * PANEL))
        scale = options["scale"] or max(1, side // max(image.shape[:2]))
        layout.saw_map(scale * max(image.shape[:2]))
        drawn = []
        for title, array in panels:
            code, _, verdict = title.rpartition(": ")
            mark = text_lines([VERDICTS[verdict][0]] if verdict in VERDICTS else [""], layout, SMALL,
                              colour=VERDICTS.get(verdict, ("", None))[1])
            drawn.append(label_above(stack_vertically([enlarge(array, scale), mark], gap=layout.px(2)),
                                     code if verdict in VERDICTS else title, layout, SMALL))
        width = max(part.shape[1] for part in drawn)
        return flow([pad_to(part, part.shape[0], width) for part in drawn], min(per_row * (width + gap),
                                                                                 layout.width_px), gap, layout.px(16))

    arrays = {f"panel_{index}": array for index, (_, array) in enumerate(panels)}
    note = "Panels: " + "; ".join(title for title, _ in panels) + "."
    right = [title.rpartition(": ")[0] for title, _ in panels[1:] if title.endswith(": right")]
    wrong = [title.rpartition(": ")[0] for title, _ in panels[1:] if not title.endswith(": right")]
    alt = (f"Probe {options['probe'].rsplit('/', 1)[-1]} flattened and put back in {len(panels) - 1} ways: "
           f"{len(right)} give the image back ({', '.join(right) or 'none'}), {len(wrong)} scramble it "
           f"({', '.join(wrong) or 'none'}).")
    facts = {"counts": {"ways": len(panels) - 1, "attempts": len(panels) - 1, "panels": len(panels)}}
    return page_figure(request, ctx, compose, arrays, note=note, alt=alt, record={FACTS: facts})
