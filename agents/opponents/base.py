"""The opponent-model interface, the prior it starts from, and the measures of its accuracy.

Under private information (``protocol.information = "private"``) a government knows its own utility
and holds a belief about each other government's issue weights and reservation utility. An
:class:`OpponentModel` is that belief for one opponent: it starts from a :class:`Prior` stated in the
scenario and learns from the opponent's offers (Hindriks & Tykhonov 2008; Zeng & Sycara 1998). Like a
strategy it is a small class with a registered ``name`` and its parameters in ``__init__`` and
``repr``; it sees only what it is handed: the opponent's value of each issue in each of its offers,
as the believer reads them (the issue's position between the opponent's believed worst and best
end, bent by the value function), and the believer's relative time.

**A point prior is certainty.** A prior with no spread on the weights (``concentration`` left out)
and one reservation value is a belief held for sure: every model keeps it, whatever it observes, so
a point prior at the truth plays exactly as complete information does.

**Accuracy** (the measures NegMAS reports for opponent models): Kendall's τ between the estimated
and the true ranking of the opponent's issues (:func:`kendall_tau`, the τ-b that counts ties), and
the Euclidean distance between the estimated and the true weight vectors (:func:`weight_distance`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from bargaining_chips.agents.strategies.base import Parametrised
from bargaining_chips.floats import dot, log


@dataclass(frozen=True, eq=False)
class Prior:
    """What a government believes of one opponent before the talks.

    ``weights``: the expected issue weights (one per issue, summing to 1). ``concentration``: how
    sure the believer is of them, as the concentration of a Dirichlet distribution with that mean
    (per issue α_i = concentration · n · weights_i; 1 with equal weights is the uniform
    distribution over weight vectors); None is a point belief. ``reservation``: the interval
    [low, high] the opponent's reservation utility is believed to lie in, uniformly (low == high:
    a point).
    """

    weights: np.ndarray
    concentration: float | None
    reservation: tuple[float, float]

    @property
    def point_weights(self) -> bool:
        return self.concentration is None

    @property
    def point_reservation(self) -> bool:
        return self.reservation[0] == self.reservation[1]

    @property
    def point(self) -> bool:
        """No spread at all: a belief held for sure (every model keeps it)."""
        return self.point_weights and self.point_reservation

    @property
    def mean_reservation(self) -> float:
        lo, hi = self.reservation
        return lo if lo == hi else 0.5 * (lo + hi)

    @property
    def uniform(self) -> bool:
        """The uniform Dirichlet (every α_i = 1): every weight vector equally likely."""
        if self.concentration is None:
            return False
        alpha = self.concentration * len(self.weights) * self.weights
        return all(a == 1.0 for a in alpha.tolist())

    def log_density(self, hypotheses: np.ndarray) -> np.ndarray:
        """The Dirichlet log-density (up to a constant) of each row of ``hypotheses`` (weight
        vectors with positive entries); 0 for every row under a point belief."""
        if self.concentration is None or self.uniform:  # every row alike
            return np.zeros(len(hypotheses))
        alpha = self.concentration * len(self.weights) * self.weights
        return dot(log(np.maximum(hypotheses, 1e-300)), alpha - 1.0)  # the C library's log


class OpponentModel(Parametrised):
    """Base class: a belief about one opponent that learns from its offers.

    Subclasses set ``name`` and implement :meth:`begin`, :meth:`observe` and the two estimates.
    Each update costs time linear in issues × hypotheses.
    """

    name: ClassVar[str] = ""
    #: Whether the model is handed the truth (:meth:`reveal`): the perfect model only.
    needs_truth: ClassVar[bool] = False

    def begin(self, prior: Prior, rng: np.random.Generator) -> None:
        """Start from ``prior`` (``rng``: the run's generator, for a model that samples hypotheses)."""
        raise NotImplementedError

    def observe(self, values: np.ndarray, t: float) -> None:
        """Learn from one offer of the opponent: ``values`` is its value of each issue in the offer
        (in [0, 1], as the believer reads them), ``t`` the believer's relative time then."""
        raise NotImplementedError

    def reveal(self, weights: np.ndarray, reservation: float) -> None:
        """The opponent's true weights and reservation (handed only to a model that needs them)."""

    @property
    def weights(self) -> np.ndarray:
        """The estimated issue weights (summing to 1)."""
        raise NotImplementedError

    @property
    def reservation(self) -> float:
        """The estimated reservation utility."""
        raise NotImplementedError


#: Two weights closer than this rank as equal in :func:`kendall_tau`.
TIE = 1e-9


def kendall_tau(estimate: np.ndarray, truth: np.ndarray) -> float:
    """Kendall's τ-b between two weight vectors: +1 when they rank the issues alike, −1 when
    reversed, ties counted as in Kendall (1945). Weights within :data:`TIE` of each other are
    tied (a posterior mean of equal weights differs by rounding only). NaN when either vector is
    constant (no ranking)."""
    a, b = np.asarray(estimate, dtype=float).tolist(), np.asarray(truth, dtype=float).tolist()
    n = len(a)
    concordant = discordant = ties_a = ties_b = 0
    for i in range(n):
        for j in range(i + 1, n):
            da, db = a[i] - a[j], b[i] - b[j]
            tie_a, tie_b = abs(da) <= TIE, abs(db) <= TIE
            if tie_a and tie_b:
                continue
            if tie_a:
                ties_a += 1
            elif tie_b:
                ties_b += 1
            elif (da > 0.0) == (db > 0.0):
                concordant += 1
            else:
                discordant += 1
    denominator = math.sqrt((concordant + discordant + ties_a) * (concordant + discordant + ties_b))
    if denominator == 0.0:
        return math.nan
    return (concordant - discordant) / denominator


def weight_distance(estimate: np.ndarray, truth: np.ndarray) -> float:
    """The Euclidean distance between the estimated and the true weight vectors (0 when exact; at
    most √2 between two weight vectors summing to 1)."""
    return float(np.sqrt(np.sum((np.asarray(estimate) - np.asarray(truth)) ** 2)))
