"""Sensitivity indices from a finished sweep's runs: tidy tables, one row per index.

Each outcome is first averaged over the replications at every design point (:func:`point_means`),
which treats the model's internal randomness as noise around the parameter effect (with
``common_random_numbers`` every point sees the same seeds, which reduces that noise). The point
means are then analysed with SALib:

- **Sobol' indices** (Sobol' 1993; estimators of Saltelli 2002 and Saltelli et al. 2010, bootstrap
  confidence intervals): S1, the share of the outcome's variance due to one parameter alone; ST, its
  share including every interaction; S2 for pairs when the design asks for second order.
- **Morris screening** (Morris 1991, with μ* of Campolongo, Cariboni & Saltelli 2007): μ*, the mean
  absolute elementary effect (overall influence), σ, their spread (interactions, non-linearity).
  Effects are per unit of the parameter's sampling scale (its range, or its list of values).
- **One at a time** (:func:`tornado_table`): each parameter's lowest and highest point mean with
  the others at the baseline — the data of a tornado chart.

An outcome with no value at some point (agreed terms where no run reached a deal, unless the
config's ``fill`` gives the no-deal value) or with no variance cannot be analysed; :func:`analyze`
lists it under ``skipped`` with the reason. Index tables have the columns :data:`INDEX_COLUMNS`
(``conf`` is the half-width of the confidence interval).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.experiments.sweep.design import Design
from bargaining_chips.model.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

INDEX_COLUMNS = ("method", "outcome", "parameter", "parameter_2", "index", "value", "conf")


def point_means(
    frame: pd.DataFrame, design: Design, outcome: str, fill: float | None = None
) -> np.ndarray:
    """Mean of ``outcome`` over the replications at each design point (NaN: no value there).

    Runs are matched to points by their key, so rows may come in any order, and a point visited
    twice (Morris trajectories share points) gets the same value both times. ``fill`` replaces a
    missing value of a run that finished (runs that raised stay out).
    """
    import pandas as pd

    if outcome not in frame.columns:
        raise UserError(f"no outcome {outcome!r} in the results")
    ok = frame["status"].eq("ok")
    values = pd.to_numeric(frame[outcome], errors="coerce").astype("float64")
    if fill is not None:
        values = values.fillna(fill)
    values = values.where(ok)
    by_key = pd.Series(values.to_numpy(), index=frame["run_key"].to_numpy())
    grid = by_key.reindex(design.keys().ravel()).to_numpy().reshape(design.points, -1)
    with np.errstate(all="ignore"):
        counts = np.sum(np.isfinite(grid), axis=1)
        sums = np.nansum(grid, axis=1)
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _problem_check(y: np.ndarray) -> str | None:
    if np.isnan(y).any():
        return f"no value at {int(np.isnan(y).sum())} of {len(y)} points"
    if np.ptp(y) == 0:
        return "constant over the design"
    return None


def sobol_indices(design: Design, y: np.ndarray, outcome: str, seed: int) -> pd.DataFrame:
    """Sobol' S1, ST (and S2 with a second-order design) of point means ``y``, as tidy rows."""
    import pandas as pd
    from SALib.analyze import sobol

    problem = design.salib_problem()
    second = design.config.design.second_order
    si = sobol.analyze(problem, y, calc_second_order=second, conf_level=0.95, seed=seed)
    rows = []
    for d, name in enumerate(problem["names"]):
        for index in ("S1", "ST"):
            rows.append(("sobol", outcome, name, None, index, si[index][d], si[f"{index}_conf"][d]))
    if second:
        for i, a in enumerate(problem["names"]):
            for j in range(i + 1, len(problem["names"])):
                b = problem["names"][j]
                rows.append(("sobol", outcome, a, b, "S2", si["S2"][i, j], si["S2_conf"][i, j]))
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def morris_indices(design: Design, y: np.ndarray, outcome: str, seed: int) -> pd.DataFrame:
    """Morris μ, μ*, σ (and μ*'s confidence interval) of point means ``y``, as tidy rows."""
    import pandas as pd
    from SALib.analyze import morris

    problem = design.salib_problem()
    si = morris.analyze(
        problem, design.unit, y, num_levels=design.config.design.levels, conf_level=0.95,
        seed=seed,
    )
    rows = []
    for d, name in enumerate(problem["names"]):
        rows.append(("morris", outcome, name, None, "mu", si["mu"][d], np.nan))
        rows.append(("morris", outcome, name, None, "mu_star", si["mu_star"][d],
                     si["mu_star_conf"][d]))
        rows.append(("morris", outcome, name, None, "sigma", si["sigma"][d], np.nan))
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def tornado_table(frame: pd.DataFrame, design: Design, outcome: str) -> pd.DataFrame:
    """One-at-a-time swings from an ``oat`` design: baseline, lowest and highest point mean per
    parameter, and the swing (highest − lowest). Rows: outcome, parameter, baseline, low, high,
    swing."""
    import pandas as pd

    if design.kind != "oat":
        raise ValueError("a tornado table needs an 'oat' design")
    y = point_means(frame, design, outcome, design.config.fill.get(outcome))
    rows = []
    for path in design.paths:
        own = [i for i, varied in enumerate(design.varied) if varied == path]
        values = y[own]
        if np.isnan(values).all():
            continue
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        rows.append((outcome, path, float(y[0]), low, high, high - low))
    columns = ["outcome", "parameter", "baseline", "low", "high", "swing"]
    return pd.DataFrame(rows, columns=columns)


def analyze(
    frame: pd.DataFrame, design: Design, outcomes: list[str], seed: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Indices for each outcome by the design's method; returns (indices, skipped outcomes)."""
    import pandas as pd

    tables, skipped = [], {}
    method = {"sobol": sobol_indices, "morris": morris_indices}[design.kind]
    for outcome in outcomes:
        if outcome not in frame.columns:
            skipped[outcome] = "not in the results"
            continue
        y = point_means(frame, design, outcome, design.config.fill.get(outcome))
        reason = _problem_check(y)
        if reason:
            skipped[outcome] = reason
            continue
        tables.append(method(design, y, outcome, seed))
    indices = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=list(INDEX_COLUMNS)
    )
    return indices, skipped
