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

from bargaining_chips.experiments.labels import Labels, short_name
from bargaining_chips.experiments.report.output import PLOT_FORMATS
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


PLAIN = Labels()
FORMATS = PLOT_FORMATS


def parameter_label(name: str, labels: Labels | None = None) -> str:
    """A parameter column's axis label ("Japan's concession exponent β"; see :mod:`..labels`)."""
    return (labels or PLAIN).parameter(name)


def _tick(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


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
def plot_heatmap(frame: pd.DataFrame, x: str, y: str, outcome: str, ax: Axes | None = None,
                 labels: Labels | None = None, title: str | None = None,
                 label: str | None = None) -> Axes:
    """Mean of ``outcome`` over a grid of two parameters, each cell annotated; ``label`` names
    the outcome on the colour bar and ``title`` heads the plot (defaults from ``labels``)."""
    labels = labels or PLAIN
    ax = axes_or_new(ax)
    table = heatmap_table(frame, x, y, outcome)
    image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(table.shape[1]), [_tick(v) for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [_tick(v) for v in table.index])
    ax.set_xlabel(parameter_label(x, labels))
    ax.set_ylabel(parameter_label(y, labels))
    label = label or labels.mean(outcome)
    ax.set_title(title or label)
    values = table.to_numpy()
    if values.size <= 400:
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                bright = image.norm(v) > 0.6  # viridis is light at the top: write in black there
                ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=7,
                        color="black" if bright else "white")
    ax.figure.colorbar(image, ax=ax, label=label)
    return ax


def plot_distributions(
    frame: pd.DataFrame, by: Sequence[str], outcome: str, ax: Axes | None = None,
    labels: Labels | None = None, title: str | None = None, label: str | None = None,
) -> Axes:
    """Box plots of ``outcome`` per combination of ``by`` (e.g. per strategy pair)."""
    labels = labels or PLAIN
    groups = distribution_groups(frame, by, outcome)
    ax = axes_or_new(ax, width=max(7.0, 0.4 * len(groups)))
    names = list(groups)
    ax.boxplot([groups[k] for k in names], tick_labels=names, showmeans=True)
    ax.set_xlabel(" / ".join(parameter_label(_column(frame, b), labels) for b in by))
    label = label or labels.outcome(outcome)
    ax.set_ylabel(label)
    ax.tick_params(axis="x", labelrotation=45)
    for text in ax.get_xticklabels():
        text.set_horizontalalignment("right")
    ax.set_title(title or f"{label} by {' and '.join(parameter_label(b, labels) for b in by)}")
    return ax


def plot_p_deal(
    frame: pd.DataFrame,
    x: str,
    outcome: str = "agreement_by_first_deadline",
    conf: float = 0.95,
    by: str | None = None,
    ax: Axes | None = None,
    labels: Labels | None = None,
    title: str | None = None,
    label: str | None = None,
) -> Axes:
    """P(``outcome``) against parameter ``x`` with a ``conf`` Wilson band; one curve per value of
    parameter ``by`` when given."""
    labels = labels or PLAIN
    ax = axes_or_new(ax)
    table = p_deal_table(frame, x, outcome, conf, by)
    groups = table.groupby("group", sort=True) if by else [(None, table)]
    label = label or labels.mean(outcome)
    for value, part in groups:
        name = f"{_tick(value)}" if by else label
        (line,) = ax.plot(part["x"], part["mean"], marker="o", label=name)
        ax.fill_between(part["x"], part["low"], part["high"], alpha=0.2, color=line.get_color())
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(parameter_label(_column(frame, x), labels))
    ax.set_ylabel(label)
    ax.set_title(title or f"{label}, with {conf:.0%} Wilson intervals")
    # The key beside the axes: curves and their bands fill the unit interval, so no corner
    # inside stays clear of them.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
              title=parameter_label(by, labels) if by else None, title_fontsize=8)
    return ax


def plot_deadline_effect(frame: pd.DataFrame, ax: Axes | None = None,
                         labels: Labels | None = None, title: str | None = None,
                         label: str | None = None) -> Axes:
    """Histogram of agreement rounds relative to the scenario's first date, a deadline or a target
    (0 = its round), on whole-number ticks."""
    from matplotlib.ticker import MaxNLocator

    labels = labels or PLAIN
    deadline = labels.first_deadline()
    ax = axes_or_new(ax)
    offsets = deadline_offsets(frame)
    if len(offsets):
        bins = np.arange(offsets.min() - 0.5, offsets.max() + 1.5)
        counts, _, _ = ax.hist(offsets, bins=bins, edgecolor="black")
        ax.set_ylim(0, 1.2 * counts.max())  # headroom: the key sits above the tallest bar
    ax.axvline(0, color="red", linestyle="--", label=f"the {deadline}'s round")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label or f"rounds from the {deadline} to agreement (0: in its round)")
    ax.set_ylabel("runs (count)")
    ax.set_title(title or f"The deadline effect: {len(offsets):,} agreements")
    ax.legend(loc="best")
    return ax


# -- writing --------------------------------------------------------------------------------------
def save(ax: Axes, path: str | Path, dpi: int = 200) -> Path:
    """Write the figure holding ``ax`` in the format its suffix names (png, svg or pdf), atomically
    (complete or absent), and close it; ``dpi`` applies to the raster (PNG) and to images embedded
    in vector formats."""
    import matplotlib.pyplot as plt

    from bargaining_chips.experiments.atomic import write_atomic

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        from bargaining_chips.model.errors import UserError

        raise UserError(f"{path}: unknown plot format {fmt!r}; expected one of {', '.join(FORMATS)}")
    metadata = {"Software": None} if fmt == "png" else None  # identical files for identical plots
    try:
        write_atomic(path, lambda tmp: ax.figure.savefig(tmp, dpi=dpi, format=fmt, metadata=metadata))
    finally:
        plt.close(ax.figure)
    return path


def file_stem(*parts: str) -> str:
    """A short file name from parts such as ``("heatmap", "terms.auto_tariff")``: each part by its
    short name (:func:`~experiments.labels.short_name`), so names stay well under 80 characters."""
    return "_".join(short_name(p) for p in parts if p)


def draw_plot(frame: pd.DataFrame, spec: PlotSpec,
              labels: Labels | None = None) -> tuple[Axes, str]:
    """One configured plot of a sweep, drawn on a new figure, and its file's stem; the spec's
    ``title`` and ``label`` fields override the ones ``labels`` give."""
    words: dict[str, Any] = {"labels": labels, "title": spec.title, "label": spec.label}
    if spec.kind == "heatmap":
        ax = plot_heatmap(frame, spec.x, spec.y, spec.outcome, **words)  # type: ignore[arg-type]
        stem = file_stem("heatmap", spec.outcome or "", spec.x or "", spec.y or "")
    elif spec.kind == "distribution":
        ax = plot_distributions(frame, spec.by, spec.outcome, **words)  # type: ignore[arg-type]
        stem = file_stem("distribution", spec.outcome or "", *spec.by)
    elif spec.kind == "p_deal":
        kwargs = {"outcome": spec.outcome} if spec.outcome else {}
        by = spec.by[0] if spec.by else None
        ax = plot_p_deal(frame, spec.x, by=by, **kwargs, **words)  # type: ignore[arg-type]
        stem = file_stem(
            "p_deal", spec.outcome or "agreement_by_first_deadline", spec.x or "", by or ""
        )
    else:
        ax = plot_deadline_effect(frame, **words)
        stem = "deadline_effect"
    return ax, spec.name or stem


def render_plots(frame: pd.DataFrame, specs: Sequence[PlotSpec], directory: str | Path,
                 labels: Labels | None = None, fmt: str = "png", dpi: int = 200) -> list[Path]:
    """Draw each configured plot of a sweep (:func:`draw_plot`) and write it to ``directory``
    as ``fmt`` (png, svg or pdf) at ``dpi``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in specs:
        ax, stem = draw_plot(frame, spec, labels)
        written.append(save(ax, directory / f"{stem}.{fmt}", dpi))
    return written
