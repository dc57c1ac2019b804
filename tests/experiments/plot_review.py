"""What a paper's reviewer checks in a figure, as functions the plot tests share: text that
overlaps other text, a legend that hides data, raw paths or snake_case where words belong, round
axes with ticks between whole rounds, file names too long to cite."""

from __future__ import annotations

import itertools
import re

import numpy as np
from matplotlib.text import Text

#: A file name a caption can cite.
MAX_FILE_NAME = 40

RAW_WORDS = re.compile(r"[A-Za-z]+_[A-Za-z]+|[a-z]+\.[a-z_]+\.[a-z_]+")


def _laid_out(figure):  # noqa: ANN001, ANN202 - a matplotlib Figure
    """Lay the figure out (an Agg canvas if it has none) so text boxes are where they print."""
    if not hasattr(figure.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

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
