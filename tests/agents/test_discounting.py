"""Discounting in every strategy: no strategy proposes or accepts terms worth less, discounted, than
what no deal pays it (its reservation, undiscounted), and δ = 1 leaves play as it was."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bargaining_chips.agents.messages import Response
from bargaining_chips.experiments.single import play
from bargaining_chips.model.metrics import summary

#: Two-sided strategies the hypothesis test seats on both sides of the Faratin price haggle.
SEATS = (
    {"name": "time_dependent"}, {"name": "tit_for_tat"}, {"name": "noisy"}, {"name": "zeuthen"},
    {"name": "hardliner"}, {"name": "rubinstein"}, {"name": "stahl"},
)


def _strategy(seat: dict, beta: float) -> dict:
    if seat["name"] in ("time_dependent", "noisy"):
        return {**seat, "beta": beta}
    return seat


def _discounted_values(model) -> dict[str, tuple[float, float]]:
    """Each government's (discounted utility of the outcome, reservation)."""
    result = summary(model)
    return {g: (result["utilities"][g], float(model.reservation[model.setup.actor_names.index(g)]))
            for g in model.spec.governments}


@settings(max_examples=40, deadline=None)
@given(
    d_seller=st.floats(0.3, 1.0), d_buyer=st.floats(0.3, 1.0),
    beta_seller=st.floats(0.1, 8.0), beta_buyer=st.floats(0.1, 8.0),
    r_seller=st.floats(0.0, 0.45), r_buyer=st.floats(0.0, 0.45),
    seller=st.sampled_from(SEATS), buyer=st.sampled_from(SEATS), seed=st.integers(0, 3),
)
@example(d_seller=0.5, d_buyer=0.5, beta_seller=0.2, beta_buyer=5.0, r_seller=0.25,
         r_buyer=0.25, seller=SEATS[0], buyer=SEATS[0], seed=0)  # the Faratin case at δ = 0.5
def test_no_agreement_is_below_either_sides_reservation_in_discounted_terms(
    d_seller, d_buyer, beta_seller, beta_buyer, r_seller, r_buyer, seller, buyer, seed,
):
    model = play({
        "scenario": "faratin",
        "actors.Seller.discount": d_seller, "actors.Buyer.discount": d_buyer,
        "actors.Seller.reservation": r_seller, "actors.Buyer.reservation": r_buyer,
        "actors.Seller.strategy": _strategy(seller, beta_seller),
        "actors.Buyer.strategy": _strategy(buyer, beta_buyer),
    }, seed)
    for name, (value, reservation) in _discounted_values(model).items():
        assert value >= reservation - 1e-9, (name, value, reservation)
    for row in model.rows:  # no proposal worth less than its proposer's floor r / δ^k ...
        g = model.setup.actor_names.index(row["proposer"])
        k = row["round"] - 1
        delta, r = model.setup.discount[g], model.reservation[g]
        if r / delta**k <= 1.0:
            assert row[f"u_{row['proposer']}"] * delta**k >= r - 1e-9
    model.release()


def test_the_faratin_case_at_half_discount_ends_without_a_deal_below_reservation():
    """δ = 0.5: the zone of agreement in discounted terms is gone by round 2 (each needs 0.25 /
    0.5^k), so the buyer walks away instead of signing at a loss, as it did before."""
    model = play({"scenario": "faratin", "actors.Seller.discount": 0.5,
                  "actors.Buyer.discount": 0.5}, 0)
    assert not model.outcome.agreement
    assert model.outcome.reason.name == "WALKED_AWAY"
    assert all(v >= r for v, r in _discounted_values(model).values())


@pytest.mark.parametrize("strategy", ["boulware", "hardliner", "tit_for_tat", "zeuthen"])
def test_a_level_strategy_walks_away_once_no_later_deal_can_be_worth_its_reservation(strategy):
    model = play({"scenario": "faratin", "actors.Buyer.discount": 0.7,
                  "actors.Buyer.reservation": 0.4, "actors.Buyer.strategy": {"name": strategy},
                  "actors.Seller.strategy": {"name": "hardliner"}}, 0)
    # 0.4 / 0.7^k > 1 from k = 3 on: the buyer's last chance to answer is round 3 (k = 2)
    assert model.outcome.reason.name == "WALKED_AWAY"
    assert model.outcome.round_index == 2
    last = model.rows[-1]
    assert last["responses"]["Buyer"] == Response.WALK_AWAY.value


def test_without_discounting_the_floor_is_the_reservation():
    from bargaining_chips.agents.strategies.base import reservation_now

    class View:
        reservation, discount, round_index = 0.3, 1.0, 7

    assert reservation_now(View()) == 0.3
    View.discount = 0.5
    assert reservation_now(View()) == pytest.approx(0.3 * 2**7)
    assert reservation_now(View(), 0) == 0.3
    View.round_index = 5_000
    assert reservation_now(View()) == np.inf


@settings(max_examples=6, deadline=None)
@given(d1=st.floats(0.3, 1.0), d2=st.floats(0.3, 1.0), r1=st.floats(0.0, 0.45),
       r2=st.floats(0.0, 0.45), scenario=st.sampled_from(["nash_split", "zeuthen"]))
@example(d1=0.6, d2=0.9, r1=0.3, r2=0.2, scenario="zeuthen")
def test_zeuthen_under_monotonic_concession_keeps_to_the_discounted_floors(d1, d2, r1, r2, scenario):
    """Zeuthen's conflict point is the round's discounted floor; the protocol's own agreement rule
    (a proposal worth at least one's own) then never signs below either side's reservation."""
    model = play({"scenario": scenario, "actors.P1.discount": d1, "actors.P2.discount": d2,
                  "actors.P1.reservation": r1, "actors.P2.reservation": r2}, 0)
    for name, (value, reservation) in _discounted_values(model).items():
        assert value >= reservation - 1e-9, (name, value, reservation)
    model.release()
