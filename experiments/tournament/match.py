"""One match of a tournament: a pairing of strategies on a scenario with a seed, as a sweep's model.

:func:`play_match` is the function the tournament's sweep studies (``f(params, seed) -> dict``):
its parameters are the pairing (``"A vs B"``: A in the first seat), the scenario and the
tournament's JSON (:mod:`.config`). It returns a row of fixed columns — each seat's score (its
utility of the outcome, discounted, as in the summary), agreement, rounds, the distances of the
outcome to the Pareto frontier and to the Nash point (in the two seats' utilities, the truth), and
under private information each seat's final Kendall τ of its belief — so scenarios with different
actors share one table.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from bargaining_chips.model.analysis import Frontier, golden_max_bracket
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.errors import UserError
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.metrics import SUMMARY_SAMPLES, frontier, summary
from bargaining_chips.model.negotiation import NegotiationModel
from bargaining_chips.model.scenario import Scenario
from bargaining_chips.model.solutions import nash_power

#: The levers of the sweep a tournament is played as, and its one constant (:mod:`.config`).
PAIRING, SCENARIO, SPEC = "tournament.pairing", "tournament.scenario", "tournament.spec"
#: Between the two labels of a pairing in the table (labels may not contain it).
VERSUS = " vs "


def seats(name: str, sides: tuple[str, str] | None, overrides: Mapping[str, Any]) -> tuple[str, str]:
    """The two governments whose seats the strategies take (default: the first two)."""
    spec = load_scenario(name, dict(overrides))
    governments = spec.governments
    if sides is None:
        return governments[0], governments[1]
    for side in sides:
        if side not in governments:
            raise UserError(f"sides: {side!r} is not a government of {name}; expected one of "
                            f"{', '.join(governments)}")
    if sides[0] == sides[1]:
        raise UserError("sides: name two different governments")
    return sides[0], sides[1]


def setup_for(name: str, overrides: Mapping[str, Any], strategies: Mapping[str, dict]) -> Scenario:
    """The scenario ``name`` with ``overrides`` and each seat's strategy table."""
    over = dict(overrides)
    for seat, table in strategies.items():
        over[f"actors.{seat}.strategy"] = table
    return load_scenario(name, over)


@functools.lru_cache(maxsize=4)
def _tournament(spec: str) -> dict:
    return json.loads(spec)


@functools.lru_cache(maxsize=1024)
def _scenario(spec: str, scenario: str, pairing: str) -> tuple[Scenario, str, str]:
    """The scenario a pairing plays, loaded once per worker (its validation costs more than a
    run); ``compile_scenario`` then keeps its compiled form."""
    data = _tournament(spec)
    entry = data["scenarios"][scenario]
    sides = tuple(entry["sides"]) if entry["sides"] else None
    first, second = seats(scenario, sides, entry["set"])
    a, b = pairing.split(VERSUS)
    strategies = data["strategies"]
    loaded = setup_for(scenario, entry["set"], {first: strategies[a], second: strategies[b]})
    compile_scenario(loaded)
    return loaded, first, second


def nash_utilities(front: Frontier, power: float) -> tuple[float, float] | None:
    """The (generalised) Nash point's utilities (a's, b's) on ``front``, as
    :meth:`~model.analysis.Frontier.nash` finds it, at a quarter of its cost: the frontier's
    traced points bracket the maximum of α log(u_a − d_a) + (1 − α) log(u_b − d_b) (log-concave
    along the frontier), then 40 golden-section steps on a's level refine it (within 1e-8 of
    the level). Discrete deal spaces, and a bracket with no traced point above disagreement,
    are left to ``Frontier.nash``. (On the default scenario under private information the exact
    search was 57% of a match's time.)"""
    objective = front.nash_objective(power)
    if front.deals is not None:
        point = front.nash(power)
        return None if point is None else point.utilities
    values = [objective(float(ua), float(ub)) for ua, ub in front.points]
    k = int(np.argmax(values))
    if not math.isfinite(values[k]):
        point = front.nash(power)
        return None if point is None else point.utilities
    levels = front.levels
    lo, hi = float(levels[max(k - 1, 0)]), float(levels[min(k + 1, len(levels) - 1)])

    def f(level: float) -> float:
        return objective(*front.point(level).utilities)

    lo, hi = golden_max_bracket(f, lo, hi, 40)
    best = front.point((lo + hi) / 2).utilities
    return best if objective(*best) >= values[k] else tuple(map(float, front.points[k]))


def play_match(params: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """Play one match (see the module docstring) and return its row."""
    spec, first, second = _scenario(params[SPEC], params[SCENARIO], params[PAIRING])
    model = NegotiationModel(spec, seed=seed, collect=False)
    try:
        model.run()
        s = summary(model)
        a, b = model.setup.index(first), model.setup.index(second)
        out = model.outcome
        if out.agreement:
            raw = model.prefs.utilities(out.terms)
            ua, ub = float(raw[a]), float(raw[b])
        else:
            ua, ub = float(model.reservation[a]), float(model.reservation[b])
        nash_distance = None
        front = frontier(model, SUMMARY_SAMPLES)
        if front is not None:  # its first government's power is the scenario's first's
            point = nash_utilities(front, nash_power(spec))
            if point is not None:
                na, nb = point if front.a == a else point[::-1]
                nash_distance = math.hypot(ua - na, ub - nb)
        beliefs = s.get("beliefs") or {}
        return {
            "score_first": s["utilities"][first],
            "score_second": s["utilities"][second],
            "agreement": s["agreement"],
            "agreement_round": s["agreement_round"],
            "rounds_played": s["rounds_played"],
            "pareto_distance": s["pareto_distance"],
            "nash_distance": nash_distance,
            "tau_first": (beliefs.get(f"{first}->{second}") or {}).get("kendall_tau"),
            "tau_second": (beliefs.get(f"{second}->{first}") or {}).get("kendall_tau"),
        }
    finally:
        model.release()


#: What the sweep may pass (checked before any run) and the columns that may be null.
play_match.parameters = frozenset({PAIRING, SCENARIO, SPEC})
play_match.outputs = {"agreement_round": "int64", "pareto_distance": "double",
                      "nash_distance": "double", "tau_first": "double", "tau_second": "double"}
