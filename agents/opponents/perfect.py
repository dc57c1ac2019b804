"""The perfect model: the opponent's true weights and reservation.

The benchmark every learning model is measured against (Baarslag et al. 2013, "Predicting the
performance of opponent models in automated negotiation"): what a negotiator would do if it knew
the other side. The model is handed the truth; with it a run under private information plays as
under complete information.
"""

from __future__ import annotations

import numpy as np

from bargaining_chips.agents.opponents.base import OpponentModel, Prior


class PerfectModel(OpponentModel):
    """Knows the opponent's true weights and reservation."""

    name = "perfect"
    needs_truth = True

    def __init__(self) -> None:
        pass

    def begin(self, prior: Prior, rng: np.random.Generator) -> None:
        self._w = np.array(prior.weights, dtype=float)
        self._r = prior.mean_reservation

    def reveal(self, weights: np.ndarray, reservation: float) -> None:
        self._w = weights
        self._r = reservation

    def observe(self, values: np.ndarray, t: float) -> None:
        pass

    @property
    def weights(self) -> np.ndarray:
        return self._w

    @property
    def reservation(self) -> float:
        return self._r
