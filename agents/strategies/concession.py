"""Time-dependent concession: Boulware, linear and Conceder tactics.

Faratin, Sierra & Jennings (1998), "Negotiation decision functions for autonomous agents",
Robotics and Autonomous Systems 24(3-4). A negotiator concedes from a starting utility level to its
floor (by default its reservation utility) as relative time t runs from 0 to 1:

    α(t) = k + (1 − k) · t^(1/β),        level(t) = start − (start − floor) · α(t).

β < 1 is Boulware (holds firm, concedes at the end), β = 1 linear, β > 1 Conceder (gives ground
early). ``k`` is the share of the range conceded in the opening offer.

Under discounting (δ < 1) the level is an undiscounted utility, and what the tactic asks for in round
k (0-based) is u* = max(level(t), r / δ^k): no deal pays the reservation r undiscounted, so terms
worth less than r / δ^k now are worth less than no deal (``agents.strategies.base.reservation_now``).
The curve is followed until it meets that rising floor, and the tactic walks away once no terms can
reach the next round's floor (r / δ^(k+1) > 1). With δ = 1 the floor is r and nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bargaining_chips.agents.messages import Offer
from bargaining_chips.agents.strategies.base import LevelStrategy, ParameterError, check_range

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView

#: Named concession exponents: the classic presets.
PRESETS: dict[str, float] = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}


def concession(t: float, beta: float, k: float = 0.0) -> float:
    """α(t): the share of the way from start to floor conceded at relative time t ∈ [0, 1]."""
    t = min(max(t, 0.0), 1.0)
    return k + (1.0 - k) * t ** (1.0 / beta)


class TimeDependent(LevelStrategy):
    """Faratin–Sierra–Jennings time-dependent tactic with concession exponent ``beta``.

    ``start`` is the opening utility level; ``floor`` the lowest level it will ask for (None: the
    actor's reservation utility). Under discounting it asks for max(level, r / δ^k) in round k and
    accepts nothing below r / δ^k (see the module docstring).
    """

    name = "time_dependent"

    def __init__(
        self, beta: float = 1.0, k: float = 0.0, start: float = 1.0, floor: float | None = None
    ) -> None:
        self.beta = check_range("beta", beta, 0.0, 100.0, open_lo=True)
        self.k = check_range("k", k, 0.0, 1.0)
        self.start = check_range("start", start, 0.0, 1.0)
        self.floor = None if floor is None else check_range("floor", floor, 0.0, 1.0)
        if self.floor is not None and self.floor > self.start:
            raise ParameterError("floor", f"{floor!r} is above start ({start!r}); expected floor <= start")

    def level(self, view: NegotiationView, round_index: int, their_last: Offer | None) -> float:
        floor = view.reservation if self.floor is None else self.floor
        t = view.relative_time(round_index)
        return self.start - (self.start - floor) * concession(t, self.beta, self.k)


class Boulware(TimeDependent):
    """Time-dependent tactic preset: holds firm until late (β = 0.2 by default)."""

    name = "boulware"

    def __init__(
        self, beta: float = PRESETS["boulware"], k: float = 0.0, start: float = 1.0,
        floor: float | None = None,
    ) -> None:
        super().__init__(beta, k, start, floor)


class Linear(TimeDependent):
    """Time-dependent tactic preset: concedes evenly (β = 1)."""

    name = "linear"

    def __init__(
        self, beta: float = PRESETS["linear"], k: float = 0.0, start: float = 1.0,
        floor: float | None = None,
    ) -> None:
        super().__init__(beta, k, start, floor)


class Conceder(TimeDependent):
    """Time-dependent tactic preset: concedes early (β = 5 by default)."""

    name = "conceder"

    def __init__(
        self, beta: float = PRESETS["conceder"], k: float = 0.0, start: float = 1.0,
        floor: float | None = None,
    ) -> None:
        super().__init__(beta, k, start, floor)
