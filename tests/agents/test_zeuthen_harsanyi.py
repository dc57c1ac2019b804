"""Harsanyi (1956): Zeuthen's risk rule leads to the deal maximising the (generalised) Nash product,
checked in the monotonic concession protocol on finite deal sets and on a unit pie."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bargaining_chips.agents.strategies.zeuthen import boldness, risk
from bargaining_chips.experiments.single import run_once
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.solutions import solutions

OPTIONS = "ABCDE"
utilities = st.lists(st.integers(1, 99), min_size=5, max_size=5, unique=True)


@settings(max_examples=60, deadline=None)
@given(u1=utilities, u2=utilities)
def test_five_deals_end_on_a_nash_product_maximiser(u1, u2):
    # Opposed interests, as in the textbook example: P1 ranks A first, P2 ranks E first.
    u1, u2 = sorted(u1, reverse=True), sorted(u2)
    overrides = {
        "actors.P1.values.deal": {o: v / 100 for o, v in zip(OPTIONS, u1, strict=True)},
        "actors.P2.values.deal": {o: v / 100 for o, v in zip(OPTIONS, u2, strict=True)},
    }
    result = run_once({"scenario": "zeuthen", **overrides}, 0)
    products = {o: a * b for o, a, b in zip(OPTIONS, u1, u2, strict=True)}
    assert result["agreement"]
    assert products[result["terms"]["deal"]] == max(products.values())


@settings(max_examples=15, deadline=None)
@given(c=st.floats(0.3, 1.0), d1=st.floats(0.0, 0.3), d2=st.floats(0.0, 0.3), alpha=st.floats(0.2, 0.8))
# A value linear but for its last bit: its grid offers once stopped conceding a step short of the
# level, so Zeuthen play ended in "no concession" one step from the Nash point.
@example(c=0.9999999999999999, d1=0.0, d2=0.0, alpha=0.5)
def test_on_a_pie_zeuthen_play_reaches_the_generalised_nash_point_within_a_step(c, d1, d2, alpha):
    overrides = {"issues.share.step": 0.01, "actors.P2.curvature.share": c,
                 "actors.P1.reservation": d1, "actors.P2.reservation": d2,
                 "actors.P1.bargaining_power": alpha, "actors.P2.bargaining_power": 1 - alpha}
    nash = solutions(load_scenario("nash_split", overrides))["nash"]["terms"]["share"]
    result = run_once({"scenario": "nash_split", **overrides}, 0)
    assert result["terms"]["share"] == pytest.approx(nash, abs=0.01 + 1e-9)


def test_weighted_boldness_is_zeuthens_rule_at_equal_power():
    assert boldness(1.0, 0.5) == float("inf")
    for r1, r2 in ((0.2, 0.3), (0.5, 0.4), (0.0, 0.9)):
        assert (boldness(r1, 0.5) > boldness(r2, 0.5)) == (r1 > r2)
    # a's own offer has the larger generalised Nash product exactly when a is the bolder
    ua, ub, va, vb, alpha = 0.8, 0.3, 0.4, 0.6, 0.7  # a's offer (ua, ub), b's offer (va, vb)
    r_a, r_b = risk(ua, va, 0.0), risk(vb, ub, 0.0)
    assert (boldness(r_a, alpha) > boldness(r_b, 1 - alpha)) == \
        (ua**alpha * ub ** (1 - alpha) > va**alpha * vb ** (1 - alpha))


def test_a_concession_that_must_skip_a_deal_lands_on_the_nash_product_maximiser():
    """Found by hypothesis: B is not enough of a concession for P2 but C is, and D too much."""
    u1, u2 = [13, 10, 9, 2, 1], [20, 25, 29, 30, 39]
    overrides = {
        "actors.P1.values.deal": {o: v / 100 for o, v in zip(OPTIONS, u1, strict=True)},
        "actors.P2.values.deal": {o: v / 100 for o, v in zip(OPTIONS, u2, strict=True)},
    }
    result = run_once({"scenario": "zeuthen", **overrides}, 0)
    assert result["terms"]["deal"] == "C"
