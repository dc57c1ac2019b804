"""The frequency model: issues the opponent keeps fixed near its best matter to it.

Hindriks & Tykhonov (2008) and the frequency models of the ANAC agents (HardHeaded, van Krimpen et
al. 2013): a negotiator concedes first on what matters little to it, so an issue whose value it
keeps high, and leaves unchanged from one offer to the next, is an important one. After each offer
every issue gains ``learning_rate`` times the value v_i the opponent kept there, twice that when
the value moved by at most ``tolerance`` since its previous offer (on the [0, 1] scale of the
opponent's values), and the weights are renormalised:

    s_i ← s_i + learning_rate · v_i(t) · (1 + [|v_i(t) − v_i(t−1)| ≤ tolerance]),    w = s / Σ s,

with the scores s starting at the prior's expected weights (a prior worth one offer at
``learning_rate`` 1).

Counting the value kept, not only the unchanged rounds of the ANAC models, is what makes the
model work on continuous issues (where a value is rarely repeated exactly) and keeps an issue the
opponent has conceded all the way, and then leaves at its worst, from counting as important.

The model does not learn the reservation from frequencies; it knows only that no one offers less
than its reservation, so its estimate is the prior's mean, lowered to the least utility the
opponent's offers have had under the estimated weights. One update costs O(issues).
"""

from __future__ import annotations

import numpy as np

from bargaining_chips.agents.opponents.base import OpponentModel, Prior
from bargaining_chips.agents.strategies.base import check_range


class FrequencyModel(OpponentModel):
    """Unchanged-issue counting (Hindriks & Tykhonov 2008; ANAC's HardHeaded) with step
    ``learning_rate`` and an issue "unchanged" when its value moved at most ``tolerance``."""

    name = "frequency"

    def __init__(self, learning_rate: float = 0.2, tolerance: float = 0.01) -> None:
        self.learning_rate = check_range("learning_rate", learning_rate, 0.0, 10.0, open_lo=True)
        self.tolerance = check_range("tolerance", tolerance, 0.0, 1.0)

    def begin(self, prior: Prior, rng: np.random.Generator) -> None:
        self._fixed = prior.point_weights
        self._fixed_reservation = prior.point_reservation
        self._w = np.array(prior.weights, dtype=float)
        self._score = self._w.copy()
        self._prior_r = prior.mean_reservation
        self._least = np.inf  # the least utility of an offer seen, under the current estimate
        self._offers: list[np.ndarray] = []

    def observe(self, values: np.ndarray, t: float) -> None:
        values = np.asarray(values, dtype=float)
        if not self._fixed:
            gain = values.copy()
            if self._offers:
                gain += (np.abs(values - self._offers[-1]) <= self.tolerance) * values
            if gain.any():
                self._score += self.learning_rate * gain
                self._w = self._score / self._score.sum()
        self._offers.append(values)
        self._least = min(float(v @ self._w) for v in self._offers) if not self._fixed else min(
            self._least, float(values @ self._w))

    @property
    def weights(self) -> np.ndarray:
        return self._w

    @property
    def reservation(self) -> float:
        if self._fixed_reservation:
            return self._prior_r
        return min(self._prior_r, self._least)
