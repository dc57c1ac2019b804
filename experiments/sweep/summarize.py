"""Summaries of a sweep: outcome means with confidence intervals per parameter point.

A proportion (a boolean outcome such as ``agreement_by_first_deadline``) gets the Wilson score
interval (Wilson 1927), which stays inside [0, 1] and behaves at 0 and 1 where the normal
approximation collapses; any other numeric outcome gets Student's t interval for the mean. Runs that
raised are counted in ``errors`` and left out of the means; an outcome missing in a run (the agreed
terms of a run without a deal) is left out of that outcome's ``n``.

The tidy table has one row per parameter point and outcome: the ``param.<path>`` columns, then
``outcome``, ``runs``, ``errors``, ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``, ``interval``
("wilson" or "t").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.experiments.sweep.store import META_COLUMNS, parameter_columns

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_COLUMNS = ("outcome", "runs", "errors", "n", "mean", "sd", "ci_low", "ci_high", "interval")
_NOT_OUTCOMES = set(META_COLUMNS) | {"agreement_round_offset"}


def outcome_columns(frame: pd.DataFrame, wanted: Sequence[str] | None = None) -> list[str]:
    """The outcomes to summarise: ``wanted`` if given (those present), else every numeric or
    boolean column that is neither a parameter nor run bookkeeping."""
    import pandas as pd

    if wanted:
        missing = [w for w in wanted if w not in frame.columns]
        present = [w for w in wanted if w in frame.columns]
        finished = frame["status"].eq("ok").any() if "status" in frame.columns else len(frame)
        if missing and not present and finished:  # (if every run failed, nothing is missing)
            from bargaining_chips.model.errors import UserError

            raise UserError(f"no such outcome column: {missing[0]!r}")
        return present
    params = set(parameter_columns(frame))
    return [
        c for c in frame.columns
        if c not in params and c not in _NOT_OUTCOMES
        and (
            pd.api.types.is_bool_dtype(frame[c])
            or pd.api.types.is_numeric_dtype(frame[c])
            or _is_boolean_object(frame[c])
        )
    ]


def varied_parameters(frame: pd.DataFrame) -> list[str]:
    """The ``param.<path>`` columns that take more than one value: the default grouping."""
    return [c for c in parameter_columns(frame) if frame[c].nunique(dropna=False) > 1]


def wilson_interval(successes: np.ndarray, n: np.ndarray, conf: float = 0.95):
    """Wilson score interval for a binomial proportion; returns (low, high) arrays."""
    from scipy.stats import norm

    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(0.5 + conf / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = np.where(successes == 0, 0.0, centre - half)  # exact ends, free of rounding noise
    high = np.where(successes == n, 1.0, centre + half)
    return low, high


def t_interval(mean: np.ndarray, sd: np.ndarray, n: np.ndarray, conf: float = 0.95):
    """Student's t interval for a mean; NaN where n < 2."""
    from scipy.stats import t

    mean = np.asarray(mean, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = t.ppf(0.5 + conf / 2, np.where(n > 1, n - 1, np.nan))
        half = q * np.asarray(sd, dtype=float) / np.sqrt(n)
    return mean - half, mean + half


def summarize(
    frame: pd.DataFrame,
    outcomes: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
    conf: float = 0.95,
) -> pd.DataFrame:
    """Means and ``conf`` intervals of each outcome per group.

    The default groups are the parameter points, told apart by the parameters that vary (constants
    are left out of the table).
    """
    import pandas as pd

    by = list(by) if by is not None else varied_parameters(frame)
    outcomes = outcome_columns(frame, outcomes)
    if frame.empty or not outcomes:
        return pd.DataFrame(columns=[*by, *SUMMARY_COLUMNS])
    ok = frame["status"].eq("ok") if "status" in frame.columns else pd.Series(True, frame.index)
    keys = [frame[c] for c in by] if by else [pd.Series(0, index=frame.index)]
    counts = pd.DataFrame({"runs": 1, "errors": (~ok).astype(int)}).groupby(
        keys, dropna=False, sort=True
    ).sum()
    pieces = []
    for outcome in outcomes:
        column = frame[outcome]
        binary = pd.api.types.is_bool_dtype(column) or _is_boolean_object(column)
        values = pd.to_numeric(column.where(ok), errors="coerce").astype("float64")
        grouped = values.groupby(keys, dropna=False, sort=True)
        stats = pd.DataFrame({"n": grouped.count(), "mean": grouped.mean(), "sd": grouped.std()})
        if binary:
            low, high = wilson_interval(stats["mean"] * stats["n"], stats["n"], conf)
        else:
            low, high = t_interval(stats["mean"], stats["sd"], stats["n"], conf)
        stats["ci_low"], stats["ci_high"] = low, high
        stats["interval"] = "wilson" if binary else "t"
        stats["outcome"] = outcome
        pieces.append(stats.join(counts))
    table = pd.concat(pieces).reset_index()
    if by:
        table.columns = [*by, *table.columns[len(by):]]
    else:
        table = table.drop(columns=table.columns[0])
    return table[[*by, *SUMMARY_COLUMNS]].reset_index(drop=True)


def _is_boolean_object(column: pd.Series) -> bool:
    values = column.dropna()
    return len(values) > 0 and column.dtype == object and all(isinstance(v, bool) for v in values)


def format_summary(table: pd.DataFrame, digits: int = 3) -> str:
    """The tidy summary as a readable wide table: one row per point, ``mean [low, high]`` cells."""
    import pandas as pd

    if table.empty:
        return "(no runs)"
    by = [c for c in table.columns if c not in SUMMARY_COLUMNS]

    def cell(row: pd.Series) -> str:
        if row["n"] == 0:
            return "-"
        if np.isnan(row["ci_low"]):
            return f"{row['mean']:.{digits}g}"
        return f"{row['mean']:.{digits}g} [{row['ci_low']:.{digits}g}, {row['ci_high']:.{digits}g}]"

    cells = table.assign(cell=table.apply(cell, axis=1))
    index = by if by else None
    if index:
        wide = cells.pivot_table(
            index=index, columns="outcome", values="cell", aggfunc="first", sort=False
        )
        runs = cells.groupby(index, sort=False)[["runs", "errors"]].first()
        wide = runs.join(wide)
        wide.index.names = [name.removeprefix("param.") for name in wide.index.names]
    else:
        wide = cells.set_index("outcome")[["cell"]].T
    wide.columns.name = None
    with pd.option_context("display.max_columns", None, "display.width", 200):
        return wide.to_string()
