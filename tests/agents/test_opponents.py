"""Opponent models (agents.opponents): the registry, the prior, the accuracy measures, updates."""

from __future__ import annotations

import math

import numpy as np
import pytest

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
