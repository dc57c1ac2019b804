"""The noisy time-dependent tactic (agents/strategies/noisy.py): the Faratin curve plus Gaussian
noise drawn from the model's seeded generator only.

The model's generator is replaced by a recorder that hands out the same numbers and logs each call,
and the global generators are made to fail, so every draw the strategy makes is seen.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from bargaining_chips.agents.strategies.concession import TimeDependent
from bargaining_chips.agents.strategies.noisy import Noisy


class Recorder:
    """A numpy Generator stand-in: delegates every call and logs (method, result)."""

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        self.calls: list[tuple[str, float]] = []

    def __getattr__(self, name):
        method = getattr(self._rng, name)

        def call(*args, **kwargs):
            value = method(*args, **kwargs)
            self.calls.append((name, value))
            return value

        return call


@pytest.fixture
def no_global_randomness(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a draw from a global generator")

    for name in ("random", "gauss", "normalvariate", "uniform"):
        monkeypatch.setattr(random, name, fail)
    for name in ("random", "normal", "standard_normal", "uniform", "rand", "randn"):
        monkeypatch.setattr(np.random, name, fail)


def test_each_level_is_the_curve_plus_one_recorded_draw(seat, scripted, no_global_randomness):
    """level = min(start, max(floor, base + σ·ε)) with ε the model generator's next standard normal."""
    sigma, beta = 0.1, 0.5
    model = seat("bilateral", A=Noisy(sigma=sigma, beta=beta), B=scripted())
    model.rng = Recorder(11)
    model.run()
    draws = [value for name, value in model.rng.calls if name == "standard_normal"]
    own = [(row["round"] - 1, row["u_A"]) for row in model.rows if row["proposer"] == "A"]
    assert len(draws) == len(own) == 5
    for (r, u), eps in zip(own, draws, strict=True):
        base = 1 - 0.5 * (r / 9) ** (1 / beta)
        assert u == pytest.approx(min(1.0, max(0.5, base + sigma * eps)), abs=1e-9)
    assert {name for name, _ in model.rng.calls} <= {"standard_normal", "random"}


def test_without_noise_it_plays_the_time_dependent_curve(seat, scripted):
    def levels(strategy):
        model = seat("bilateral", seed=3, A=strategy, B=scripted())
        model.run()
        return [row["u_A"] for row in model.rows]

    assert levels(Noisy(sigma=0.0, beta=2.0)) == pytest.approx(levels(TimeDependent(beta=2.0)))


def test_acceptance_uses_the_noiseless_next_level(seat, scripted):
    model = seat("bilateral", A=Noisy(sigma=0.3), B=scripted())
    model.rng = Recorder(5)
    model.step()
    model.step()
    before = len(model.rng.calls)
    threshold = model.rows[1]["thresholds"]["A"]
    assert threshold == pytest.approx(1 - 0.5 * 2 / 9)  # linear, t = 2/9, no noise
    view = model.government(0).view
    model.government(0).strategy.respond(view, model.offers[1])
    assert len(model.rng.calls) == before  # answering draws nothing


def test_different_seeds_give_different_play_the_same_seed_the_same(seat, scripted):
    def levels(seed):
        model = seat("bilateral", seed=seed, A=Noisy(sigma=0.1), B=scripted())
        model.run()
        model.release()
        return [row["u_A"] for row in model.rows]

    assert levels(1) == levels(1)
    assert levels(1) != levels(2)
