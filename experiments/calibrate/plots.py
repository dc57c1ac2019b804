"""Plots of a calibration: thin functions over its tables, each returning an Axes (no files, no
pyplot state): the marginals of posterior and prior, the posterior's pair plot, P(deal by date)
and the agreed terms' quantiles, posterior beside prior."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from bargaining_chips.experiments.labels import Labels

POSTERIOR, PRIOR = "#1f5f8b", "#b8b8b8"


def _figure(rows: int, cols: int, width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, np.atleast_2d(fig.subplots(rows, cols, squeeze=False))


def sample_label(n: int, ess: float | None) -> str:
    """How many draws a sample has, and for a weighted one its effective sample size."""
    return f"n={n}" if ess is None else f"n={n}, effective {ess:.0f}"


def plot_marginals(posterior: pd.DataFrame, prior: pd.DataFrame, parameters: list[str],
                   labels: Labels, ess: float | None = None) -> Axes:
    """One panel per parameter: the posterior's histogram (filled) and the prior's (outline),
    densities on common bins (the posterior's weighted by ABC-SMC's weights, if it has them;
    ``ess`` is then their effective sample size, shown in the legend)."""
    cols = min(3, max(1, len(parameters)))
    rows = -(-len(parameters) // cols)
    fig, axes = _figure(rows, cols, 3.2 * cols, 2.6 * rows)
    for k, ax in enumerate(axes.flat):
        if k >= len(parameters):
            ax.set_visible(False)
            continue
        column = f"param.{parameters[k]}"
        pri = np.asarray(prior[column], dtype=float) if column in prior else np.array([])
        post = np.asarray(posterior[column], dtype=float) if column in posterior else np.array([])
        both = np.concatenate([pri, post])
        bins = np.linspace(both.min(), both.max(), 21) if len(both) and np.ptp(both) > 0 else 10
        if len(post):
            w = np.asarray(posterior["weight"], dtype=float) if "weight" in posterior else None
            ax.hist(post, bins=bins, density=True, weights=w, color=POSTERIOR, alpha=0.8,
                    label=f"posterior ({sample_label(len(post), ess)})")
        if len(pri):
            ax.hist(pri, bins=bins, density=True, histtype="step", color="#444444",
                    linewidth=1.5, label=f"prior (n={len(pri)})")
        ax.set_xlabel(labels.parameter(parameters[k]))
        ax.set_yticks([])
        if k == 0:  # the key above the first panel, where it hides no bar
            ax.legend(fontsize=8, frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0),
                      ncols=2, borderaxespad=0.2)
    fig.suptitle("Posterior and prior of each parameter")
    return axes.flat[0]


def plot_pairs(posterior: pd.DataFrame, parameters: list[str], labels: Labels,
               ess: float | None = None) -> Axes:
    """The posterior's pair plot: histograms on the diagonal, scatter of each pair below it
    (ABC-SMC's weights, if any, weight the histograms and size the points; ``ess`` is their
    effective sample size, shown in the title)."""
    d = len(parameters)
    fig, axes = _figure(d, d, 2.4 * d + 0.6, 2.4 * d + 0.4)
    values = {p: np.asarray(posterior.get(f"param.{p}", []), dtype=float) for p in parameters}
    w = np.asarray(posterior["weight"], dtype=float) if "weight" in posterior else None
    sizes = 4 if w is None else 4 * len(w) * w
    for i, py in enumerate(parameters):
        for j, px in enumerate(parameters):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                if len(values[px]):
                    ax.hist(values[px], bins=20, weights=w, color=POSTERIOR)
                ax.set_yticks([])
            else:
                ax.scatter(values[px], values[py], s=sizes, alpha=0.4, color=POSTERIOR,
                           linewidths=0)
            if i == d - 1:
                ax.set_xlabel(labels.parameter(px), fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(labels.parameter(py), fontsize=8)
    fig.suptitle(f"Posterior draws ({sample_label(len(posterior), ess)})")
    return axes[0, 0]


def plot_p_deal_by_date(table: pd.DataFrame, after: dt.date, ax: Axes | None = None) -> Axes:
    """P(deal by date) after ``after``: posterior and prior, each with its 95% interval."""
    from bargaining_chips.experiments.sweep.plots import axes_or_new

    ax = axes_or_new(ax, 7.5)
    days = [dt.date.fromisoformat(d) for d in table["date"]]
    for which, colour in (("posterior", POSTERIOR), ("prior", PRIOR)):
        p = np.asarray(table[f"p_{which}"], dtype=float)
        ax.step(days, p, where="post", color=colour, label=which, linewidth=2)
        ax.fill_between(days, np.asarray(table[f"low_{which}"], dtype=float),
                        np.asarray(table[f"high_{which}"], dtype=float), step="post",
                        color=colour, alpha=0.25)
    for day, label in zip(days, table["label"], strict=True):
        if not label.startswith("Round"):
            ax.axvline(day, color="black", linewidth=0.6, linestyle=":")
            ax.annotate(label, (day, 1.0), rotation=90, fontsize=7, va="top", ha="right")
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("P(deal by date)")
    ax.set_title(f"Deal by each date, given the facts up to {after.isoformat()}")
    ax.legend(frameon=False, loc="center right")
    ax.figure.autofmt_xdate()
    return ax


def plot_terms(table: pd.DataFrame, labels: Labels, ax: Axes | None = None) -> Axes:
    """The agreed terms' medians and 5–95% ranges, one panel row per issue as a share of its
    range: posterior beside prior."""
    from bargaining_chips.experiments.sweep.plots import axes_or_new

    issues = list(dict.fromkeys(table["issue"]))
    ax = axes_or_new(ax, 7.5)
    spec = labels.spec
    for k, issue in enumerate(issues):
        lo, hi = (spec.issues[issue].min, spec.issues[issue].max) if spec is not None \
            else (0.0, 1.0)
        width = (hi - lo) or 1.0
        for shift, which, colour in ((-0.15, "posterior", POSTERIOR), (0.15, "prior", PRIOR)):
            row = table[(table.issue == issue) & (table["sample"] == which)].iloc[0]
            if row["q50"] is None or row["q50"] != row["q50"]:
                continue
            y = k + shift
            ax.plot([(row["q05"] - lo) / width, (row["q95"] - lo) / width], [y, y], color=colour,
                    linewidth=3, label=which if k == 0 else None)
            ax.plot((row["q50"] - lo) / width, y, "o", color="black" if which == "posterior"
                    else "#666666", markersize=4)
    ax.set_yticks(range(len(issues)), [labels.outcome(f"terms.{i}") for i in issues], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("agreed value, as a share of the issue's range (median, 5–95%)")
    ax.set_title("Agreed terms among the runs that reach a deal")
    ax.legend(frameon=False, fontsize=8)
    return ax
