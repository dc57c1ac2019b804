"""The debrief of a played game: where its outcome falls among the model's own runs.

The model's negotiators play the same scenario, with the same settings, for ``runs`` seeds
(:func:`model_outcomes`, the model as a function, :func:`~experiments.run_once`); :func:`compare`
then says, for each government, which share of the model's runs gave it less than the played
game did (its percentile), how often the model's negotiators reached a deal, and the played
game's distance to the Pareto frontier and Nash product beside the model's medians. The page
runs the sweep in a background thread with a progress bar (:mod:`viz.play_page`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from bargaining_chips.experiments import run_once

#: How many seeds the debrief's sweep plays (≈ 4 s on a laptop).
RUNS = 100


def model_outcomes(scenario_name: str, overrides: Mapping[str, Any], runs: int = RUNS,
                   progress: Callable[[int], None] | None = None,
                   stop: Callable[[], bool] | None = None) -> list[dict]:
    """The summaries of the model's own runs for seeds 0 … runs − 1 (``progress(done)`` after
    each; ``stop()`` true ends the sweep early)."""
    params = {"scenario": scenario_name, **dict(overrides)}
    out = []
    for seed in range(runs):
        if stop is not None and stop():
            break
        out.append(run_once(params, seed))
        if progress is not None:
            progress(seed + 1)
    return out


@dataclass(frozen=True)
class Debrief:
    """A played game beside the model's runs (see the module docstring)."""

    runs: int
    played_deal: bool
    model_deal_share: float
    utility: dict[str, float]  # the played game's utility per government
    percentile: dict[str, float]  # share of model runs giving the government less
    model_median: dict[str, float]
    pareto_distance: float | None
    model_pareto_distance: float | None  # median over the model's runs
    nash_product: float | None
    model_nash_product: float | None


def _median(values: list[Any]) -> float | None:
    numbers = [float(v) for v in values if v is not None]
    return float(np.median(numbers)) if numbers else None


def compare(played: Mapping[str, Any], outcomes: list[dict], governments: list[str]) -> Debrief:
    """The debrief of the played summary ``played`` against the model's ``outcomes``."""
    if not outcomes:
        raise ValueError("the debrief needs at least one model run")
    utility = {g: float(played["utilities"][g]) for g in governments}
    percentile, median = {}, {}
    for g in governments:
        theirs = np.array([o["utilities"][g] for o in outcomes], dtype=float)
        percentile[g] = float(np.mean(theirs < utility[g] - 1e-12))
        median[g] = float(np.median(theirs))
    return Debrief(
        runs=len(outcomes),
        played_deal=bool(played["agreement"]),
        model_deal_share=float(np.mean([bool(o["agreement"]) for o in outcomes])),
        utility=utility,
        percentile=percentile,
        model_median=median,
        pareto_distance=played.get("pareto_distance"),
        model_pareto_distance=_median([o.get("pareto_distance") for o in outcomes]),
        nash_product=played.get("nash_product"),
        model_nash_product=_median([o.get("nash_product") for o in outcomes]),
    )


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def debrief_html(d: Debrief) -> str:
    """The debrief as a small table (every value escaped, ``data-*`` attributes on the rows)."""
    rows = "".join(
        f'<tr data-government="{html.escape(g)}"><td>{html.escape(g)}</td>'
        f"<td>{d.utility[g]:.2f}</td><td>{d.model_median[g]:.2f}</td>"
        f'<td data-field="percentile">better than {d.percentile[g]:.0%} of the model\'s runs</td></tr>'
        for g in d.utility
    )
    deal = "a deal" if d.played_deal else "no deal"
    return (
        '<div class="bc-panel" data-panel="debrief"><div class="bc-heading">Debrief</div>'
        f'<div data-field="deals">You reached {deal}; the model\'s negotiators reached one in '
        f"{d.model_deal_share:.0%} of {d.runs} runs of the same scenario and settings.</div>"
        '<table class="bc-table"><tr><th></th><th>yours</th><th>model median</th><th></th></tr>'
        f"{rows}</table>"
        f'<div class="bc-settings">Distance to the Pareto frontier: yours {_num(d.pareto_distance)}'
        f", the model's median {_num(d.model_pareto_distance)}. Nash product: yours "
        f"{_num(d.nash_product)}, the model's median {_num(d.model_nash_product)}.</div></div>"
    )
