"""The dashboard's drawings: thin functions over the data of :mod:`viz.panels`, sized for a projector.

Each ``draw_*`` draws on the Axes it is given and returns it; nothing is shown or saved here. The
dance and the utility space are the report's own plots (:mod:`experiments.report.plots`) with larger type
and a fixed frame (the whole calendar on the dance's x axis, the unit square for utilities), so the
picture does not rescale from one round to the next. :func:`new_figure` makes figures without
pyplot, so no global figure state builds up in a long-running server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from bargaining_chips.experiments.report import plots

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from bargaining_chips.viz.panels import CoalitionNetwork

#: Figure size (inches at 100 dpi) of one dashboard panel: one tile of Mesa's grid at 1280x720,
#: so the image is shown pixel for pixel, unscaled.
PANEL_SIZE = (4.1, 3.8)
#: The most rounds the dance labels on its axis: at 10 pt, rotated, so many fit side by side.
MAX_TICKS = 12
#: The height of one row of the dance's key, as a fraction of the panel's (8 pt text, spaced).
LEGEND_ROW = 0.042
#: The network figure leaves room under it for the list of coalition members.
NETWORK_SIZE = (4.1, 2.55)


def new_figure(size: tuple[float, float] = PANEL_SIZE, scale: float = 1.0) -> Figure:
    """A matplotlib Figure not registered with pyplot (garbage-collected with its panel), at
    ``scale`` × 100 dpi: the page's text size (125%, 150% for a projector) enlarges a figure
    and its text alike, so its layout is the same at every size.

    Margins are fixed by each ``draw_*`` function rather than by a layout engine: at every step
    the dashboard redraws three figures, and a constrained layout costs a third of that time.
    """
    return Figure(figsize=size, dpi=100 * scale)


def _projector(ax: Axes, title: str) -> None:
    ax.set_title("")
    ax.set_title(title, fontsize=12, loc="left", fontweight="bold")
    ax.xaxis.label.set_size(11)
    ax.yaxis.label.set_size(11)
    ax.tick_params(labelsize=10)
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_fontsize(9)


def draw_dance(
    table: pd.DataFrame, ticks: list[tuple[int, str]], ax: Axes, governments: tuple[str, ...] = ()
) -> Axes:
    """The negotiation dance over the whole calendar: each government's utility of every offer.

    The report's key (the lines, the offers' markers, a marker per move of the calendar) lies in
    two columns along the foot of the panel, under the dates, where it covers no offer: inside
    the axes every corner holds one sooner or later, as the offers run from 0 to 1 across the
    whole calendar. Room is kept for the longest key a game of ``governments`` (two if not
    given) can come to, so the axes keep their size from the first round to the last."""
    if len(table):
        plots.plot_dance(table, ax=ax)
    else:
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("utility of the offer")
        ax.grid(alpha=0.3)
        ax.text(0.5, 0.5, "No offer yet", transform=ax.transAxes, ha="center",
                va="center", fontsize=12, color="#566573")  # fmt: skip
    numbers = [n for n, _ in ticks]
    ax.set_xlim(min(numbers) - 0.5, max(numbers) + 0.5)
    shown = ticks[::-(-len(ticks) // MAX_TICKS)]  # every k-th round, so that the labels fit
    ax.set_xticks([n for n, _ in shown], [label for _, label in shown], rotation=45, ha="right")
    ax.set_xlabel("")
    ax.set_ylabel("utility of the offer")  # one line: the panel's margin has room for no more
    legend = ax.get_legend()
    handles = legend.legend_handles if legend is not None else []
    # two lines a government, the three kinds of marker of an offer, three moves of the calendar
    longest = 2 * max(len(governments), 2) + 3 + 3
    rows = -(-max(len(handles), longest) // 2)
    ax.figure.subplots_adjust(left=0.15, right=0.97, top=0.91, bottom=0.17 + LEGEND_ROW * rows)
    if handles:
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0),
                  bbox_transform=ax.figure.transFigure, ncols=2, fontsize=8, frameon=False,
                  handlelength=1.6, columnspacing=1.2, borderaxespad=0.2, labelspacing=0.3)
    _projector(ax, "Negotiation dance")
    return ax


def draw_utility_space(data: dict, ax: Axes) -> Axes:
    """Offers in the governments' utility space, with the Pareto frontier, the Nash point, the
    reservation point and (once reached) the agreement."""
    plots.plot_utility_space(data, ax=ax)
    ax.figure.subplots_adjust(left=0.15, right=0.97, top=0.91, bottom=0.13)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_yticks(np.linspace(0, 1, 6))
    _projector(ax, "Offers in utility space")
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="lower left", fontsize=9, framealpha=0.9)
    return ax


def draw_network(network: CoalitionNetwork, pos: dict[str, tuple[float, float]], ax: Axes) -> Axes:
    """The coalition network at fixed positions: nodes coloured by coalition (its stable id, in
    the report's colours; grey: alone), governments as squares, firms as circles sized by
    lobbying power; dark edges join coalitions (width by alignment), orange arrows are this
    round's lobbying pushes (width by intensity). Nodes are named as in the transcript."""
    from bargaining_chips.experiments.report.coalition_plots import ALONE, coalition_colour

    sizes = {g.id: len(g.members) for g in network.groups}
    for u, v, weight in network.alignment:
        (x0, y0), (x1, y1) = pos[u], pos[v]
        ax.plot([x0, x1], [y0, y1], color="#333333", lw=0.8 + 3.0 * weight, alpha=0.7, zorder=1)
    for firm, government, intensity in network.lobbying:
        ax.annotate(
            "", xy=pos[government], xytext=pos[firm], zorder=2,
            arrowprops={"arrowstyle": "-|>", "color": "#e67e22", "lw": 1.0 + 15.0 * intensity,
                        "shrinkA": 12, "shrinkB": 20, "alpha": 0.85},
        )  # fmt: skip
    for name in network.actors:
        x, y = pos[name]
        k = network.coalition[name]
        color = coalition_colour(k) if sizes.get(k, 1) > 1 else ALONE
        if network.kinds[name] == "government":
            ax.scatter([x], [y], s=1500, marker="s", color=color, edgecolors="black", zorder=3)
            ax.annotate(name, (x, y), ha="center", va="center", fontsize=9, fontweight="bold",
                        color="white", zorder=4)  # fmt: skip
        else:
            size = 180 + 700 * network.power[name]
            ax.scatter([x], [y], s=size, marker="o", color=color, edgecolors="black", zorder=3)
            # the name outside the circle, away from the middle
            ha = "left" if x > 0.35 else "right" if x < -0.35 else "center"
            va = "bottom" if y > 0.35 else "top" if y < -0.35 else "center"
            ax.annotate(name, (x, y), xytext=(14 * x, 14 * y), textcoords="offset points",
                        ha=ha, va=va, fontsize=9.5, zorder=4)  # fmt: skip
    ax.set_xlim(-2.15, 2.15)  # the unit circle, with room for the longest names beside it
    ax.set_ylim(-1.45, 1.3)
    ax.set_axis_off()
    ax.figure.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.02)
    _projector(ax, "Coalitions and lobbying")
    return ax
