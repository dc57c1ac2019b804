"""Behaviour-dependent concession: relative tit-for-tat.

Faratin, Sierra & Jennings (1998), section 4.3 ("relative tit-for-tat"): the negotiator reproduces,
in proportion, the concession its opponent made ``window`` offers ago. Measured in utilities, if the
others' latest offer is worth a fraction q = u_o(latest) / u_o(earlier) of their earlier offer to
them, the negotiator asks for q times what it asked last, never below its floor and never above
``start``. It opens at ``start`` and, like every level strategy, accepts at the last round anything
at least as good as no deal. Under discounting it never asks for or accepts less than the discounted
floor r / δ^k of round k (no deal pays r undiscounted; ``agents.strategies.base.reservation_now``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bargaining_chips.agents.messages import Offer
from bargaining_chips.agents.strategies.base import LevelStrategy, check_range

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView


class TitForTat(LevelStrategy):
    """Relative tit-for-tat over a ``window`` of the others' offers (``window`` ≥ 1)."""

    name = "tit_for_tat"

    def __init__(self, window: int = 1, start: float = 1.0, floor: float | None = None) -> None:
        self.window = int(check_range("window", window, 1, 20))
        self.start = check_range("start", start, 0.0, 1.0)
        self.floor = None if floor is None else check_range("floor", floor, 0.0, 1.0)

    def level(self, view: NegotiationView, round_index: int, their_last: Offer | None) -> float:
        floor = view.reservation if self.floor is None else self.floor
        mine = view.last_offer_by()
        if mine is None or their_last is None:
            return self.start
        proposer = view.index_of(their_last.proposer)
        earlier = _earlier_offer(view, their_last, self.window)
        if earlier is None:
            return view.utility(mine.terms)
        now_value = view.utility_of(proposer, their_last.terms)
        then_value = view.utility_of(proposer, earlier.terms)
        ratio = now_value / then_value if then_value > 0 else 1.0
        return min(self.start, max(floor, view.utility(mine.terms) * ratio))


def _earlier_offer(view: NegotiationView, latest: Offer, back: int) -> Offer | None:
    """The offer by ``latest``'s proposer made ``back`` offers before ``latest``."""
    seen = 0
    found = False
    for offer in reversed(view.history):
        if offer is latest:
            found = True
            continue
        if found and offer.proposer == latest.proposer:
            seen += 1
            if seen == back:
                return offer
    if not found:  # latest is a pending offer not yet in the history
        return view.last_offer_by(view.index_of(latest.proposer), before=back - 1)
    return None
