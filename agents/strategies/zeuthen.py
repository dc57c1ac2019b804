"""Zeuthen's risk-based strategy.

Zeuthen (1930), "Problems of Monopoly and Economic Warfare", ch. IV; Harsanyi (1956) showed the rule
leads to the deal maximising the Nash product. Each side's *risk* is the largest probability of
conflict it would bear rather than accept the other's offer:

    risk_a = (u_a(own offer) − u_a(their offer)) / (u_a(own offer) − d_a),

(1 when its own offer is worth no more than no deal, d_a). The side with the smaller risk (both, when
equal) concedes — just enough that the other's risk becomes the smaller; the other stands firm.
Preferences are common knowledge, so each side can compute both risks. Under discounting the
conflict point of round k is what no deal is worth in that round's currency, d / δ^k for each side
(no deal pays its reservation d undiscounted; see :func:`~agents.strategies.base.reservation_now`).

With bargaining powers α_a, α_b (``actors.X.bargaining_power``) the comparison is weighted:
a stands firm while α_a · ln(1 − risk_a) < α_b · ln(1 − risk_b), which is exactly "a's offer has the
larger generalised Nash product (u_a − d_a)^α_a (u_b − d_b)^α_b" (Harsanyi's argument, weighted);
equal powers give Zeuthen's rule. A concession always gives the other side strictly more than the
previous offer did (on a grid, at least one step), so the monotonic concession protocol
(Rosenschein & Zlotkin 1994) never stalls while a concession is due. The concession is found by
scanning down from one's own level (400 steps to the other's offer), then bisecting the boundary:
the levels that suffice form an interval, not a half-line, so bisection alone can miss them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from bargaining_chips.agents.messages import Offer
from bargaining_chips.agents.strategies.base import LevelStrategy, reservation_now

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView


def risk(own: float, theirs: float, disagreement: float) -> float:
    """Zeuthen's willingness to risk conflict: (own − theirs) / (own − disagreement)."""
    if own <= disagreement:
        return 0.0
    return min(1.0, max(0.0, (own - theirs) / (own - disagreement)))


def boldness(r: float, power: float) -> float:
    """−α · ln(1 − risk): the risk a side bears, weighted by its bargaining power (∞ at risk 1)."""
    return math.inf if r >= 1.0 else -power * math.log1p(-r)


class Zeuthen(LevelStrategy):
    """Concede minimally when one's risk is the smaller, per Zeuthen's principle (no parameters)."""

    name = "zeuthen"

    def __init__(self) -> None:
        pass

    def level(self, view: NegotiationView, round_index: int, their_last: Offer | None) -> float:
        mine = view.last_offer_by()
        if mine is None or their_last is None:
            return 1.0
        me, d_me = view.actor, reservation_now(view, round_index)
        other = view.index_of(their_last.proposer)
        d_other = _floor_of(view, other, round_index)
        my_level = view.utility(mine.terms)
        mine_to_me, theirs_to_me = my_level, view.utility(their_last.terms)
        theirs_to_them = view.utility_of(other, their_last.terms)
        mine_to_them = view.utility_of(other, mine.terms)
        a_me, a_other = view.bargaining_power_of(me), view.bargaining_power_of(other)

        def firm(r_me: float, r_them: float) -> bool:  # my weighted boldness is the larger
            return boldness(r_me, a_me) > boldness(r_them, a_other)

        if firm(risk(mine_to_me, theirs_to_me, d_me), risk(theirs_to_them, mine_to_them, d_other)):
            return my_level  # the other side must concede
        # Concede just enough: the highest level whose offer makes me the bolder and gives the
        # other side strictly more than my last offer. The levels that do form an interval around
        # the Nash point (a finite deal set can leave gaps), so scan down from my level on a fine
        # grid for the first that does, then refine the boundary by bisection.
        def enough(level: float) -> bool:
            terms = view.offer_at(level)
            to_them = view.utility_of(other, terms)
            r_me = risk(view.utility_of(me, terms), theirs_to_me, d_me)
            r_them = risk(theirs_to_them, to_them, d_other)
            return firm(r_me, r_them) and to_them > mine_to_them + 1e-12

        floor = max(theirs_to_me, d_me)
        steps = 400
        above = my_level
        for k in range(1, steps + 1):
            level = my_level - (my_level - floor) * k / steps
            if enough(level):
                lo, hi = level, above
                for _ in range(40):
                    mid = 0.5 * (lo + hi)
                    if enough(mid):
                        lo = mid
                    else:
                        hi = mid
                return lo
            above = level
        return floor


def _floor_of(view: NegotiationView, actor: int, round_index: int) -> float:
    """Actor ``actor``'s discounted floor d / δ^k in round ``round_index``."""
    d, delta = view.reservation_of(actor), view.discount_of(actor)
    if delta == 1.0 or d == 0.0:
        return d
    factor = delta**round_index
    return d / factor if factor > 0.0 else math.inf
