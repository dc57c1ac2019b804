"""Plots over result tables: each ``plot_*`` takes a DataFrame and returns the matplotlib Axes.

Plot functions draw on the ``ax`` they are given (or a new figure's) and never show or save; the
data each one draws comes from a separate, tested preparation function. Figures are created with
``matplotlib.figure.Figure``, not pyplot, so nothing global changes and no display is needed.
:func:`render_plots` is the one place that writes files (the PNGs of a sweep's ``[[plots]]``).

Sweep plots: :func:`plot_heatmap` (an outcome's mean over two parameters),
:func:`plot_distributions` (an outcome's distribution per combination of parameters, e.g. per
strategy pair), :func:`plot_p_deal` (P(deal) against a parameter, e.g. deadline credibility, with a
Wilson confidence band), :func:`plot_deadline_effect` (the round of agreement relative to the first
deadline: the deadline effect, agreements clustering just before it).

The sensitivity plots (tornado, Sobol', Morris) are in :mod:`experiments.sensitivity.plots`;
they share :func:`axes_or_new`, :func:`parameter_label`, :func:`save` and :func:`file_stem`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bargaining_chips.experiments.sweep.store import PARAM_PREFIX

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from bargaining_chips.experiments.sweep.config import PlotSpec


def axes_or_new(ax: Axes | None, width: float = 7.0) -> Axes:
    """``ax``, or the Axes of a new figure ``width`` inches wide (no pyplot: nothing global)."""
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    return Figure(figsize=(width, 4.5), layout="constrained").subplots()


def _column(frame: pd.DataFrame, name: str) -> str:
    """A parameter given by its path names its ``param.`` column; anything else is used as is."""
    if name in frame.columns:
        return name
    if f"{PARAM_PREFIX}{name}" in frame.columns:
        return f"{PARAM_PREFIX}{name}"
    from bargaining_chips.model.errors import UserError

    raise UserError(f"no column {name!r} in the results (parameters are named by their path)")


def _outcome(frame: pd.DataFrame, name: str) -> pd.Series:
    """An outcome column as floats (booleans as 0/1), or a UserError naming it."""
    import pandas as pd

    if name not in frame.columns:
        from bargaining_chips.model.errors import UserError

        raise UserError(f"no outcome {name!r} in the results")
    return pd.to_numeric(frame[name], errors="coerce").astype("float64")


def parameter_label(name: str) -> str:
    """A column's name as an axis label: a parameter by its path, without ``param.``."""
    return name.removeprefix(PARAM_PREFIX)


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"].eq("ok")] if "status" in frame.columns else frame


# -- data preparation -----------------------------------------------------------------------------
def heatmap_table(frame: pd.DataFrame, x: str, y: str, outcome: str) -> pd.DataFrame:
    """Mean of ``outcome`` per (y, x): rows are ``y``'s values, columns ``x``'s, both sorted."""

    x, y = _column(frame, x), _column(frame, y)
    data = _ok(frame)
    values = _outcome(data, outcome)
    return values.groupby([data[y], data[x]]).mean().unstack(x).sort_index().sort_index(axis=1)


def p_deal_table(
    frame: pd.DataFrame,
    x: str,
    outcome: str = "agreement_by_first_deadline",
    conf: float = 0.95,
    by: str | None = None,
) -> pd.DataFrame:
    """P(``outcome``) per value of ``x`` (and of ``by``, if given) with its Wilson interval.

    Columns: ``group`` (the value of ``by``, or None), x, n, mean, low, high.
    """
    from bargaining_chips.experiments.sweep.summarize import summarize

    x = _column(frame, x)
    _outcome(frame, outcome)
    groups = [_column(frame, by)] if by else []
    table = summarize(frame, outcomes=[outcome], by=[*groups, x], conf=conf)
    table = table.rename(columns={x: "x", "ci_low": "low", "ci_high": "high"})
    table["group"] = table[groups[0]] if groups else None
    return table[["group", "x", "n", "mean", "low", "high"]].sort_values(
        ["group", "x"] if groups else ["x"], kind="stable"
    ).reset_index(drop=True)


def deadline_offsets(frame: pd.DataFrame) -> pd.Series:
    """Round of agreement minus the first deadline's round, for every run that reached a deal.

    Negative: agreed before the deadline; 0: in the deadline round; positive: after it (a soft
    deadline that was extended).
    """

    data = _ok(frame)
    rounds = _outcome(data, "agreement_round")
    deadline = _outcome(data, "first_deadline_round")
    offsets = (rounds - deadline).dropna().astype(int)
    return offsets.rename("rounds_from_deadline").reset_index(drop=True)


def distribution_groups(
    frame: pd.DataFrame, by: Sequence[str], outcome: str
) -> dict[str, np.ndarray]:
    """The values of ``outcome`` per combination of the ``by`` parameters, labelled ``a / b``."""

    columns = [_column(frame, name) for name in by]
    data = _ok(frame)
    values = _outcome(data, outcome)
    groups: dict[str, np.ndarray] = {}
    for key, part in values.groupby([data[c] for c in columns], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        groups[" / ".join(str(k) for k in key)] = part.dropna().to_numpy()
    return groups


# -- sweep plots ----------------------------------------------------------------------------------
def plot_heatmap(frame: pd.DataFrame, x: str, y: str, outcome: str, ax: Axes | None = None) -> Axes:
    """Mean of ``outcome`` over a grid of two parameters, each cell annotated."""
    ax = axes_or_new(ax)
    table = heatmap_table(frame, x, y, outcome)
    image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" if isinstance(v, float) else str(v)
                                          for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" if isinstance(v, float) else str(v)
                                          for v in table.index])
    ax.set_xlabel(parameter_label(x))
    ax.set_ylabel(parameter_label(y))
    ax.set_title(f"mean {outcome}")
    values = table.to_numpy()
    if values.size <= 400:
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                bright = image.norm(v) > 0.6  # viridis is light at the top: write in black there
                ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=7,
                        color="black" if bright else "white")
    ax.figure.colorbar(image, ax=ax, label=outcome)
    return ax


def plot_distributions(
    frame: pd.DataFrame, by: Sequence[str], outcome: str, ax: Axes | None = None
) -> Axes:
    """Box plots of ``outcome`` per combination of ``by`` (e.g. per strategy pair)."""
    groups = distribution_groups(frame, by, outcome)
    ax = axes_or_new(ax, width=max(7.0, 0.4 * len(groups)))
    labels = list(groups)
    ax.boxplot([groups[k] for k in labels], tick_labels=labels, showmeans=True)
    ax.set_xlabel(" / ".join(parameter_label(_column(frame, b)) for b in by))
    ax.set_ylabel(outcome)
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_title(f"{outcome} by {', '.join(by)}")
    return ax


def plot_p_deal(
    frame: pd.DataFrame,
    x: str,
    outcome: str = "agreement_by_first_deadline",
    conf: float = 0.95,
    by: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """P(``outcome``) against parameter ``x`` with a ``conf`` Wilson band; one curve per value of
    parameter ``by`` when given."""
    ax = axes_or_new(ax)
    table = p_deal_table(frame, x, outcome, conf, by)
    groups = table.groupby("group", sort=True) if by else [(None, table)]
    for value, part in groups:
        label = f"{parameter_label(by)} = {value}" if by else f"P({outcome})"
        (line,) = ax.plot(part["x"], part["mean"], marker="o", label=label)
        ax.fill_between(part["x"], part["low"], part["high"], alpha=0.2, color=line.get_color())
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(parameter_label(_column(frame, x)))
    ax.set_ylabel(f"P({outcome})")
    ax.set_title(f"P({outcome}) with {conf:.0%} Wilson bands")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_deadline_effect(frame: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Histogram of agreement rounds relative to the first deadline (0 = the deadline round)."""
    ax = axes_or_new(ax)
    offsets = deadline_offsets(frame)
    if len(offsets):
        bins = np.arange(offsets.min() - 0.5, offsets.max() + 1.5)
        ax.hist(offsets, bins=bins, edgecolor="black")
    ax.axvline(0, color="red", linestyle="--", label="first deadline")
    ax.set_xlabel("round of agreement − deadline round")
    ax.set_ylabel("runs")
    ax.set_title(f"deadline effect ({len(offsets)} agreements)")
    ax.legend(loc="best")
    return ax


# -- writing --------------------------------------------------------------------------------------
def save(ax: Axes, path: str | Path) -> Path:
    """Write the figure holding ``ax`` as a PNG, atomically (complete or absent), and close it."""
    import matplotlib.pyplot as plt

    from bargaining_chips.experiments.atomic import write_atomic

    path = Path(path)
    try:
        write_atomic(path, lambda tmp: ax.figure.savefig(tmp, format="png", dpi=120))
    finally:
        plt.close(ax.figure)
    return path


def file_stem(*parts: str) -> str:
    """A file name from parts such as ``("heatmap", "terms.auto_tariff")``."""
    text = "_".join(p.removeprefix(PARAM_PREFIX) for p in parts if p)
    return "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in text)


def render_plots(frame: pd.DataFrame, specs: Sequence[PlotSpec], directory: str | Path) -> list[Path]:
    """Draw each configured plot of a sweep and write it to ``directory`` as PNG."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in specs:
        kwargs: dict[str, Any]
        if spec.kind == "heatmap":
            ax = plot_heatmap(frame, spec.x, spec.y, spec.outcome)  # type: ignore[arg-type]
            stem = file_stem("heatmap", spec.outcome or "", spec.x or "", spec.y or "")
        elif spec.kind == "distribution":
            ax = plot_distributions(frame, spec.by, spec.outcome)  # type: ignore[arg-type]
            stem = file_stem("distribution", spec.outcome or "", *spec.by)
        elif spec.kind == "p_deal":
            kwargs = {"outcome": spec.outcome} if spec.outcome else {}
            by = spec.by[0] if spec.by else None
            ax = plot_p_deal(frame, spec.x, by=by, **kwargs)  # type: ignore[arg-type]
            stem = file_stem(
                "p_deal", spec.outcome or "agreement_by_first_deadline", spec.x or "", by or ""
            )
        else:
            ax = plot_deadline_effect(frame)
            stem = "deadline_effect"
        written.append(save(ax, directory / f"{stem}.png"))
    return written
