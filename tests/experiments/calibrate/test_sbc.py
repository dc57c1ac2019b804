"""Simulation-based calibration (Talts et al. 2018) of rejection ABC on the bilateral scenario:
the 50% and 90% intervals cover the truth at their nominal rates over 100 repetitions, and the
posterior concentrates as facts are added. Seeds are fixed, so the counts are what they are; the
bounds are a Binomial(100, level)'s at 99.9%, what a correct method meets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bargaining_chips.experiments.calibrate.sbc import (
    ObservedOffer,
    concentration_table,
    coverage_table,
    run_sbc,
)
from bargaining_chips.experiments.sweep.config import ParameterSpec

BILATERAL = str(Path(__file__).parents[2] / "fixtures" / "bilateral.toml")
PRIORS = {"actors.A.strategy.beta": ParameterSpec(range=(0.2, 3.0), distribution="loguniform"),
          "actors.B.strategy.beta": ParameterSpec(range=(0.2, 3.0), distribution="loguniform")}
# B's second offer on x tells B's pace; A's third on z tells A's; B's fourth tells B's again.
TEMPLATES = [ObservedOffer("B", "x", 2, 2.5), ObservedOffer("A", "z", 3, 0.25),
             ObservedOffer("B", "x", 4, 2.5)]


@pytest.fixture(scope="module")
def repetitions():
    return run_sbc(BILATERAL, PRIORS, TEMPLATES, repetitions=100, draws=20, root_seed=2018)


def test_credible_intervals_cover_the_truth_at_their_nominal_rates(repetitions) -> None:
    table = coverage_table(repetitions)
    assert len(table) == 4 and (table["repetitions"] == 100).all()
    assert table["within"].all(), table.to_string()


def test_the_posterior_concentrates_as_facts_are_added(repetitions) -> None:
    table = concentration_table(repetitions, PRIORS).set_index(["parameter", "facts"])
    share = table["sd_share"]
    a, b = "actors.A.strategy.beta", "actors.B.strategy.beta"
    assert share[(a, 2)] < 0.6 * share[(a, 1)]  # A's offer narrows A's pace
    assert share[(b, 1)] < 0.6  # B's offer narrows B's pace at once
    assert share[(b, 3)] < 0.85 * share[(b, 2)]  # B's next offer narrows it again
    for path in (a, b):
        assert share[(path, 3)] < share[(path, 1)]
    accepted = table["accepted_mean"]
    assert accepted[(a, 1)] > accepted[(a, 2)] > accepted[(a, 3)]


def test_a_wrong_posterior_is_caught(repetitions) -> None:
    """The check has teeth: the same posteriors ranked against a truth 60% off fail a bound."""
    from bargaining_chips.experiments.calibrate.sbc import Repetition

    shifted = [Repetition({k: v * 1.6 for k, v in r.truth.items()}, r.seed, r.posterior, r.noise)
               for r in repetitions]
    assert not coverage_table(shifted)["within"].all()
