"""Per-run metrics: the summary dict (DESIGN.md's result schema) of a finished model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.floats import dot
from bargaining_chips.model.analysis import Frontier, curve_distance
from bargaining_chips.model.coalitions import groups

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
    return (model.weights * model.prefs.values(model.outcome.terms)).sum(axis=1)


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


#: Levels a summary traces the frontier at where values are concave and the frontier is not one
#: smooth curve (there :func:`~model.analysis.curve_distance` needs no trace): its Pareto distance
#: is then refined on the exact curve (:meth:`Frontier.distance`), so more would only cost time
#: (over 300 default seeds 9 levels give the distances of 17 to 3e-16). The tournament reads its
#: Nash point off the frontier traced at these levels too.
SUMMARY_SAMPLES = 9


def frontier(model: NegotiationModel, samples: int = 401) -> Frontier | None:
    """The Pareto frontier between the two governments under their current weights (None when more
    than two governments are at the table), traced at ``samples`` levels where values are
    concave."""
    gov = model.setup.governments
    if len(gov) != 2:
        return None
    a, b = gov
    d = (float(model.reservation[a]), float(model.reservation[b]))
    return Frontier(model.setup.space, model.weights, a, b, d, samples)


def summary_distance(model: NegotiationModel, ua: float, ub: float) -> float | None:
    """The summary's Pareto distance of (u_a, u_b) between the two governments (None with more
    than two): on the smooth frontier read off its multiplier (:func:`~model.analysis.
    curve_distance`: 0.28 ms against 1.31 ms for tracing 9 levels first, on the default scenario
    over 100 seeds, measured side by side), else on the frontier traced at
    :data:`SUMMARY_SAMPLES` levels."""
    gov = model.setup.governments
    if len(gov) != 2:
        return None
    a, b = gov
    distance = curve_distance(model.setup.space, model.weights, a, b, ua, ub)
    if distance is None:
        distance = frontier(model, SUMMARY_SAMPLES).distance(ua, ub)
    return distance


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
    rnd = model.rounds[out.round_index]
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
    pareto_distance = summary_distance(model, float(raw[gov[0]]), float(raw[gov[1]]))
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
        "end_reason": out.reason.value,
        "deadline_in_force": out.deadline,
        "agreement_by_first_deadline": bool(out.agreement and out.round_index <= first_deadline),
        "first_deadline_round": first_deadline + 1,
        "concessions": concessions(model),
        **two_level(model),
        **(model.beliefs.summary() if getattr(model, "beliefs", None) is not None else {}),
    }


def two_level(model: NegotiationModel) -> dict:
    """Coalition and ratification keys (:func:`coalition_summary`), when tracked."""
    if getattr(model, "coalition_tracker", None) is None:
        return {}
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


def decisive_actors(model: NegotiationModel) -> list[int]:
    """The actors whose assent or refusal settled the outcome (indices).

    With an agreement: every government at the table (each acceptance was needed) and, in each
    domestic vote on the deal, every approving member whose political weight was pivotal (without
    it the approval would have fallen below the threshold: a swing voter in Banzhaf's (1965)
    sense). Without
    one: if the last offer was accepted at the table but rejected at home, the dissenting members
    whose weight was pivotal (with their approval it would have passed); otherwise the governments
    that rejected the last offer or walked away. No offer made: nobody.
    """
    last = model.last_answers()
    if last is None:
        return []
    setup = model.setup
    round_no, accepted, ratified, responses = last
    consts = setup.ratification.constituencies
    votes = [v for v in model.domestic.votes if v.round_no == round_no]
    out: set[int] = set()
    if model.outcome.agreement or (accepted and not ratified):
        if model.outcome.agreement:
            out.update(setup.governments)
        for v in votes:
            if model.outcome.agreement != v.passed:
                continue
            g = setup.index(v.government)
            c = consts[g]
            side = v.approve if v.passed else v.oppose
            for m, w in zip(c.members.tolist(), c.weight.tolist(), strict=True):
                if setup.actor_names[m] not in side:
                    continue
                flipped = v.approval - w if v.passed else v.approval + w
                if (flipped >= v.threshold - 1e-12) != v.passed:
                    out.add(m)
    else:
        for name, answer in responses.items():
            if answer != "accept":
                out.add(setup.index(name))
    return sorted(out)


def coalition_summary(model: NegotiationModel) -> dict:
    """The summary keys of the two-level game (see docs/ODD.md and :mod:`model.coalitions`):

    ``coalition_changes``: snapshots whose partition differs from the one before;
    ``coalition_moves``: times an actor's set of partners changed;
    ``decisive_coalitions``: the coalitions, on the final offer, that hold a decisive actor
    (:func:`decisive_actors`); ``cross_border_decisive``: whether one of them has members from
    more than one country; ``home_rejections``: deals accepted at the table and rejected at home;
    ``ratification_thresholds``: each ratifying government's threshold at the end.
    """
    tracker = model.coalition_tracker
    names = model.setup.actor_names
    decisive = set(decisive_actors(model))
    final = groups(tracker.snapshots[-1].labels) if tracker.snapshots else []
    deciding = [members for members in final if decisive.intersection(members)]
    return {
        "coalition_changes": tracker.changes(),
        "coalition_moves": tracker.moves(),
        "decisive_coalitions": [[names[i] for i in members] for members in deciding],
        "cross_border_decisive": any(tracker.cross_border(members) for members in deciding),
        "home_rejections": model.domestic.rejections,
        "ratification_thresholds": {
            names[g]: float(t) for g, t in model.domestic.threshold.items()
        },
    }
