"""Lobbying (model/lobbying.py): firms pull their home government's weights towards their own on
the issues where they agree with it, as a convex combination.

The two-firm case of ``tests/fixtures/lobbying.toml``: G weighs x and y equally (both "high");
F1 (power 0.5) wants only x high, so its target is (1, 0); F2 (power 1) wants x low and y high, so
only y counts and its target is (0, 1); F3 wants only x low and cannot lobby. With rate 0.1,
η1 = 0.05 and η2 = 0.1, and one round gives

    w_G = (1 − 0.15)·(0.5, 0.5) + 0.05·(1, 0) + 0.1·(0, 1) = (0.475, 0.525).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.lobbying import lobbying_target


@pytest.fixture(scope="module")
def setup(fixture_path):
    return compile_scenario(load_scenario(fixture_path("lobbying")))


def test_the_target_keeps_only_the_issues_where_firm_and_government_agree():
    target = lobbying_target(np.array([0.5, 0.3, 0.2]), np.array([1, -1, 1]), np.array([1, 1, 1]))
    assert target == pytest.approx([0.5 / 0.7, 0.0, 0.2 / 0.7])


def test_a_firm_that_agrees_with_its_government_on_nothing_cannot_lobby(setup):
    assert lobbying_target(np.array([1.0, 0.0]), np.array([-1, 0]), np.array([1, 1])) is None
    lobbying_firms = [setup.actor_names[f] for f in setup.lobbying.firms]
    assert lobbying_firms == ["F1", "F2"]


def test_a_firm_without_power_does_not_lobby(fixture_path):
    spec = load_scenario(fixture_path("lobbying"), {"actors.F1.lobbying_power": 0.0})
    assert [compile_scenario(spec).actor_names[f] for f in compile_scenario(spec).lobbying.firms] == ["F2"]


def test_two_firms_one_round_by_hand(setup):
    weights = setup.space.weights.copy()
    issue, moved, eta = setup.lobbying.step(weights)
    g, h = setup.index("G"), setup.index("H")
    assert weights[g] == pytest.approx([0.475, 0.525])
    assert weights[h] == pytest.approx(setup.space.weights[h])  # nobody lobbies H
    assert eta == pytest.approx([0.05, 0.1])
    assert list(issue) == [0, 1]  # F1 raised x, F2 raised y
    # weight moved = η · ½ Σ|T − w|: both targets are 0.5 away on each issue
    assert moved == pytest.approx([0.05 * 0.5, 0.1 * 0.5])


def test_the_model_records_one_move_per_lobbying_firm_per_round(fixture_path):
    model = NegotiationModel(load_scenario(fixture_path("lobbying")), seed=0)
    model.step()
    assert [(m.round_no, m.firm, m.government, m.issue) for m in model.lobby_moves] == [
        (1, "F1", "G", "x"),
        (1, "F2", "G", "y"),
    ]
    assert model.weights[model.setup.index("G")] == pytest.approx([0.475, 0.525])
    # The compiled scenario is shared by every run and never changes.
    assert model.setup.space.weights[model.setup.index("G")] == pytest.approx([0.5, 0.5])


def test_a_firm_judges_the_other_sides_last_offer_not_its_own_governments(fixture_path):
    # G opens in round 1 with its best terms (worth 1.00 to F1); H offers in round 2, G in 3.
    model = NegotiationModel(load_scenario(fixture_path("lobbying")), seed=0)
    for _ in range(4):
        model.step()
    f1 = model.setup.index("F1")
    moves = {m.round_no: m for m in model.lobby_moves if m.firm == "F1"}
    assert model.offers[0].proposer == "G" and model.offers[1].proposer == "H"
    # Round 2: only G's own opening is on the table: F1 has no stance and does not judge it.
    assert moves[2].judged is None and moves[2].stance == 0.0
    assert moves[2].reservation_shift == 0.0
    # Rounds 3 and 4: F1 judges H's offer of round 2, even when G's round-3 offer is on the table.
    theirs = model.offers[1].terms
    expected = float(model.setup.space.utilities(theirs)[f1] - model.reservation[f1])
    assert expected < 0.99
    for r in (3, 4):
        assert moves[r].judged == (2, "H")
        assert moves[r].stance == pytest.approx(expected)
    assert next(f for f in model.firms if f.actor_name == "F1").stance == pytest.approx(expected)


def test_pushes_are_capped_so_the_combination_stays_convex(fixture_path):
    """With rate 1, F1 and F2 push with 0.5 + 1 > 1: their intensities are scaled to sum to 1 and
    G's weights become their targets' mix."""
    spec = load_scenario(fixture_path("lobbying"), {"protocol.lobbying_rate": 1.0})
    weights = compile_scenario(spec).space.weights.copy()
    _, _, eta = compile_scenario(spec).lobbying.step(weights)
    assert eta.sum() == pytest.approx(1.0)
    assert eta == pytest.approx([1 / 3, 2 / 3])
    assert weights[compile_scenario(spec).index("G")] == pytest.approx([1 / 3, 2 / 3])


@settings(max_examples=40, deadline=None)
@given(
    rate=st.floats(0.0, 1.0),
    powers=st.lists(st.floats(0.0, 1.0), min_size=6, max_size=6),
    rounds=st.integers(1, 12),
)
# Capped pushes whose scaled intensities sum to 1 + 2.2e-16 once left G with weights of -1e-17.
@example(rate=0.75, powers=[0.0, 0.0, 0.0, 0.0, 0.6875, 0.6992805252158495], rounds=1)
def test_weights_stay_non_negative_and_sum_to_one(rate, powers, rounds):
    firms = ["NVIDIA", "LNG_Developer", "US_Farm", "SoftBank", "Toyota", "JA_Farm"]
    overrides = {f"actors.{f}.lobbying_power": p for f, p in zip(firms, powers, strict=True)}
    overrides["protocol.lobbying_rate"] = rate
    setup = compile_scenario(load_scenario("us_japan_2025", overrides))
    weights = setup.space.weights.copy()
    for _ in range(rounds):
        setup.lobbying.step(weights)
        assert np.all(weights >= 0.0)
        assert weights.sum(axis=1) == pytest.approx(np.ones(len(weights)))
    # A government never comes to care about an issue none of its side cared about.
    for g in setup.governments:
        assert np.all(weights[g][setup.space.sign[g] == 0] == 0.0)
