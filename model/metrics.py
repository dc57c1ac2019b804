"""Per-run metrics: the summary dict (DESIGN.md's result schema) of a finished model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from bargaining_chips.model.analysis import Frontier

from bargaining_chips.floats import dot

if TYPE_CHECKING:
    from bargaining_chips.model.negotiation import NegotiationModel

VERSION = "0.1.0"


def outcome_utilities(model: NegotiationModel, raw: np.ndarray | None = None) -> np.ndarray:
    """Each actor's utility of the outcome: of the agreed terms, discounted by δ^(round−1), under
    its current weights; without a deal, its reservation utility (its best alternative).
    ``raw``: the undiscounted utilities of the agreed terms, when already computed."""
    out = model.outcome
    if not out.agreement:
        return model.reservation.copy()
    if raw is None:
        raw = _raw_utilities(model)
    return raw * model.setup.discount**out.round_index


def _raw_utilities(model: NegotiationModel) -> np.ndarray:
    """Every actor's undiscounted utility of the agreed terms under its current weights."""
    return (model.weights * model.setup.space.values(model.outcome.terms)).sum(axis=1)


def concessions(model: NegotiationModel) -> dict[str, float]:
    """Each government's total concession: its utility of its first offer minus that of its last."""
    space, names = model.setup.space, model.setup.actor_names
    out = {}
    for g in model.setup.governments:
        own = [o for o in model.offers if o.proposer == names[g]]
        if not own:
            out[names[g]] = 0.0
            continue
        first = float(dot(model.weights[g], space.values_of(g, own[0].terms)))
        last = float(dot(model.weights[g], space.values_of(g, own[-1].terms)))
        out[names[g]] = first - last
    return out


def frontier(model: NegotiationModel) -> Frontier | None:
    """The Pareto frontier between the two governments under their current weights (None when more
    than two governments are at the table)."""
    gov = model.setup.governments
    if len(gov) != 2:
        return None
    a, b = gov
    d = (float(model.reservation[a]), float(model.reservation[b]))
    return Frontier(model.setup.space, model.weights, a, b, d)


def summary(model: NegotiationModel) -> dict:
    """The result schema of DESIGN.md for a finished run (plus a few documented extra keys)."""
    out = model.outcome
    if out is None:
        raise RuntimeError("the talks have not ended; step the model until model.outcome is set")
    setup = model.setup
    names = setup.actor_names
    raw = _raw_utilities(model) if out.agreement else model.reservation
    utilities = outcome_utilities(model, raw)
    gov = setup.governments
    rnd = setup.rounds[out.round_index]
    first_deadline = setup.deadlines[0].index if setup.deadlines else len(setup.rounds) - 1
    if out.agreement:
        nash_product = float(np.prod([max(0.0, utilities[g] - model.reservation[g]) for g in gov]))
        terms = {
            k: v if isinstance(v, str) else _plain(v)
            for k, v in setup.space.named_terms(out.terms).items()
        }
    else:
        nash_product = 0.0
        terms = None
    front = frontier(model)
    if front is None:
        pareto_distance = None
    else:
        pareto_distance = front.distance(float(raw[gov[0]]), float(raw[gov[1]]))
    return {
        "scenario": model.spec.name,
        "seed": model.seed,
        "outcome": "agreement" if out.agreement else "no_deal",
        "agreement": out.agreement,
        "agreement_round": rnd.number if out.agreement else None,
        "agreement_date": rnd.iso_date if out.agreement else None,
        "rounds_played": out.round_index + 1,
        "terms": terms,
        "utilities": {n: float(u) for n, u in zip(names, utilities, strict=True)},
        "nash_product": nash_product,
        "pareto_distance": pareto_distance,
        "coalitions": coalitions(model),
        "version": VERSION,
        "end_reason": out.reason,
        "deadline_in_force": out.deadline,
        "agreement_by_first_deadline": bool(out.agreement and out.round_index <= first_deadline),
        "first_deadline_round": first_deadline + 1,
        "concessions": concessions(model),
        **two_level(model),
    }


def two_level(model: NegotiationModel) -> dict:
    """Coalition and ratification keys (model.coalitions.coalition_summary), when tracked."""
    if getattr(model, "coalition_tracker", None) is None:
        return {}
    from bargaining_chips.model.coalitions import coalition_summary

    return coalition_summary(model)


def coalitions(model: NegotiationModel) -> list[list[str]]:
    """The final coalitions as lists of member names.

    Read off the model's coalition tracker when it has one; otherwise actors are grouped by their
    stance on the final terms: those better off than without a deal, and those not.
    """
    tracker = getattr(model, "coalition_tracker", None)
    if tracker is not None:
        return tracker.final_coalitions()
    utilities = outcome_utilities(model)
    names = model.setup.actor_names
    if model.outcome.agreement:
        gain = utilities - model.reservation
    else:
        space = model.setup.space
        last = model.offers[-1].terms if model.offers else space.no_deal
        gain = (model.weights * space.values(last)).sum(axis=1) - model.reservation
    pro = [n for n, g in zip(names, gain, strict=True) if g >= 0]
    anti = [n for n, g in zip(names, gain, strict=True) if g < 0]
    return [group for group in (pro, anti) if group]


def _plain(value: float) -> float:
    return round(float(value), 10)
