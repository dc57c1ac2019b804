"""Zeuthen's risk-based strategy.

Zeuthen (1930), "Problems of Monopoly and Economic Warfare", ch. IV; Harsanyi (1956) showed the rule
leads to the deal maximising the Nash product. Each side's *risk* is the largest probability of
conflict it would bear rather than accept the other's offer:

    risk_a = (u_a(own offer) − u_a(their offer)) / (u_a(own offer) − d_a),

(1 when its own offer is worth no more than no deal, d_a). The side with the smaller risk (both, when
equal) concedes — just enough that the other's risk becomes the smaller; the other stands firm.
Preferences are common knowledge, so each side can compute both risks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.strategies.base import LevelStrategy
from model.messages import Offer

if TYPE_CHECKING:
    from agents.view import NegotiationView


def risk(own: float, theirs: float, disagreement: float) -> float:
    """Zeuthen's willingness to risk conflict: (own − theirs) / (own − disagreement)."""
    if own <= disagreement:
        return 0.0
    return min(1.0, max(0.0, (own - theirs) / (own - disagreement)))


class Zeuthen(LevelStrategy):
    """Concede minimally when one's risk is the smaller, per Zeuthen's principle (no parameters)."""

    name = "zeuthen"

    def __init__(self) -> None:
        pass

    def level(self, view: NegotiationView, round_index: int, their_last: Offer | None) -> float:
        mine = view.last_offer_by()
        if mine is None or their_last is None:
            return 1.0
        me, d_me = view.actor, view.reservation
        other = view.index_of(their_last.proposer)
        d_other = view.reservation_of(other)
        my_level = view.utility(mine.terms)
        mine_to_me, theirs_to_me = my_level, view.utility(their_last.terms)
        theirs_to_them = view.utility_of(other, their_last.terms)
        mine_to_them = view.utility_of(other, mine.terms)
        if risk(mine_to_me, theirs_to_me, d_me) > risk(theirs_to_them, mine_to_them, d_other):
            return my_level  # the other side must concede
        # Concede just enough: the highest level whose offer makes my risk exceed theirs.
        lo, hi = max(theirs_to_me, d_me), my_level
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            terms = view.offer_at(mid)
            r_me = risk(view.utility_of(me, terms), theirs_to_me, d_me)
            r_them = risk(theirs_to_them, view.utility_of(other, terms), d_other)
            if r_me > r_them:
                lo = mid
            else:
                hi = mid
        return lo
