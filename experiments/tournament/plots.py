"""A tournament's plots, thin functions over its tables (in the manner of Axelrod's tournament
plots): the pairwise score heatmap and the score distribution of each strategy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.experiments.sweep.plots import axes_or_new

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def plot_pairwise(matrix: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The :func:`~.ranking.pairwise_scores` matrix as a heatmap: the row strategy's mean score
    against the column strategy, each cell labelled."""
    if ax is None:
        from matplotlib.figure import Figure

        side = 2.5 + 0.7 * max(4, len(matrix.columns))
        ax = Figure(figsize=(side + 1.2, side), layout="constrained").subplots()
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, cmap="viridis", vmin=np.nanmin(values), vmax=np.nanmax(values))
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    middle = (np.nanmin(values) + np.nanmax(values)) / 2
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if not np.isnan(values[i, j]):
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if values[i, j] < middle else "black")
    ax.set_xlabel("opponent")
    ax.set_ylabel("strategy")
    ax.set_title("mean score of the row strategy against the column strategy")
    ax.figure.colorbar(image, ax=ax, label="mean utility")
    return ax


def plot_score_distributions(table: pd.DataFrame, order: list[str],
                             ax: Axes | None = None) -> Axes:
    """Each strategy's scores over all its matches as a box plot (median, quartiles, whiskers at
    1.5 IQR), strategies in ``order`` (the ranking's), the mean marked."""
    ax = axes_or_new(ax, width=1.5 + 0.8 * max(4, len(order)))
    data = [table.loc[table["strategy"] == s, "score"].to_numpy(dtype=float) for s in order]
    ax.boxplot(data, showmeans=True, flierprops={"markersize": 2, "alpha": 0.4})
    ax.set_xticks(range(1, len(order) + 1), order, rotation=45, ha="right")
    ax.set_ylabel("utility of the outcome (score)")
    ax.set_title("score distribution per strategy (ranked by mean; triangle: the mean)")
    return ax
