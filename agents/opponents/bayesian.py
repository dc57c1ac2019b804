"""The Bayesian model: a posterior over weight and reservation hypotheses, updated from each offer.

Hindriks & Tykhonov (2008), "Opponent modelling in automated multi-issue negotiation using Bayesian
learning", and Zeng & Sycara (1998), "Bayesian learning in negotiation". The believer holds a
probability over pairs (w_k, r_j) of a weight hypothesis and a reservation hypothesis:

* weight hypotheses are issue rankings (Hindriks & Tykhonov): the issue ranked ρ-th least important
  of n weighs 2ρ / (n(n + 1)); every ranking is a hypothesis while there are at most
  ``max_hypotheses`` of them (n ≤ 6 by default: 720), else ``max_hypotheses`` rankings drawn from the
  run's generator. Their prior probability is the prior's Dirichlet density at each (uniform for
  the uniform Dirichlet); a point prior has its own weights as the one hypothesis;
* reservation hypotheses are ``levels`` values (7 by default) evenly spaced over the prior's interval (one under a
  point prior), equally likely.

The opponent is assumed to concede in time from its best towards its reservation (Zeng & Sycara;
Hindriks & Tykhonov take the same linear decline), so under (w, r) its offer at relative time t is
expected to be worth μ(t) = 1 − (1 − r) · t^(1/β) to it; an offer whose values v it makes is worth
u_k = w_k · v under hypothesis k, and is observed with Gaussian noise of spread σ:

    P(k, j | offer) ∝ P(k, j) · exp(−(w_k · v − μ_j(t))² / (2σ²)).

One update is a product of the hypotheses with the offer's values (issues × hypotheses) and a
table of levels × hypotheses: linear in issues × hypotheses, computed for every hypothesis at once
on arrays built when the model begins. The estimates are the posterior means of w and r. Its
products are numpy's element-wise products and reductions, never BLAS (whose kernel, picked by the
CPU, adds in its own order; :mod:`bargaining_chips.floats`), so a run gives the same bits on every
machine.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

from bargaining_chips.agents.opponents.base import OpponentModel, Prior
from bargaining_chips.agents.strategies.base import ParameterError, check_range
from bargaining_chips.floats import dot, exp


def ranking_hypotheses(n: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Weight vectors of issue rankings (one row per ranking): all n! when n! ≤ ``limit``, else
    ``limit`` rankings drawn from ``rng``. The issue ranked ρ-th least important weighs
    2ρ / (n(n + 1))."""
    if math.factorial(n) <= limit:
        return _every_ranking(n)
    levels = 2.0 * np.arange(1, n + 1) / (n * (n + 1))
    return levels[np.argsort(rng.random((limit, n)), axis=1)]  # ``limit`` uniform rankings


@functools.lru_cache(maxsize=16)
def _every_ranking(n: int) -> np.ndarray:
    """Every ranking's weight vector, built once per number of issues (read-only: every ranking of
    7 issues, 5,040 rows, took 12 ms to build, a third of a private run of the default scenario)."""
    levels = 2.0 * np.arange(1, n + 1) / (n * (n + 1))
    orders = np.fromiter(itertools.chain.from_iterable(itertools.permutations(range(n))),
                         dtype=np.intp).reshape(-1, n)
    out = levels[orders]
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=16)
def _transposed(n: int) -> np.ndarray:
    """:func:`_every_ranking` transposed, issues × rankings (read-only)."""
    out = np.ascontiguousarray(_every_ranking(n).T)
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _levels(lo: float, hi: float, count: int) -> np.ndarray:
    """``count`` reservation levels evenly spaced over [lo, hi] (read-only, built once per
    interval: ``np.linspace`` was a fifth of a Bayesian model's start)."""
    out = np.array([lo]) if count == 1 else np.linspace(lo, hi, count)
    out.flags.writeable = False
    return out


def _posterior_means(log: np.ndarray, h: np.ndarray, ht: np.ndarray, r: np.ndarray,
                     table: np.ndarray) -> tuple[np.ndarray, float]:
    """The posterior means of the weights and the reservation under the log posterior ``log``
    (levels × hypotheses; ``table``, of its shape, is written over)."""
    p = table  # unnormalised posterior, levels × hypotheses (the same bits on every CPU)
    p[...] = exp(log)
    by_weights = np.add.reduce(p, axis=0)  # of each weight hypothesis
    by_level = np.add.reduce(p, axis=1)  # of each reservation level
    total = float(np.add.reduce(by_weights))
    w = h[0] if len(h) == 1 else dot(ht, by_weights) / total
    res = float(r[0]) if len(r) == 1 else float(dot(by_level, r)) / total
    return w, res


@functools.lru_cache(maxsize=64)
def _uniform_start(n: int, lo: float, hi: float, count: int) -> tuple[np.ndarray, np.ndarray, float]:
    """The start of a model over every ranking of ``n`` issues, all equally likely, and ``count``
    reservation levels over [lo, hi]: its zero log posterior and its estimates (read-only; built
    once, not in every run of a scenario: they were half of a Bayesian model's start)."""
    h, ht, r = _every_ranking(n), _transposed(n), _levels(lo, hi, count)
    log = np.zeros((count, len(h)))
    w, res = _posterior_means(log, h, ht, r, np.empty_like(log))
    log.flags.writeable = False
    w.flags.writeable = False
    return log, w, res


class BayesianModel(OpponentModel):
    """Bayesian learning over issue-ranking × reservation hypotheses (Hindriks & Tykhonov 2008;
    Zeng & Sycara 1998): ``levels`` reservation values, offers expected to decline as
    1 − (1 − r) t^(1/``beta``), observed with noise ``sigma``; at most ``max_hypotheses`` rankings."""

    name = "bayesian"

    def __init__(self, sigma: float = 0.1, beta: float = 1.0, levels: int = 7,
                 max_hypotheses: int = 720) -> None:
        self.sigma = check_range("sigma", sigma, 0.0, 10.0, open_lo=True)
        self.beta = check_range("beta", beta, 0.0, 100.0, open_lo=True)
        if isinstance(levels, bool) or not isinstance(levels, int) or not 1 <= levels <= 1001:
            raise ParameterError("levels", f"{levels!r}; expected a whole number in [1, 1001]")
        if (isinstance(max_hypotheses, bool) or not isinstance(max_hypotheses, int)
                or not 1 <= max_hypotheses <= 100_000):
            raise ParameterError(
                "max_hypotheses", f"{max_hypotheses!r}; expected a whole number in [1, 100000]")
        self.levels = levels
        self.max_hypotheses = max_hypotheses

    def begin(self, prior: Prior, rng: np.random.Generator) -> None:
        n = len(prior.weights)
        if prior.point_weights:
            h = np.array(prior.weights, dtype=float)[None, :]
        else:
            h = ranking_hypotheses(n, self.max_hypotheses, rng)
        self._h = h
        # issues × hypotheses, a row of weights per issue (every ranking's: built once per n)
        every = not prior.point_weights and math.factorial(n) <= self.max_hypotheses
        self._ht = _transposed(n) if every else np.ascontiguousarray(h.T)
        lo, hi = prior.reservation
        self._r = _levels(lo, hi, 1 if lo == hi else self.levels)
        self._keep = (1.0 - self._r)[:, None]  # (levels, 1): the share of 1 − r still to concede
        self._twice_var = 2.0 * self.sigma**2
        self._exponent = 1.0 / self.beta
        self._point = prior.point
        if every and prior.uniform:  # the start every run of such a prior shares
            log, self._w_est, self._r_est = _uniform_start(n, lo, hi, len(self._r))
            self._log = log.copy()
            self._table = np.empty_like(self._log)
            return
        log_w = prior.log_density(h)
        # The log posterior, levels × hypotheses (its maximum kept at 0), and a table to work in.
        self._log = np.zeros((len(self._r), len(h))) + (log_w - log_w.max())
        self._table = np.empty_like(self._log)
        self._estimate()

    def observe(self, values: np.ndarray, t: float) -> None:
        if self._point:
            return
        v = np.asarray(values, dtype=float)
        u = np.add.reduce(self._ht * v[:, None], axis=0)  # w_k · v for every hypothesis k
        mu = 1.0 - self._keep * max(0.0, min(1.0, t)) ** self._exponent  # (levels, 1)
        table = self._table
        np.subtract(u, mu, out=table)
        np.multiply(table, table, out=table)
        table /= self._twice_var
        log = self._log
        log -= table
        log -= log.max()
        self._estimate()

    def _estimate(self) -> None:
        self._w_est, self._r_est = _posterior_means(self._log, self._h, self._ht, self._r,
                                                    self._table)

    @property
    def hypotheses(self) -> int:
        """How many (weights, reservation) hypotheses the posterior is over."""
        return self._log.size

    @property
    def weights(self) -> np.ndarray:
        return self._w_est

    @property
    def reservation(self) -> float:
        return self._r_est
