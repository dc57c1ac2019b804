"""Plots of a sensitivity study: thin functions over its tidy tables, each returning its Axes.

The tables come from :mod:`.indices` (``indices.csv`` and ``tornado.csv`` of a study); each plot
draws on the ``ax`` it is given (or a new figure's) and never shows or saves.
:func:`plot_tornado` shows one-at-a-time swings, :func:`plot_sobol` S1 and ST with confidence
intervals (Saltelli et al. 2010) and :func:`plot_morris` μ* against σ (Morris 1991, Campolongo et
al. 2007).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    each point named, the names moved apart where they would overlap (:func:`declutter`)."""
    labels = labels or PLAIN
    ax = axes_or_new(ax, width=8.0)
    rows = indices[(indices["method"] == "morris") & (indices["outcome"] == outcome)]
    wide = rows.pivot_table(index="parameter", columns="index", values="value", sort=False)
    conf = rows[rows["index"] == "mu_star"].set_index("parameter")["conf"].reindex(wide.index)
    ax.errorbar(wide["mu_star"], wide["sigma"], xerr=conf, fmt="o", capsize=3)
    texts = [
        ax.annotate(parameter_label(str(name), labels), (row["mu_star"], row["sigma"]),
                    fontsize=8, xytext=(5, 4), textcoords="offset points")
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
    declutter(ax, texts)
    return ax


def declutter(ax: Axes, texts: list[Text], pad: float = 2.0, rounds: int = 50) -> None:
    """Move point labels apart until no two overlap: a label that meets one placed before it
    goes up by the overlap (in points), lowest points first."""
    if len(texts) < 2:
        return
    figure = ax.figure
    if not hasattr(figure.canvas, "get_renderer"):  # a bare Figure: measure text with Agg
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(figure)
    figure.draw_without_rendering()  # settle the layout first: the labels move in its final frame
    renderer = figure.canvas.get_renderer()
    to_points = 72.0 / figure.dpi
    order = sorted(texts, key=lambda t: (t.xy[1], t.xy[0]))
    for _ in range(rounds):
        moved = False
        boxes = []
        for text in order:
            box = text.get_window_extent(renderer)
            for other in boxes:
                if box.overlaps(other):
                    dy = (other.y1 - box.y0) * to_points + pad
                    x, y = text.get_position()
                    text.set_position((x, y + dy))
                    box = text.get_window_extent(renderer)
                    moved = True
            boxes.append(box)
        if not moved:
            return
