"""Lobbying through the coalition graph, reservation pressure and pledges (model/lobbying.py).

The hand-computed round (``tests/fixtures/two_level.toml``, offer x = y = 1 on the table): F1 and
F2 share G's coalition (see tests/model/test_coalitions.py). G and H have no lobbying power, so

    B_F1 = A(F1, F2) · power_F2 = ¼ · 1 = ¼,        B_F2 = A(F2, F1) · power_F1 = ¼ · ½ = ⅛,
    η_F1 = 0.1 · 0.5 · (1 + ¼) = 0.0625,           η_F2 = 0.1 · 1 · (1 + ⅛) = 0.1125,
    w_G  = (1 − 0.175) · (½, ½) + 0.0625 · (1, 0) + 0.1125 · (0, 1) = (0.475, 0.525),
    r_G  = 0.5 − ρ · (η_F1 σ_F1 + η_F2 σ_F2) = 0.5 − ½ · 0.175 · ½ = 0.45625.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.lobbying import pledged_weights


def test_one_round_through_the_coalition_by_hand(lobby_once):
    model = lobby_once("two_level")
    g = model.setup.index("G")
    moves = model.lobby_moves
    assert [(m.firm, m.government) for m in moves] == [("F1", "G"), ("F2", "G")]
    assert [m.boost for m in moves] == pytest.approx([1.25, 1.125])
    assert [m.intensity for m in moves] == pytest.approx([0.0625, 0.1125])
    assert model.weights[g] == pytest.approx([0.475, 0.525])
    assert model.reservation[g] == pytest.approx(0.45625)
    assert [m.reservation_shift for m in moves] == pytest.approx([-0.015625, -0.028125])
    assert model.reservation[model.setup.index("H")] == 0.5  # nobody lobbies H


def test_without_partner_boost_firms_lobby_alone(lobby_once):
    model = lobby_once("two_level", {"coalitions.partner_boost": 0.0})
    assert [m.intensity for m in model.lobby_moves] == pytest.approx([0.05, 0.1])
    assert model.weights[model.setup.index("G")] == pytest.approx([0.5 * 0.85 + 0.05, 0.5 * 0.85 + 0.1])


def test_firms_outside_each_others_coalition_do_not_boost_each_other(lobby_once):
    # τ above every edge weight: everyone stands alone, so nobody is amplified
    model = lobby_once("two_level", {"coalitions.edge_threshold": 0.99})
    assert [m.boost for m in model.lobby_moves] == pytest.approx([1.0, 1.0])


def test_reservation_moves_are_bounded(lobby_once):
    model = lobby_once("two_level", {"coalitions.reservation_bound": 0.01})
    assert model.reservation[model.setup.index("G")] == pytest.approx(0.49)
    against = lobby_once("two_level", terms=(0.0, 0.0))  # both firms lose: G holds out
    assert against.reservation[against.setup.index("G")] > 0.5


def test_no_offer_on_the_table_no_reservation_pressure(fixture_path):
    model = NegotiationModel(load_scenario(fixture_path("two_level")), seed=0)
    model.lobby()
    assert model.reservation == pytest.approx(model.setup.reservation)
    assert [m.boost for m in model.lobby_moves] == pytest.approx([1.0, 1.0])


def test_pledges_lower_what_an_issue_costs_the_government_by_hand():
    """Japan's weights 0.20, 0.35, 0.05, 0.10, 0.10, 0.05, 0.15: NVIDIA bears 20% of the chips
    (0.05 → 0.04) and SoftBank 30% of the fund (0.10 → 0.07); renormalised by 0.96."""
    setup = compile_scenario(load_scenario("us_japan_2025"))
    weights, pledges = pledged_weights(setup.spec, setup.space, setup.actor_names)
    japan = setup.index("Japan")
    raw = np.array([0.20, 0.35, 0.04, 0.10, 0.07, 0.05, 0.15])
    assert weights[japan] == pytest.approx(raw / raw.sum())
    assert weights[setup.index("US")] == pytest.approx(setup.space.weights[setup.index("US")])
    assert {(p.firm, p.government, p.issue, p.share) for p in pledges} == {
        ("NVIDIA", "Japan", "chip_purchases", 0.2), ("SoftBank", "Japan", "investment_fund", 0.3)
    }
    model = NegotiationModel("us_japan_2025", seed=0)
    assert model.weights[japan] == pytest.approx(raw / raw.sum())


@settings(max_examples=30, deadline=None)
@given(
    rate=st.floats(0.0, 1.0), boost=st.floats(0.0, 10.0), rho=st.floats(0.0, 1.0),
    bound=st.floats(0.0, 1.0), seed=st.integers(0, 50),
)
def test_weights_stay_convex_and_reservations_within_bounds(rate, boost, rho, bound, seed):
    spec = load_scenario("us_japan_2025", {
        "protocol.lobbying_rate": rate, "coalitions.partner_boost": boost,
        "coalitions.reservation_rate": rho, "coalitions.reservation_bound": bound,
    })
    model = NegotiationModel(spec, seed=seed)
    r0 = model.setup.reservation
    while model.outcome is None:
        model.step()
        assert np.all(model.weights >= 0.0)
        assert model.weights.sum(axis=1) == pytest.approx(np.ones(len(model.weights)))
        lobbied = model.reservation - model.reservation_shift  # what missed targets took aside
        assert np.all(lobbied >= np.maximum(r0 - bound, 0.0) - 1e-12)
        assert np.all(lobbied <= np.minimum(r0 + bound, 1.0) + 1e-12)
    model.release()


def test_removing_nvidias_lobbying_leaves_the_us_caring_little_for_chips(play):
    """NVIDIA lobbies Washington for the chip purchases, with SoftBank and the LNG developer in
    its coalition amplifying it, and, being for Japan's offers (it judges the other side's, not
    its own government's), it lowers what the US holds out for. Over 20 seeds each, the US's
    final weight on chips is at least three times what it is without NVIDIA's lobbying (≈ 0.32
    against ≈ 0.05 in the default scenario), and its reservation no higher. (Whether a deal is
    reached by the G7 does not depend on it: the US's Boulware strategy and Japan's domestic
    rejection at the summit decide that.)"""
    def final(overrides):
        out = []
        for s in range(20):
            model = play("us_japan_2025", overrides, seed=s)
            us, chips = model.setup.index("US"), model.setup.space.issue_names.index("chip_purchases")
            out.append((model.weights[us, chips], model.reservation[us]))
        return np.mean(out, axis=0)

    (w_with, r_with), (w_without, r_without) = final({}), final({"actors.NVIDIA.lobbying_power": 0.0})
    assert w_with >= 3 * w_without, (w_with, w_without)
    assert r_with <= r_without + 1e-12
