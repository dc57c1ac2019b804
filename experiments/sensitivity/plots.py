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

from bargaining_chips.experiments.sweep.plots import axes_or_new, parameter_label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def plot_tornado(table: pd.DataFrame, outcome: str, ax: Axes | None = None) -> Axes:
    """One-at-a-time swings of ``outcome`` (rows of a tornado table), widest at the top."""
    ax = axes_or_new(ax)
    rows = table[table["outcome"] == outcome].sort_values("swing", kind="stable")
    baseline = float(rows["baseline"].iloc[0]) if len(rows) else 0.0
    y = np.arange(len(rows))
    ax.barh(y, rows["high"] - baseline, left=baseline, color="tab:blue", label="above baseline")
    ax.barh(y, rows["low"] - baseline, left=baseline, color="tab:orange", label="below baseline")
    ax.axvline(baseline, color="black", linewidth=1)
    ax.set_yticks(y, [parameter_label(p) for p in rows["parameter"]])
    ax.set_xlabel(f"{outcome} (baseline {baseline:.3g})")
    ax.set_title(f"one at a time: {outcome}")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_sobol(indices: pd.DataFrame, outcome: str, ax: Axes | None = None) -> Axes:
    """First-order (S1) and total (ST) Sobol' indices with their confidence intervals."""
    ax = axes_or_new(ax)
    rows = indices[(indices["method"] == "sobol") & (indices["outcome"] == outcome)]
    params = list(dict.fromkeys(rows[rows["index"] == "S1"]["parameter"]))
    x = np.arange(len(params))
    for offset, name in ((-0.2, "S1"), (0.2, "ST")):
        part = rows[rows["index"] == name].set_index("parameter").reindex(params)
        ax.bar(x + offset, part["value"], width=0.4, yerr=part["conf"], capsize=3, label=name)
    ax.set_xticks(x, [parameter_label(p) for p in params])
    ax.tick_params(axis="x", labelrotation=20)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("Sobol' index")
    ax.set_title(f"Sobol' indices: {outcome}")
    ax.legend(loc="best")
    return ax


def plot_morris(indices: pd.DataFrame, outcome: str, ax: Axes | None = None) -> Axes:
    """Morris screening: μ* (mean absolute elementary effect) against σ, with μ*'s interval."""
    ax = axes_or_new(ax)
    rows = indices[(indices["method"] == "morris") & (indices["outcome"] == outcome)]
    wide = rows.pivot_table(index="parameter", columns="index", values="value", sort=False)
    conf = rows[rows["index"] == "mu_star"].set_index("parameter")["conf"].reindex(wide.index)
    ax.errorbar(wide["mu_star"], wide["sigma"], xerr=conf, fmt="o", capsize=3)
    for name, row in wide.iterrows():
        ax.annotate(parameter_label(str(name)), (row["mu_star"], row["sigma"]), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")
    top = float(np.nanmax(wide[["mu_star", "sigma"]].to_numpy())) if len(wide) else 1.0
    ax.plot([0, top], [0, top], color="grey", linestyle=":", label="σ = μ*")
    ax.set_xlabel("μ* (mean |elementary effect|)")
    ax.set_ylabel("σ (interaction / non-linearity)")
    ax.set_title(f"Morris screening: {outcome}")
    ax.legend(loc="best")
    return ax
