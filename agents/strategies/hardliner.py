"""The hardliner: never concedes.

The tough negotiator of the experimental literature (Siegel & Fouraker 1960; the "hardheaded" agent
of the ANAC competitions): it always asks for ``level`` and accepts only offers worth at least that.
With ``walk_away`` it leaves the table once its believed deadline has come (t = 1) instead of
waiting for the talks to time out. Under discounting its level is floored by the discounted floor
r / δ^k (:func:`~agents.strategies.base.reservation_now`), and it walks away once no later agreement
can be worth its reservation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies.base import (
    BEST,
    Strategy,
    check_range,
    reservation_now,
)

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView


class Hardliner(Strategy):
    """Always asks for ``level`` (at least its reservation) and accepts nothing worth less; with
    ``walk_away``, leaves the table at its believed deadline."""

    name = "hardliner"

    def __init__(self, level: float = 1.0, walk_away: bool = False) -> None:
        self.level = check_range("level", level, 0.0, 1.0)
        if not isinstance(walk_away, bool):
            from bargaining_chips.agents.strategies.base import ParameterError

            raise ParameterError("walk_away", f"expected true or false, got {walk_away!r}")
        self.walk_away = walk_away

    def propose(self, view: NegotiationView) -> np.ndarray:
        return view.offer_at(min(max(self.level, reservation_now(view)), BEST))

    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float:
        return max(self.level, reservation_now(view))

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        if view.utility(offer.terms) >= self.acceptance_threshold(view, offer) - 1e-12:
            return Response.ACCEPT
        if self.walk_away and view.t >= 1.0:
            return Response.WALK_AWAY
        if not view.is_last_round and reservation_now(view, view.round_index + 1) > BEST:
            return Response.WALK_AWAY
        return Response.REJECT
