"""What a paper's reviewer checks in a figure, as functions the plot tests share: text that
overlaps other text (by its box, or by the pixels it inks: :func:`clashes`), a legend that hides
data, raw paths or snake_case where words belong, round axes with ticks between whole rounds, file
names too long to cite."""

from __future__ import annotations

import itertools
import re
from unittest import mock

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

#: A file name a caption can cite.
MAX_FILE_NAME = 40

#: An overhang of at most this many pixels is anti-aliasing, not a clash.
SLACK = 1.0
#: A pixel is inked by a text where its alpha exceeds this (of 255): the letters, not their fringe.
INK = 96
#: Two texts that share at most this many inked pixels touch; more, and they overlap.
SHARED = 2

RAW_WORDS = re.compile(r"[A-Za-z]+_[A-Za-z]+|[a-z]+\.[a-z_]+\.[a-z_]+")


def _laid_out(figure):  # noqa: ANN001, ANN202 - a matplotlib Figure
    """Lay the figure out (an Agg canvas if it has none) so text boxes are where they print."""
    if not hasattr(figure.canvas, "get_renderer"):
        FigureCanvasAgg(figure)
    figure.canvas.draw()
    return figure.canvas.get_renderer()


def texts(figure) -> list[Text]:  # noqa: ANN001
    """The visible, non-empty texts of a figure (titles, labels, ticks, legends, annotations)."""
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def overlaps(ax) -> list[tuple[str, str]]:  # noqa: ANN001 - an Axes or a Figure
    """Pairs of visible, non-empty texts of the figure whose drawn boxes overlap."""
    from matplotlib.figure import Figure

    figure = ax if isinstance(ax, Figure) else ax.figure
    renderer = _laid_out(figure)
    boxes = [(t.get_text(), t.get_window_extent(renderer).shrunk(0.98, 0.9)) for t in texts(figure)]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


def legend_hides_data(ax) -> list[tuple[float, float]]:  # noqa: ANN001
    """Data points (lines' vertices, markers, the tops of bars) that fall under the axes' legend,
    in display coordinates; empty when the legend is outside the data or there is none."""
    legend = ax.get_legend()
    if legend is None:
        return []
    _laid_out(ax.figure)
    box = legend.get_window_extent()
    points = []
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), dtype=float).reshape(-1, 2)
        if line.get_transform() == ax.transData and len(xy):
            points.append(ax.transData.transform(xy))
    for collection in ax.collections:
        offsets = np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2)
        if len(offsets):
            points.append(collection.get_offset_transform().transform(offsets))
    for patch in ax.patches:
        extent = patch.get_window_extent()
        if extent.height > 0:
            points.append(np.array([[extent.x0, extent.y1], [extent.x1, extent.y1],
                                    [(extent.x0 + extent.x1) / 2, extent.y1]]))
    if not points:
        return []
    xy = np.vstack(points)
    inside = ((xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0)
              & (xy[:, 1] < box.y1))
    return [tuple(p) for p in xy[inside]]


def raw_words(figure) -> list[str]:  # noqa: ANN001
    """Texts that print a snake_case name or a dotted parameter path instead of words."""
    return [t.get_text() for t in texts(figure) if RAW_WORDS.search(t.get_text())]


def whole_ticks(axis) -> bool:  # noqa: ANN001 - ax.xaxis or ax.yaxis
    """Whether every tick of a round axis is at a whole number."""
    return all(float(v).is_integer() for v in axis.get_ticklocs())


def review(figure) -> dict[str, list]:  # noqa: ANN001
    """Everything a reviewer would send back, by kind; all empty for a figure fit to print."""
    return {
        "overlapping texts": overlaps(figure),
        "legend over data": [p for ax in figure.axes for p in legend_hides_data(ax)],
        "raw names": raw_words(figure),
    }


def drawn_texts(fig) -> tuple[list[Text], object]:
    """The texts a drawing of ``fig`` puts on its canvas (visible, non-empty: not the tick
    labels of an axis turned off or of ticks outside the view), as laid out for the PNG."""
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    drawn: list[Text] = []
    draw = Text.draw

    def record(self, renderer):  # noqa: ANN001 - matplotlib's own signature
        drawn.append(self)
        return draw(self, renderer)

    with mock.patch.object(Text, "draw", record):
        fig.draw(renderer)
    seen, out = set(), []
    for text in drawn:
        if id(text) not in seen and text.get_visible() and text.get_text().strip():
            seen.add(id(text))
            out.append(text)
    return out, renderer


def _ink(text: Text, renderer) -> np.ndarray:  # noqa: ANN001
    """The pixels ``text`` inks when drawn alone where the figure put it."""
    renderer.clear()
    Text.draw(text, renderer)
    return np.asarray(renderer.buffer_rgba())[..., 3] > INK


def clashes(fig) -> list[str]:
    """What is wrong with the text of ``fig``: a text outside it, two texts overlapping (by the
    pixels both ink, so rotated tick labels are judged by their letters, not their boxes)."""
    width, height = fig.bbox.width, fig.bbox.height
    texts, renderer = drawn_texts(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    problems = []
    for text, box in zip(texts, boxes, strict=True):
        if (box.x0 < -SLACK or box.y0 < -SLACK or box.x1 > width + SLACK
                or box.y1 > height + SLACK):
            problems.append(f"{text.get_text()!r} sticks out of the figure ({box.x0:.0f}, "
                            f"{box.y0:.0f}, {box.x1:.0f}, {box.y1:.0f} in {width:.0f}×{height:.0f})")
    ink: dict[int, np.ndarray] = {}  # drawn once per text, only for texts whose boxes meet

    def inked(k: int) -> np.ndarray:
        if k not in ink:
            ink[k] = _ink(texts[k], renderer)
        return ink[k]

    for (i, p), (j, q) in itertools.combinations(enumerate(boxes), 2):
        if min(p.x1, q.x1) - max(p.x0, q.x0) <= 0 or min(p.y1, q.y1) - max(p.y0, q.y0) <= 0:
            continue  # their boxes do not even meet
        a, b = texts[i], texts[j]
        shared = int(np.logical_and(inked(i), inked(j)).sum())
        if shared > SHARED:
            problems.append(f"{a.get_text()!r} overlaps {b.get_text()!r} ({shared} pixels "
                            "inked by both)")
    return problems
