"""Equilibrium strategies against the closed forms, at the textbook values and drawn ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bargaining_chips.agents.strategies import REGISTRY, STRATEGIES
from bargaining_chips.agents.strategies.equilibrium import (
    BaronFerejohn,
    Rubinstein,
    Stahl,
    inclusion_probabilities,
)
from bargaining_chips.experiments.single import play, run_once
from bargaining_chips.experiments.theory.validation import (
    baron_ferejohn_proposer_share,
    outside_option_share,
    rubinstein_share,
    stahl_share,
)
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.metrics import summary
from bargaining_chips.model.negotiation import NegotiationModel

DELTA = st.floats(min_value=0.05, max_value=0.99)


def test_the_equilibrium_strategies_are_registered_and_documented():
    for cls in (Rubinstein, Stahl, BaronFerejohn):
        assert cls in STRATEGIES and REGISTRY[cls.name] is cls
        assert cls.__doc__ and any(year in cls.__doc__ for year in ("1972", "1982", "1989"))
        assert repr(cls()) == f"{cls.__name__}()"
    assert len(REGISTRY) == len(STRATEGIES)


@pytest.mark.parametrize("d1, d2, share", [(0.9, 0.9, 0.5263), (0.9, 0.8, 0.7143), (0.8, 0.9, 0.3571)])
def test_rubinstein_examples(d1, d2, share):
    result = run_once({"scenario": "rubinstein", "actors.P1.discount": d1, "actors.P2.discount": d2}, 0)
    assert result["terms"]["share"] == pytest.approx(share, abs=1e-4)
    assert result["agreement_round"] == 1


@settings(max_examples=25, deadline=None)
@given(d1=DELTA, d2=DELTA)
@example(d1=0.99, d2=0.99)
def test_rubinstein_share_is_the_closed_form(d1, d2):
    result = run_once({"scenario": "rubinstein", "actors.P1.discount": d1, "actors.P2.discount": d2}, 0)
    assert result["agreement_round"] == 1
    assert result["terms"]["share"] == pytest.approx(rubinstein_share(d1, d2), abs=1e-3)
    assert result["utilities"]["P2"] == pytest.approx(1 - rubinstein_share(d1, d2), abs=1e-3)


def test_rubinstein_with_an_outside_option_agrees_at_once():
    """The case that deadlocked for 1,000 rounds: P2's outside option 0.6 above its Rubinstein
    share. Agreement in round 1, P2 getting the closed form of the engine's variant."""
    result = run_once({"scenario": "rubinstein", "actors.P2.reservation": 0.6}, 0)
    assert result["agreement_round"] == 1
    assert result["utilities"]["P2"] == pytest.approx(outside_option_share(0.9, 0.6), abs=1e-6)


def _unit_pie_backward_induction(d1: float, d2: float, r1: float, r2: float, rounds: int = 400) -> float:
    """P2's share by backward induction on the unit pie, written independently of the strategy:
    in round-0 currency, a responder gets max(its outside option, its continuation), the proposer
    the rest if that beats letting the round pass."""
    v1, v2 = r1, r2
    for k in range(rounds, -1, -1):
        if k % 2 == 0:  # P1 proposes
            share2 = max(r2, v2) / d2**k
            mine = d1**k * (1 - share2)
            alt = r1 if r2 >= v2 else v1
            if share2 <= 1 and mine >= alt:
                v1, v2 = mine, max(r2, v2)
            else:
                v1, v2 = alt, max(r2, v2)
        else:
            share1 = max(r1, v1) / d1**k
            mine = d2**k * (1 - share1)
            alt = r2 if r1 >= v1 else v2
            if share1 <= 1 and mine >= alt:
                v1, v2 = max(r1, v1), mine
            else:
                v1, v2 = max(r1, v1), alt
    return v2


@settings(max_examples=20, deadline=None)
@given(d1=st.floats(0.5, 0.98), d2=st.floats(0.5, 0.98), r1=st.floats(0.0, 0.3), r2=st.floats(0.01, 0.7))
@example(d1=0.9, d2=0.9, r1=0.0, r2=0.3)
def test_rubinstein_with_outside_options_is_the_backward_induction(d1, d2, r1, r2):
    result = run_once({"scenario": "outside_option", "actors.P1.discount": d1,
                       "actors.P2.discount": d2, "actors.P1.reservation": r1,
                       "actors.P2.reservation": r2}, 0)
    expected = _unit_pie_backward_induction(d1, d2, r1, r2)
    if result["agreement"]:
        assert result["agreement_round"] == 1
        assert result["utilities"]["P2"] == pytest.approx(expected, abs=1e-6)
    else:  # no split gives both their outside options: P2 walks away at once
        assert r1 + r2 > 1 - 1e-9 or expected == pytest.approx(r2)
    assert result["utilities"]["P1"] >= r1 - 1e-9 and result["utilities"]["P2"] >= r2 - 1e-9


@pytest.mark.parametrize("b, share", [(0.3, 0.5), (0.6, 0.6), (0.8, 0.8)])
def test_without_discounting_the_outside_option_principle_holds(b, share):
    """Binmore, Shaked & Sutton (1989): P2 gets max(b, its Rubinstein share), here 1/2 (δ → 1)."""
    result = run_once({"scenario": "outside_option", "actors.P1.discount": 1.0,
                       "actors.P2.discount": 1.0, "actors.P2.reservation": b}, 0)
    assert result["agreement_round"] == 1
    assert result["utilities"]["P2"] == pytest.approx(share, abs=1e-5)


def test_stahl_with_an_outside_option_keeps_the_responder_at_its_value():
    """Ståhl's game with P2's outside option: the plan makes P2's walk-away part of every round,
    so the deal is immediate and worth at least b to P2 (T = 6, δ = 0.9, b = 0.6)."""
    result = run_once({"scenario": "stahl", "protocol.max_rounds": 6,
                       "actors.P2.reservation": 0.6}, 0)
    assert result["agreement_round"] == 1
    assert result["utilities"]["P2"] == pytest.approx(
        _unit_pie_backward_induction(0.9, 0.9, 0.0, 0.6, rounds=5), abs=1e-6)


@pytest.mark.parametrize("horizon, share", [(1, 1.0), (2, 0.1), (3, 0.91), (4, 0.181), (5, 0.8371), (6, 0.2466)])
def test_stahl_examples(horizon, share):
    result = run_once({"scenario": "stahl", "protocol.max_rounds": horizon}, 0)
    assert result["terms"]["share"] == pytest.approx(share, abs=1e-4)
    assert result["agreement_round"] == 1


@settings(max_examples=25, deadline=None)
@given(delta=DELTA, horizon=st.integers(min_value=1, max_value=12))
def test_stahl_share_is_the_closed_form(delta, horizon):
    params = {"scenario": "stahl", "protocol.max_rounds": horizon,
              "actors.P1.discount": delta, "actors.P2.discount": delta}
    result = run_once(params, 0)
    assert result["agreement_round"] == 1
    assert result["terms"]["share"] == pytest.approx(stahl_share(delta, horizon), abs=1e-3)


def test_stahl_tends_to_rubinstein_and_follows_a_hard_deadline():
    long = run_once({"scenario": "stahl", "protocol.max_rounds": 200}, 0)["terms"]["share"]
    assert long == pytest.approx(rubinstein_share(0.9, 0.9), abs=1e-6)
    cut = run_once({"scenario": "stahl", "protocol.max_rounds": 6,
                    "deadlines": {"end": {"kind": "hard", "round": 3}}}, 0)
    assert cut["terms"]["share"] == pytest.approx(stahl_share(0.9, 3), abs=1e-9)
    certain = run_once({"scenario": "stahl", "protocol.max_rounds": 6,
                        "deadlines": {"end": {"kind": "soft", "round": 4}}}, 0)
    assert certain["terms"]["share"] == pytest.approx(stahl_share(0.9, 4), abs=1e-9)
    unsure = run_once({"scenario": "stahl", "protocol.max_rounds": 6, "deadlines": {
        "end": {"kind": "soft", "round": 4, "extension_probability": 0.5}}}, 0)
    assert unsure["terms"]["share"] == pytest.approx(stahl_share(0.9, 6), abs=1e-9)


def test_stahl_plans_every_round_backwards():
    model = play({"scenario": "stahl", "protocol.max_rounds": 4}, 0)
    strategy = model.governments[0].strategy
    plan = strategy.plan(model.governments[0].view)
    # The proposer of round k (0-based) keeps x1(T − k) of what is left at that point.
    assert [float(plan[k][1][0]) if k % 2 == 0 else 1 - float(plan[k][1][0]) for k in range(4)] == \
        pytest.approx([stahl_share(0.9, 4 - k) for k in range(4)])


def legislature(tmp_path: Path, n: int, delta: float) -> str:
    """A Baron–Ferejohn scenario file with ``n`` legislators: nothing else changes."""
    members = [f"M{i}" for i in range(1, n + 1)]
    parts = ['[meta]\nname = "legislature"\n\n[sources]\n']
    for m in members:
        parts.append(f'[issues.share_{m}]\nlabel = "{m}"\nmin = 0.0\nmax = 1.0\nno_deal = 0.0\n')
    for m in members:
        parts.append(
            f'[actors.{m}]\nkind = "government"\nweights = {{ share_{m} = 1.0 }}\n'
            f'prefers = {{ share_{m} = "high" }}\nreservation = 0.0\ndiscount = {delta!r}\n'
            'strategy = { name = "baron_ferejohn" }\n'
        )
    parts.append('[protocol]\ntype = "majority"\nbudget = 1.0\nmax_rounds = 50\n')
    path = tmp_path / f"legislature_{n}.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return str(path)


@settings(max_examples=20, deadline=None)
@given(n=st.sampled_from([3, 5, 7, 9, 11]), delta=st.floats(min_value=0.05, max_value=1.0),
       seed=st.integers(min_value=0, max_value=10_000))
@example(n=3, delta=0.9, seed=0)
def test_baron_ferejohn_is_the_closed_form(tmp_path_factory, n, delta, seed):
    path = legislature(tmp_path_factory.mktemp("bf"), n, delta)
    model = NegotiationModel(load_scenario(path), seed=seed)
    model.run()
    result = summary(model)
    assert result["agreement_round"] == 1
    proposer = model.rows[0]["proposer"]
    shares = result["terms"]
    assert shares[f"share_{proposer}"] == pytest.approx(baron_ferejohn_proposer_share(n, delta), abs=1e-3)
    partners = [v for k, v in shares.items() if k != f"share_{proposer}" and v > 0]
    assert len(partners) == (n - 1) // 2
    assert partners == pytest.approx([delta / n] * len(partners), abs=1e-3)


def test_baron_ferejohn_values_are_the_equal_split():
    model = play({"scenario": "baron_ferejohn"}, 0)
    view = model.governments[0].view
    values = model.governments[0].strategy.continuation_values(view)
    assert list(values.values()) == pytest.approx([0.2] * 5, abs=1e-12)


def test_without_discounting_rubinstein_plays_the_nash_limit():
    result = run_once({"scenario": "rubinstein", "actors.P1.discount": 1.0,
                       "actors.P2.discount": 1.0}, 0)
    assert result["agreement_round"] == 1
    assert result["terms"]["share"] == pytest.approx(0.5, abs=1e-5)


def test_baron_ferejohn_between_two_alternating_governments_plays_rubinstein():
    result = run_once({"scenario": "rubinstein", "actors.P1.strategy.name": "baron_ferejohn",
                       "actors.P2.strategy.name": "baron_ferejohn"}, 0)
    assert result["terms"]["share"] == pytest.approx(rubinstein_share(0.9, 0.9), abs=1e-9)


def test_inclusion_probabilities_break_ties_evenly():
    assert inclusion_probabilities({1: 0.1, 2: 0.1, 3: 0.1, 4: 0.1}, 2) == dict.fromkeys([1, 2, 3, 4], 0.5)
    assert inclusion_probabilities({1: 0.05, 2: 0.1, 3: 0.1, 4: 0.2}, 2) == {1: 1.0, 2: 0.5, 3: 0.5, 4: 0.0}
    assert inclusion_probabilities({1: 0.1}, 0) == {1: 0.0}


@pytest.mark.parametrize(
    "scenario, overrides, message",
    [
        ("rubinstein", {"protocol.type": "monotonic_concession"}, "alternating"),
        ("stahl", {"protocol.type": "monotonic_concession"}, "alternating"),
        ("nash_split", {"actors.P1.strategy.name": "baron_ferejohn"}, "majority"),
        ("baron_ferejohn", {"actors.L1.discount": 0.5}, "common discount"),
    ],
)
def test_an_equilibrium_strategy_outside_its_game_is_a_scenario_error(scenario, overrides, message):
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenario, overrides)
    assert err.value.field.endswith("strategy.name") and message in err.value.expected


def test_stahl_over_a_horizon_where_the_discount_underflows_plays_rubinstein():
    """δ^k underflows to 0 over a long horizon (0.5^1100 < 5e-324): the last round's no-deal
    value of 0 stays 0 (it raised ZeroDivisionError) and the first-round share is Rubinstein's
    1 / (1 + δ)."""
    delta = 0.5
    result = run_once({"scenario": "stahl", "protocol.max_rounds": 1100,
                       "actors.P1.discount": delta, "actors.P2.discount": delta}, 0)
    assert result["agreement_round"] == 1
    assert abs(result["terms"]["share"] - 1 / (1 + delta)) < 1e-6


def test_the_equilibrium_plans_follow_the_reservations_as_they_move():
    """Lobbying moves reservations during a run: a plan cached by the weights alone would keep
    the old outside option."""
    model = NegotiationModel(load_scenario("outside_option", {"actors.P2.reservation": 0.0,
                                                              "actors.P1.discount": 1.0,
                                                              "actors.P2.discount": 1.0}), seed=0)
    view, strategy = model.government(0).view, Rubinstein()
    assert strategy.proposer_values(view)[0] == pytest.approx(0.5, abs=1e-5)
    model.reservation[1] = 0.8  # as lobbying would move it
    assert strategy.proposer_values(view)[0] == pytest.approx(0.2, abs=1e-5)
    model.release()
