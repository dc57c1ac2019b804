"""Plots of a sensitivity study: thin functions over its tidy tables, each returning its Axes.

The tables come from :mod:`.indices` (``indices.csv`` and ``tornado.csv`` of a study); each plot
draws on the ``ax`` it is given (or a new figure's) and never shows or saves.
:func:`plot_tornado` shows one-at-a-time swings, :func:`plot_sobol` S1 and ST with confidence
intervals (Saltelli et al. 2010) and :func:`plot_morris` μ* against σ (Morris 1991, Campolongo et
al. 2007).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.transforms import Bbox

from bargaining_chips.experiments.labels import Labels
from bargaining_chips.experiments.sweep.plots import PLAIN, axes_or_new, parameter_label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.text import Text


def plot_tornado(table: pd.DataFrame, outcome: str, ax: Axes | None = None,
                 labels: Labels | None = None) -> Axes:
    """One-at-a-time swings of ``outcome`` (rows of a tornado table), widest at the top: each
    parameter's bar runs from the baseline to the lowest and to the highest mean it reached, with
    both ends written at the bar's tips."""
    labels = labels or PLAIN
    rows = table[table["outcome"] == outcome].sort_values("swing", kind="stable")
    ax = axes_or_new(ax, width=8.0)
    baseline = float(rows["baseline"].iloc[0]) if len(rows) else 0.0
    y = np.arange(len(rows))
    low, high = rows["low"].to_numpy(float), rows["high"].to_numpy(float)
    ax.barh(y, high - baseline, left=baseline, color="tab:blue", label="highest mean (above)")
    ax.barh(y, low - baseline, left=baseline, color="tab:orange", label="lowest mean (below)")
    ax.axvline(baseline, color="black", linewidth=1)
    span = max(float(np.nanmax(high)) - float(np.nanmin(low)), 1e-9) if len(rows) else 1.0
    for yi, lo, hi in zip(y, low, high, strict=True):
        ax.text(lo - 0.01 * span, yi, f"{lo:.3g}", ha="right", va="center", fontsize=8)
        ax.text(hi + 0.01 * span, yi, f"{hi:.3g}", ha="left", va="center", fontsize=8)
    if len(rows):
        ax.set_xlim(float(np.nanmin(low)) - 0.15 * span, float(np.nanmax(high)) + 0.15 * span)
    ax.set_yticks(y, [parameter_label(p, labels) for p in rows["parameter"]])
    name = labels.mean(outcome)
    ax.set_xlabel(f"{name} (baseline {baseline:.3g})")
    ax.set_title(f"One at a time: {name}")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_sobol(indices: pd.DataFrame, outcome: str, ax: Axes | None = None,
               labels: Labels | None = None) -> Axes:
    """First-order (S1) and total (ST) Sobol' indices with their confidence intervals, one row
    per parameter (labels on the y axis, where long names do not collide)."""
    labels = labels or PLAIN
    rows = indices[(indices["method"] == "sobol") & (indices["outcome"] == outcome)]
    params = list(dict.fromkeys(rows[rows["index"] == "S1"]["parameter"]))
    ax = axes_or_new(ax, width=8.0)
    y = np.arange(len(params))[::-1]
    for offset, name in ((0.2, "S1"), (-0.2, "ST")):
        part = rows[rows["index"] == name].set_index("parameter").reindex(params)
        ax.barh(y + offset, part["value"], height=0.4, xerr=part["conf"], capsize=3,
                label={"S1": "first order S1", "ST": "total ST"}[name])
    ax.set_yticks(y, [parameter_label(p, labels) for p in params])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Sobol' index (share of the outcome's variance)")
    ax.set_title(f"Sobol' indices: {labels.outcome(outcome)}")
    ax.legend(loc="best")
    return ax


def plot_morris(indices: pd.DataFrame, outcome: str, ax: Axes | None = None,
                labels: Labels | None = None) -> Axes:
    """Morris screening: μ* (mean absolute elementary effect) against σ, with μ*'s interval;
    each point named beside it where a name fits clear of the other names and points, else
    above them with a thin line leading back to its point (:func:`place_labels`)."""
    labels = labels or PLAIN
    ax = axes_or_new(ax, width=8.0)
    rows = indices[(indices["method"] == "morris") & (indices["outcome"] == outcome)]
    wide = rows.pivot_table(index="parameter", columns="index", values="value", sort=False)
    conf = rows[rows["index"] == "mu_star"].set_index("parameter")["conf"].reindex(wide.index)
    ax.errorbar(wide["mu_star"], wide["sigma"], xerr=conf, fmt="o", capsize=3)
    texts = [
        ax.annotate(parameter_label(str(name), labels), (row["mu_star"], row["sigma"]),
                    fontsize=8, xytext=BESIDE[0][:2], textcoords="offset points")
        for name, row in wide.iterrows()
    ]
    top = float(np.nanmax(wide[["mu_star", "sigma"]].to_numpy())) if len(wide) else 1.0
    ax.plot([0, top], [0, top], color="grey", linestyle=":", label="σ = μ*")
    ax.set_xlim(left=0, right=top * 1.35 if top > 0 else 1.0)
    ax.set_ylim(bottom=0, top=top * 1.15 if top > 0 else 1.0)
    ax.set_xlabel("μ* (mean |elementary effect|)")
    ax.set_ylabel("σ (interaction / non-linearity)")
    ax.set_title(f"Morris screening: {labels.outcome(outcome)}")
    ax.legend(loc="upper left")
    place_labels(ax, texts)
    return ax


#: Where a point's name may go, in points from the point, in order of preference, with its
#: horizontal alignment: up and to the right, down and to the right, up and to the left, down
#: and to the left of its marker.
BESIDE = ((5.0, 4.0, "left"), (5.0, -11.0, "left"), (-5.0, 4.0, "right"), (-5.0, -11.0, "right"))
#: The half-width of a point's marker, in points (errorbar's "o", 6 points across).
MARKER_RADIUS = 3.0


def place_labels(ax: Axes, texts: list[Text], pad: float = 2.0) -> None:
    """Name each point (``texts``: annotations of their points), those with most room around them
    first, at the first place of :data:`BESIDE` where the name meets no name placed before it, no
    other point's marker and no edge of the axes; where none is free, above its point, clear of
    every name and marker, with a thin grey line leading back to the point."""
    if not texts:
        return
    figure = ax.figure
    if not hasattr(figure.canvas, "get_renderer"):  # a bare Figure: measure text with Agg
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(figure)
    figure.draw_without_rendering()  # settle the layout first: the labels move in its final frame
    renderer = figure.canvas.get_renderer()
    to_points = 72.0 / figure.dpi
    radius = (MARKER_RADIUS + pad / 2) / to_points  # in pixels, with a margin
    frame = ax.get_window_extent(renderer)
    centres = [ax.transData.transform(t.xy) for t in texts]
    markers = [Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)
               for x, y in centres]
    placed: list[Bbox] = []

    def room(k: int) -> float:  # how far the nearest other point is, in pixels
        x, y = centres[k]
        return min((math.hypot(x - u, y - v) for j, (u, v) in enumerate(centres) if j != k),
                   default=math.inf)

    # the points with most room first: their names take the places beside them, and the names
    # of a crowd, placed last, go where the room is left
    order = sorted(range(len(texts)), key=lambda k: (-room(k), texts[k].xy[1], texts[k].xy[0]))

    def free(box: Bbox, k: int) -> bool:
        inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
                  and box.y1 <= frame.y1)
        return inside and not any(box.overlaps(b) for b in placed) and not any(
            box.overlaps(m) for j, m in enumerate(markers) if j != k)

    for k in order:
        text = texts[k]
        for dx, dy, ha in BESIDE:
            text.set_position((dx, dy))
            text.set_horizontalalignment(ha)
            box = text.get_window_extent(renderer)
            if free(box, k):
                break
        else:  # up from its first place until clear, then a line back to its point
            dx, dy, ha = BESIDE[0]
            text.set_horizontalalignment(ha)
            for _ in range(200):
                text.set_position((dx, dy))
                box = text.get_window_extent(renderer)
                clash = [b for b in [*placed, *(m for j, m in enumerate(markers) if j != k)]
                         if box.overlaps(b)]
                if not clash:
                    break
                dy += (max(b.y1 for b in clash) - box.y0) * to_points + pad
            ax.annotate("", text.xy, xytext=(dx, dy), textcoords="offset points",
                        arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.6,
                                    "shrinkA": 0, "shrinkB": MARKER_RADIUS})
        placed.append(box)
