"""Invariants over scenario parameters and seeds, checked with hypothesis.

Parameters are drawn as ``--set``-style overrides and loaded through ``load_scenario``, so every
drawn scenario is validated exactly as a user's would be. For every run: offers lie within the issue
ranges; utilities lie in [0, 1]; talks always end, and never after the first hard deadline nor the
last round; an agreement is at least as good as no deal (its reservation utility) for every
government.

Discounting is left at 1 in the draws that check the summary's utilities: strategies judge offers by
undiscounted utility, so with δ < 1 a late deal's discounted summary utility can fall below the
reservation. What the strategies do guarantee — the accepted offer is worth at least the reservation
at the table — is checked with δ drawn too.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bargaining_chips.agents.strategies import REGISTRY
from bargaining_chips.model.metrics import summary

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEEDS = st.integers(0, 2**32 - 1)
unit = st.floats(0.0, 1.0)

default_overrides = st.fixed_dictionaries(
    {
        "actors.Japan.strategy.beta": st.floats(0.1, 10.0),
        "actors.Japan.strategy.sigma": st.floats(0.0, 0.3),
        "actors.US.strategy.beta": st.floats(0.1, 10.0),
        "actors.US.reservation": st.floats(0.2, 0.9),
        "actors.Japan.reservation": st.floats(0.2, 0.9),
        "deadlines.G7.extension_probability": unit,
        "protocol.lobbying_rate": unit,
        "actors.Toyota.lobbying_power": unit,
        "actors.NVIDIA.lobbying_power": unit,
    }
)

bilateral_overrides = st.fixed_dictionaries(
    {
        "actors.A.strategy": st.sampled_from(sorted(REGISTRY)).map(lambda n: {"name": n}),
        "actors.B.strategy": st.sampled_from(sorted(REGISTRY)).map(lambda n: {"name": n}),
        "actors.A.reservation": st.floats(0.0, 0.9),
        "actors.B.reservation": st.floats(0.0, 0.9),
        # A hard deadline is drawn without an extension probability: it would be inert (a warning).
        "deadlines.mid": st.one_of(
            st.fixed_dictionaries({"kind": st.just("soft"), "round": st.integers(1, 10),
                                   "extension_probability": unit}),
            st.fixed_dictionaries({"kind": st.just("hard"), "round": st.integers(1, 10)}),
        ),
    }
)


def check_run(model) -> None:
    setup, spec = model.setup, model.spec
    lo, hi = setup.space.lo, setup.space.lo + setup.space.span
    outcome = model.outcome
    assert outcome is not None, "the talks must end within the calendar"
    result = summary(model)
    # Offers within the issue ranges; utilities in [0, 1].
    for row in model.rows:
        values = np.array([row[i] for i in spec.issues])
        assert np.all(values >= lo) and np.all(values <= hi), row
        for name in setup.actor_names:
            assert -1e-12 <= row[f"u_{name}"] <= 1 + 1e-12, row
    assert all(-1e-12 <= u <= 1 + 1e-12 for u in result["utilities"].values())
    # Never beyond the first hard deadline nor the last round.
    hard = [d.index for d in model.deadlines if d.kind == "hard"]
    last = min(hard + [len(model.rounds) - 1])
    assert outcome.round_index <= last
    assert result["rounds_played"] == len(model.rows) == outcome.round_index + 1
    if outcome.agreement:
        # Individually rational for every government at the table, with the weights it had then.
        terms_u = setup.space.utilities(outcome.terms, model.weights)
        for g in setup.governments:
            assert terms_u[g] >= model.reservation[g] - 1e-9
        assert model.rows[-1]["accepted"] and model.rows[-1]["ratified"]
    else:
        assert result["terms"] is None
        assert np.array_equal(outcome.terms, setup.space.no_deal)


def check_summary_is_rational(model) -> None:
    result = summary(model)
    for g in model.setup.governments:
        name = model.setup.actor_names[g]
        assert result["utilities"][name] >= model.reservation[g] - 1e-9


@SETTINGS
@given(overrides=default_overrides, seed=SEEDS)
def test_default_scenario_invariants(play, overrides, seed):
    model = play("us_japan_2025", overrides, seed)
    check_run(model)
    check_summary_is_rational(model)


@SETTINGS
@given(overrides=bilateral_overrides, seed=SEEDS)
def test_any_pair_of_registered_strategies_keeps_the_invariants(play, overrides, seed):
    model = play("bilateral", overrides, seed)
    check_run(model)
    check_summary_is_rational(model)


@SETTINGS
@given(
    overrides=st.fixed_dictionaries(
        {"actors.US.discount": st.floats(0.5, 1.0), "actors.Japan.discount": st.floats(0.5, 1.0),
         "deadlines.G7.extension_probability": unit}
    ),
    seed=SEEDS,
)
def test_with_discounting_the_accepted_offer_is_rational_at_the_table(play, overrides, seed):
    check_run(play("us_japan_2025", overrides, seed))


@SETTINGS
@given(seed=SEEDS, p=unit)
def test_the_three_government_scenario_keeps_the_invariants(play, seed, p):
    check_run(play("three_governments", {"deadlines.summit.extension_probability": p}, seed))
