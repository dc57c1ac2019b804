"""Opponent models (agents.opponents): the registry, the prior, the accuracy measures, updates."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining_chips.agents.opponents import (
    MODEL_REGISTRY,
    OPPONENT_MODELS,
    BayesianModel,
    FrequencyModel,
    OpponentModel,
    PerfectModel,
    Prior,
    kendall_tau,
    make_opponent_model,
    weight_distance,
)
from bargaining_chips.agents.opponents.bayesian import ranking_hypotheses
from bargaining_chips.agents.strategies import ParameterError

UNIFORM = Prior(np.full(5, 0.2), 1.0, (0.0, 1.0))


def test_the_registry_lists_every_model_once_with_a_docstring():
    assert len(MODEL_REGISTRY) == len(OPPONENT_MODELS)
    assert set(OPPONENT_MODELS) == set(OpponentModel.__subclasses__())
    for cls in OPPONENT_MODELS:
        assert cls.name and cls.__doc__ and cls.__module__.startswith("bargaining_chips.agents")
    assert repr(make_opponent_model("bayesian", sigma=0.05)).startswith("BayesianModel(sigma=0.05")


@pytest.mark.parametrize(("name", "params", "param"), [
    ("bayesian", {"sigma": 0.0}, "sigma"), ("bayesian", {"levels": 0}, "levels"),
    ("bayesian", {"max_hypotheses": 1.5}, "max_hypotheses"),
    ("frequency", {"learning_rate": -1.0}, "learning_rate"),
])
def test_parameters_are_checked(name, params, param):
    with pytest.raises(ParameterError) as err:
        make_opponent_model(name, **params)
    assert err.value.param == param


def test_kendall_tau_and_weight_distance():
    w = np.array([0.1, 0.2, 0.3, 0.4])
    assert kendall_tau(w, w) == 1.0
    assert kendall_tau(w[::-1], w) == -1.0
    assert kendall_tau([0.4, 0.3, 0.2, 0.1, 0.0], [0.4, 0.3, 0.2, 0.0, 0.1]) == pytest.approx(0.8)
    assert kendall_tau([0.3, 0.3, 0.2, 0.1, 0.1], [0.4, 0.3, 0.15, 0.1, 0.05]) == pytest.approx(
        8 / math.sqrt(8 * 10))  # τ-b: two ties in the estimate
    assert math.isnan(kendall_tau(np.full(4, 0.25), w))
    assert weight_distance(w, w) == 0.0
    assert weight_distance([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.sqrt(2))


@pytest.mark.parametrize("cls", OPPONENT_MODELS)
def test_a_point_prior_is_kept_whatever_is_seen(cls):
    prior = Prior(np.array([0.5, 0.3, 0.2]), None, (0.4, 0.4))
    m = cls()
    m.begin(prior, np.random.default_rng(0))
    for t in (0.0, 0.3, 0.6):
        m.observe(np.array([0.1, 0.9, 0.5]), t)
    assert m.weights.tolist() == [0.5, 0.3, 0.2] and m.reservation == 0.4


def test_ranking_hypotheses_cover_every_ranking_or_a_sample():
    h = ranking_hypotheses(4, 5040, np.random.default_rng(0))
    assert h.shape == (24, 4) and len({tuple(r) for r in h.tolist()}) == 24
    assert np.allclose(h.sum(axis=1), 1.0)
    assert ranking_hypotheses(9, 100, np.random.default_rng(0)).shape == (100, 9)


def test_the_bayesian_posterior_finds_the_ranking_and_the_reservation():
    """A scripted opponent concedes linearly to r = 0.3, conceding its least important issues
    first (the efficient offers against a learner that weighs every issue alike)."""
    w = np.array([0.05, 0.1, 0.15, 0.3, 0.4])
    m = BayesianModel(sigma=0.05)
    m.begin(UNIFORM, np.random.default_rng(0))
    assert m.hypotheses == 120 * 7
    for k in range(30):
        t = k / 29
        budget = (1 - 0.3) * t
        v = np.ones(5)
        for i in np.argsort(w):
            give = min(budget, w[i])
            v[i] = 1 - give / w[i]
            budget -= give
        m.observe(v, t)
    assert kendall_tau(m.weights, w) >= 0.8
    assert abs(m.reservation - 0.3) < abs(UNIFORM.mean_reservation - 0.3)  # nearer than the prior


def test_the_frequency_model_ranks_issues_kept_high_above_those_conceded():
    m = FrequencyModel()
    m.begin(UNIFORM, np.random.default_rng(0))
    for k in range(10):
        m.observe(np.array([1.0, 1.0, 1.0, 1.0 - 0.1 * k, 0.0]), k / 10)
    est = m.weights
    assert est[4] < est[3] < est[0] and est[0] == est[1] == est[2]
    assert m.reservation <= UNIFORM.mean_reservation


def test_the_perfect_model_is_the_truth_it_is_handed():
    m = PerfectModel()
    m.begin(UNIFORM, np.random.default_rng(0))
    m.reveal(np.array([0.6, 0.4]), 0.25)
    m.observe(np.array([0.0, 1.0]), 0.5)
    assert m.weights.tolist() == [0.6, 0.4] and m.reservation == 0.25 and m.needs_truth


class _ReferenceBayesian:
    """The Bayesian update written out slowly, hypothesis by hypothesis and level by level (the
    model's earlier matrix form, in plain Python): P(k, j | offer) ∝ P(k, j) · exp(−(w_k · v −
    μ_j(t))² / (2σ²)), μ_j(t) = 1 − (1 − r_j) t^(1/β); the estimates are the posterior means."""

    def __init__(self, h: np.ndarray, r: np.ndarray, log_w: np.ndarray, sigma: float,
                 beta: float) -> None:
        self.h, self.r, self.sigma, self.beta = h.tolist(), r.tolist(), sigma, beta
        top = max(log_w.tolist())
        self.log = [[w - top] * len(self.r) for w in log_w.tolist()]

    def observe(self, values: np.ndarray, t: float) -> None:
        tt = max(0.0, min(1.0, t)) ** (1.0 / self.beta)
        for k, w in enumerate(self.h):
            u = math.fsum(a * b for a, b in zip(w, values.tolist(), strict=True))
            for j, r in enumerate(self.r):
                self.log[k][j] -= (u - (1.0 - (1.0 - r) * tt)) ** 2 / (2.0 * self.sigma**2)
        top = max(max(row) for row in self.log)
        self.log = [[x - top for x in row] for row in self.log]

    def estimates(self) -> tuple[np.ndarray, float]:
        p = [[math.exp(x) for x in row] for row in self.log]
        total = math.fsum(math.fsum(row) for row in p)
        n = len(self.h[0])
        w = [math.fsum(math.fsum(row) * self.h[k][i] for k, row in enumerate(p)) / total
             for i in range(n)]
        r = math.fsum(p[k][j] * self.r[j] for k in range(len(p)) for j in range(len(self.r)))
        return np.array(w), r / total


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 5), seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 12),
       sigma=st.floats(0.05, 0.5), beta=st.floats(0.2, 5.0), levels=st.integers(1, 9),
       concentration=st.sampled_from([1.0, 3.0]), sampled=st.booleans())
def test_the_bayesian_update_equals_the_update_written_out(n, seed, steps, sigma, beta, levels,
                                                           concentration, sampled):
    """The model's update over every hypothesis at once equals the slow update, hypothesis by
    hypothesis, on random priors and offers (to rounding: the sums are added in other orders)."""
    rng = np.random.default_rng(seed)
    mean = rng.dirichlet(np.ones(n))
    lo = float(rng.uniform(0.0, 0.5))
    prior = Prior(mean, concentration, (lo, lo + float(rng.uniform(0.0, 0.5))))
    limit = max(2, math.factorial(n) // 2) if sampled else 720
    model = BayesianModel(sigma=sigma, beta=beta, levels=levels, max_hypotheses=limit)
    model.begin(prior, np.random.default_rng(seed))
    h = ranking_hypotheses(n, limit, np.random.default_rng(seed))  # the same draw
    r = np.linspace(*prior.reservation, levels) if levels > 1 else np.array([lo])
    if prior.point_reservation:
        r = np.array([lo])
    log_w = np.array([math.fsum((a - 1.0) * math.log(x) for a, x in zip(
        (concentration * n * mean).tolist(), row, strict=True)) for row in h.tolist()])
    slow = _ReferenceBayesian(h, r, log_w, sigma, beta)
    for step in range(steps):
        values, t = rng.random(n), step / steps
        model.observe(values, t)
        slow.observe(values, t)
        w, res = slow.estimates()
        np.testing.assert_allclose(model.weights, w, rtol=0, atol=1e-9)
        assert model.reservation == pytest.approx(res, abs=1e-9)
    assert model.hypotheses == len(h) * len(r)


def test_models_of_one_uniform_prior_share_their_start_not_their_learning():
    assert UNIFORM.uniform and not Prior(np.full(5, 0.2), 3.0, (0.0, 1.0)).uniform
    assert not Prior(np.full(5, 0.2), None, (0.0, 1.0)).uniform
    a, b = BayesianModel(), BayesianModel()
    a.begin(UNIFORM, np.random.default_rng(0))
    b.begin(UNIFORM, np.random.default_rng(0))
    start = (a.weights.copy(), a.reservation)
    a.observe(np.array([1.0, 0.9, 0.5, 0.2, 0.0]), 0.3)
    assert not np.array_equal(a.weights, start[0])
    assert np.array_equal(b.weights, start[0]) and b.reservation == start[1]
    b.observe(np.array([1.0, 0.9, 0.5, 0.2, 0.0]), 0.3)
    assert a.weights.tolist() == b.weights.tolist() and a.reservation == b.reservation
