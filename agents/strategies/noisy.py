"""A noisy time-dependent tactic: Faratin et al.'s curve plus seeded Gaussian noise.

Real negotiators do not follow a curve exactly. Each round the level asked for is the
time-dependent level (see :mod:`agents.strategies.concession`) plus a draw from N(0, sigma²) taken
from the model's seeded generator, clipped to [floor, start]. Acceptance compares against the
noiseless next level, so noise changes what is asked, not what is acceptable. As for every level
strategy, what it asks for and accepts in round k is never below the discounted floor r / δ^k.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bargaining_chips.agents.messages import Offer
from bargaining_chips.agents.strategies.base import check_range
from bargaining_chips.agents.strategies.concession import TimeDependent

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView


class Noisy(TimeDependent):
    """The time-dependent level plus N(0, ``sigma``²) noise from the model's seeded generator,
    clipped to [floor, start]; acceptance uses the noiseless curve."""

    name = "noisy"

    def __init__(
        self, sigma: float = 0.05, beta: float = 1.0, k: float = 0.0, start: float = 1.0,
        floor: float | None = None,
    ) -> None:
        super().__init__(beta, k, start, floor)
        self.sigma = check_range("sigma", sigma, 0.0, 1.0)

    def level(self, view: NegotiationView, round_index: int, their_last: Offer | None) -> float:
        base = super().level(view, round_index, their_last)
        if round_index != view.round_index:  # a look ahead (acceptance): no draw
            return base
        floor = view.reservation if self.floor is None else self.floor
        return min(self.start, max(floor, base + self.sigma * view.rng.standard_normal()))
