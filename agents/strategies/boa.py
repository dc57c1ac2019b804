"""Strategies built from components: the BOA architecture (Baarslag et al. 2014).

Baarslag, Hindriks, Hendrikx, Dirkzwager & Jonker (2014), "Decoupling negotiating agents to explore
the space of negotiation strategies": a negotiator is a **b**idding strategy, an **o**pponent
model and an **a**cceptance condition. A scenario names a composition instead of a strategy:

    strategy = { bidding = "boulware", model = "bayesian", accept = "ac_combi" }

* ``bidding``: the utility level to ask for, from a concession family of the library
  (``time_dependent``, ``boulware``, ``linear``, ``conceder``, ``tit_for_tat``, ``hardliner``,
  with ``bidding_params``), and how to reach it: the efficient offer at that level (as every level
  strategy makes), or with ``trade_off`` the similarity-based trade-off of Faratin, Sierra &
  Jennings (2002): among offers worth the level of a linear time-dependent tactic, the one most
  similar to the opponent's last offer, similarity weighted by the believed weights of the
  opponent (Sim(x, y) = Σ_j ŵ_j (1 − |z_j(x) − z_j(y)|), z the opponent's value of an issue).
* ``model``: the opponent model that learns the other side under private information
  (:mod:`agents.opponents`; the model layer builds it from the name, :mod:`model.information`).
  Under complete information the belief is the truth and the name plays no part.
* ``accept``: the acceptance conditions of Baarslag, Hindriks & Jonker (2012), "Acceptance
  conditions in automated negotiation", with ``accept_params``. With u the offer's utility now and
  u_next the utility of the bid one would make next: ``ac_next`` accepts when
  α·u + β ≥ u_next (α = 1, β = 0: the rule of every level strategy); ``ac_const`` when u ≥ c;
  ``ac_time`` when t ≥ T; ``ac_combi`` when ``ac_next`` does, or when t ≥ T and u is at least the
  best the opponent has offered so far (their AC_combi(T, MAX)).

Every condition also keeps the rules every strategy keeps: nothing below the discounted floor
r / δ^k is accepted, anything at it is accepted once no later round can pay the reservation, and
a hopeless wait ends in a walk-away (:mod:`agents.strategies.base`). A composition of a concession
family with ``ac_next`` plays exactly as the named strategy does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies.base import (
    BEST,
    LevelStrategy,
    ParameterError,
    Strategy,
    _latest_from_others,
    _refusal,
    check_range,
    no_deal_ahead,
    reservation_now,
)
from bargaining_chips.agents.strategies.concession import Boulware, Conceder, Linear, TimeDependent
from bargaining_chips.agents.strategies.hardliner import Hardliner
from bargaining_chips.agents.strategies.titfortat import TitForTat

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView

#: The bidding components: a concession family by name (its level is the bid's utility).
BIDDING: dict[str, type] = {
    "time_dependent": TimeDependent, "boulware": Boulware, "linear": Linear,
    "conceder": Conceder, "tit_for_tat": TitForTat, "hardliner": Hardliner, "trade_off": Linear,
}
#: The acceptance conditions and their parameters' defaults (Baarslag et al. 2012).
ACCEPT: dict[str, dict[str, float]] = {
    "ac_next": {"alpha": 1.0, "beta": 0.0},
    "ac_const": {"c": 0.8},
    "ac_time": {"T": 0.99},
    "ac_combi": {"T": 0.9},
}


class _HardLevel(LevelStrategy):
    """The hardliner as a level (its bid is always ``level``)."""

    def __init__(self, level: float = 1.0) -> None:
        self.level_value = check_range("level", level, 0.0, 1.0)

    def level(self, view, round_index, their_last):
        return self.level_value


class Composition(Strategy):
    """A BOA composition: ``bidding`` (with ``bidding_params``), the opponent ``model``'s name and
    the acceptance condition ``accept`` (with ``accept_params``); see the module docstring."""

    name = "boa"

    def __init__(self, bidding: str = "linear", accept: str = "ac_next", model: str | None = None,
                 bidding_params: dict | None = None, accept_params: dict | None = None) -> None:
        if bidding not in BIDDING:
            raise ParameterError("bidding", f"{bidding!r}; expected one of {', '.join(BIDDING)}")
        if accept not in ACCEPT:
            raise ParameterError("accept", f"{accept!r}; expected one of {', '.join(ACCEPT)}")
        if model is not None and not isinstance(model, str):
            raise ParameterError("model", f"{model!r}; expected an opponent model's name")
        for key, table in (("bidding_params", bidding_params), ("accept_params", accept_params)):
            if table is not None and not isinstance(table, dict):
                raise ParameterError(key, f"{table!r}; expected a table of parameters")
        self.bidding, self.accept, self.model = bidding, accept, model
        self.bidding_params = dict(bidding_params or {})
        self.accept_params = dict(accept_params or {})
        cls = _HardLevel if bidding == "hardliner" else BIDDING[bidding]
        params = {k: v for k, v in self.bidding_params.items() if k != "walk_away"}
        try:
            self._bid: LevelStrategy = cls(**params)
        except TypeError as err:
            raise ParameterError("bidding_params", str(err)) from None
        unknown = set(self.accept_params) - set(ACCEPT[accept])
        if unknown:
            raise ParameterError("accept_params", f"{', '.join(sorted(unknown))} not a parameter "
                                 f"of {accept}; expected {', '.join(ACCEPT[accept])}")
        self._a = {**ACCEPT[accept], **self.accept_params}
        for key, value in self._a.items():
            lo, hi = (-1.0, 2.0) if key in ("alpha", "beta") else (0.0, 1.0)
            self._a[key] = check_range(f"accept_params.{key}", value, lo, hi)

    # -- bidding ------------------------------------------------------------------------------
    def _target(self, view: NegotiationView, round_index: int, their: Offer | None) -> float:
        level = self._bid.level(view, round_index, their)
        return min(max(level, reservation_now(view, round_index)), BEST)

    def propose(self, view: NegotiationView) -> np.ndarray:
        their = _latest_from_others(view)
        target = self._target(view, view.round_index, their)
        efficient = view.offer_at(target)
        if self.bidding != "trade_off" or their is None:
            return efficient
        return trade_off(view, target, efficient, their)

    # -- acceptance ---------------------------------------------------------------------------
    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float:
        floor = reservation_now(view)
        if no_deal_ahead(view):
            return floor
        k = view.round_index + 1
        nxt = self._target(view, k, offer)
        if self.accept == "ac_next":
            a = self._a
            return max((nxt - a["beta"]) / a["alpha"] if a["alpha"] > 0 else nxt, floor)
        if self.accept == "ac_const":
            return max(self._a["c"], floor)
        if self.accept == "ac_time":  # before T nothing is accepted (see answer)
            return floor if view.t >= self._a["T"] else BEST
        best_seen = max((view.utility(o.terms) for o in view.history if o.proposer == offer.proposer),
                        default=0.0)
        best_seen = max(best_seen, view.utility(offer.terms))
        combi = min(nxt, best_seen) if view.t >= self._a["T"] else nxt
        return max(combi, floor)

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        return self.answer(view, offer)[0]

    def answer(self, view: NegotiationView, offer: Offer) -> tuple[Response, float]:
        threshold = self.acceptance_threshold(view, offer)
        waiting = self.accept == "ac_time" and view.t < self._a["T"] and not no_deal_ahead(view)
        if not waiting and view.utility(offer.terms) >= threshold - 1e-12:
            return Response.ACCEPT, threshold
        if self.bidding == "hardliner" and self.bidding_params.get("walk_away") and view.t >= 1.0:
            return Response.WALK_AWAY, threshold
        return _refusal(view), threshold


def trade_off(view: NegotiationView, level: float, efficient: np.ndarray, their: Offer) -> np.ndarray:
    """Faratin, Sierra & Jennings (2002): among offers worth ``level`` to this side, the one most
    similar to the opponent's last offer ``their``, similarity weighted by the believed weights
    of its proposer.

    Candidates on the iso-utility curve: from the opponent's offer x_o towards each of a set of
    anchors worth at least ``level`` — this side's best terms, the efficient offer, and x_o with
    one issue, or all issues but one, moved to this side's best end — the first point worth
    ``level`` (bisection). The efficient offer is itself a candidate, so the trade-off is never
    less similar than it."""
    o = view.index_of(their.proposer)
    w = view.weights_of(o)
    _, span = view.issue_bounds
    x_o = their.terms
    best_terms = view.offer_at(BEST)

    def dissimilarity(y: np.ndarray) -> float:
        return float(np.sum(w * np.abs(y - x_o) / span))

    anchors = [best_terms]
    n = len(x_o)
    for j in range(n):
        one = x_o.copy()
        one[j] = best_terms[j]
        rest = best_terms.copy()
        rest[j] = x_o[j]
        anchors += [one, rest]
    best, best_d = efficient, dissimilarity(efficient)
    for anchor in anchors:
        if view.utility(anchor) < level:
            continue
        step = anchor - x_o
        # The point m of the way to the anchor is m times as dissimilar as the anchor (to
        # rounding, far below SLACK): once the bracket's low end a makes a·D exceed the best
        # found, the anchor cannot win and its search stops. On the matches of
        # benchmarks/bench_tournament.py the trade-off then asks 28% of the utilities it asked
        # before (31,901 of 115,107 over 256 matches), with the same offers.
        bound = (best_d + SLACK) / max(dissimilarity(anchor), 1e-300)
        a, b = 0.0, 1.0
        for _ in range(30):
            mid = 0.5 * (a + b)
            if view.utility(x_o + mid * step) >= level:
                b = mid
            else:
                a = mid
                if a > bound:
                    break
        else:
            y = x_o + b * step
            d = dissimilarity(y)
            if d < best_d and view.utility(y) >= level - 1e-12:
                best, best_d = y, d
    return best


#: How far the dissimilarity of a point on the way to an anchor may be from its share of the
#: anchor's (rounding of terms in the issues' units, relative to their ranges, is ~1e-15).
SLACK = 1e-9
