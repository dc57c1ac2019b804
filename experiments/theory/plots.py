"""Plots of the theory cases: thin functions over tables (see :mod:`experiments.report.plots`).

:func:`deadline_table` prepares the data of the deadline effect (Roth, Murnighan & Schoumaker
1988): how many runs agreed in each round; :func:`plot_deadline_histogram` draws it on the Axes
it is given, marking the last 10% of the rounds. Neither shows nor saves.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


LATE, EARLY = "#c0392b", "#1f4e79"


def deadline_table(rounds: list[int | None], horizon: int) -> pd.DataFrame:
    """One row per round 1..horizon: the number of runs that agreed in it, and whether it is in
    the last 10% of the rounds. Runs without a deal are counted in ``attrs["no_deal"]``."""
    import pandas as pd

    first_late = horizon - max(1, math.floor(0.1 * horizon)) + 1
    counts = [sum(r == k for r in rounds) for k in range(1, horizon + 1)]
    table = pd.DataFrame({
        "round": range(1, horizon + 1),
        "agreements": counts,
        "last_tenth": [k >= first_late for k in range(1, horizon + 1)],
    })
    table.attrs["no_deal"] = sum(r is None for r in rounds)
    table.attrs["runs"] = len(rounds)
    return table


def plot_deadline_histogram(table: pd.DataFrame, ax: Axes | None = None, title: str = "") -> Axes:
    """Agreements per round over many seeds; the last 10% of the rounds in red, with a key
    outside the axes. Every round is labelled up to :data:`~experiments.report.plots.
    MAX_ROUND_TICKS` rounds, whole rounds only beyond."""
    from matplotlib.patches import Patch

    from bargaining_chips.experiments.report.plots import round_ticks

    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=(8, 4.5)).add_subplot()
    colors = [LATE if late else EARLY for late in table["last_tenth"]]
    ax.bar(table["round"], table["agreements"], color=colors, edgecolor="white")
    late = int(table.loc[table["last_tenth"], "agreements"].sum())
    total = int(table["agreements"].sum())
    share = late / total if total else 0.0
    ax.set_xticks(round_ticks(list(table["round"])))
    ax.set_xlim(table["round"].min() - 0.6, table["round"].max() + 0.6)
    ax.set_xlabel("round of agreement")
    ax.set_ylabel("agreements (runs)")
    runs = table.attrs.get("runs", total)
    no_deal = table.attrs.get("no_deal", 0)
    ax.set_title(title or "The deadline effect (Roth, Murnighan & Schoumaker 1988)\n"
                 f"{share:.0%} of {total:,} agreements in the last 10% of the rounds "
                 f"({runs:,} seeds; {no_deal:,} without a deal)", fontsize=10)
    ax.legend(handles=[Patch(color=LATE, label="the last 10% of the rounds"),
                       Patch(color=EARLY, label="earlier rounds")],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return ax
