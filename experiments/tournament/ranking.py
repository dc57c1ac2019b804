"""A tournament's tables: every seat's score, the ranking with confidence intervals, the pairwise
score matrix.

The per-run table (one row per match, as the sweep stores it) becomes :func:`scores`, one row per
strategy and match: the strategy, its opponent, its seat, the scenario, the seed and its score (its
utility of the outcome, as the summary reports it), with the match's agreement, rounds and
distances. :func:`ranking` ranks the strategies by mean score, each figure with a 95% confidence
interval: Student's t for means, Wilson's score interval for the agreement rate (Wilson 1927).
Rounds to agreement are over the matches that agreed. A self-play match counts once for each seat.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from bargaining_chips.experiments.sweep.store import PARAM_PREFIX
from bargaining_chips.experiments.tournament.config import PAIRING, SCENARIO, VERSUS

#: The ranking's columns, in order (each figure is followed by its interval's ends).
RANKING_COLUMNS = (
    "rank", "strategy", "matches", "mean_utility", "utility_low", "utility_high",
    "agreement_rate", "agreement_low", "agreement_high", "pareto_distance", "pareto_low",
    "pareto_high", "nash_distance", "nash_low", "nash_high", "rounds_to_agreement", "rounds_low",
    "rounds_high",
)


def scores(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per strategy and match from a tournament's per-run table (runs that failed left
    out): strategy, opponent, seat ("first" | "second"), scenario, seed, score, agreement,
    agreement_round, pareto_distance, nash_distance, tau (its belief's final Kendall τ)."""
    ok = frame[frame["status"] == "ok"] if "status" in frame.columns else frame
    pairing = ok[PARAM_PREFIX + PAIRING].str.split(VERSUS, n=1, expand=True, regex=False)
    common = {
        "scenario": ok[PARAM_PREFIX + SCENARIO].to_numpy(),
        "seed": ok["seed"].to_numpy(),
        "agreement": ok["agreement"].astype(bool).to_numpy(),
        "agreement_round": pd.to_numeric(ok["agreement_round"], errors="coerce").to_numpy(),
        "pareto_distance": pd.to_numeric(ok["pareto_distance"], errors="coerce").to_numpy(),
        "nash_distance": pd.to_numeric(ok["nash_distance"], errors="coerce").to_numpy(),
    }
    parts = []
    for seat, me, other in (("first", 0, 1), ("second", 1, 0)):
        tau = ok.get(f"tau_{seat}")
        parts.append(pd.DataFrame({
            "strategy": pairing[me].to_numpy(), "opponent": pairing[other].to_numpy(),
            "seat": seat, **common,
            "score": pd.to_numeric(ok[f"score_{seat}"]).to_numpy(),
            "tau": (pd.to_numeric(tau, errors="coerce").to_numpy() if tau is not None
                    else np.full(len(ok), np.nan)),
        }))
    return pd.concat(parts, ignore_index=True)


def mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """The mean of ``values`` (NaN left out) and its Student-t confidence interval (NaN ends
    with fewer than two values; the mean itself when they are all equal)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    mean = float(v.mean())
    if len(v) < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return mean, mean - half, mean + half


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """The share ``successes / n`` and Wilson's score interval for it."""
    if n == 0:
        return math.nan, math.nan, math.nan
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """The strategies ranked by mean score (the :func:`scores` table in), with 95% intervals."""
    rows = []
    for name, group in table.groupby("strategy", sort=False):
        u = mean_interval(group["score"].to_numpy())
        a = wilson_interval(int(group["agreement"].sum()), len(group))
        p = mean_interval(group["pareto_distance"].to_numpy())
        nd = mean_interval(group["nash_distance"].to_numpy())
        r = mean_interval(group.loc[group["agreement"], "agreement_round"].to_numpy())
        rows.append((name, len(group), *u, *a, *p, *nd, *r))
    out = pd.DataFrame(rows, columns=RANKING_COLUMNS[1:])
    out = out.sort_values(["mean_utility", "strategy"], ascending=[False, True], kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def pairwise_scores(table: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Mean score of the row strategy against the column strategy (over seats, scenarios and
    seeds), rows and columns in ``order`` (default: alphabetical)."""
    matrix = table.pivot_table(index="strategy", columns="opponent", values="score", aggfunc="mean")
    order = order or sorted(matrix.index)
    return matrix.reindex(index=order, columns=order)
