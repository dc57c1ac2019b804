"""Nash, generalised Nash, Kalai–Smorodinsky and max-welfare points against their closed forms."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bargaining_chips.model.errors import UserError
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.solutions import nash_power, solutions


def solve(overrides: dict) -> dict:
    return solutions(load_scenario("nash_split", overrides))


def share(result: dict, key: str) -> float:
    return result[key]["terms"]["share"]


def ks_share(c: float, d1: float = 0.0, d2: float = 0.0) -> float:
    """Solve (x − d1) / (I1 − d1) = ((1 − x)^c − d2) / (1 − d2) by bisection (I1 = 1 − d2^(1/c))."""
    ideal_1 = 1.0 - d2 ** (1.0 / c)
    lo, hi = d1, ideal_1
    for _ in range(200):
        x = (lo + hi) / 2
        if (x - d1) / (ideal_1 - d1) < ((1 - x) ** c - d2) / ((1 - d1) ** c - d2):
            lo = x
        else:
            hi = x
    return (lo + hi) / 2


def test_the_textbook_examples():
    root = solve({"actors.P2.curvature.share": 0.5})
    assert share(root, "nash") == pytest.approx(2 / 3, abs=1e-6)
    assert share(root, "kalai_smorodinsky") == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-6)
    assert share(root, "max_welfare") == pytest.approx(0.75, abs=1e-6)
    assert root["nash"]["utilities"]["P2"] == pytest.approx(math.sqrt(1 / 3), abs=1e-6)
    linear = solve({"actors.P1.reservation": 0.2, "actors.P2.reservation": 0.1})
    assert share(linear, "nash") == pytest.approx(0.55, abs=1e-6)
    assert share(linear, "kalai_smorodinsky") == pytest.approx(0.55, abs=1e-6)
    assert linear["disagreement"] == {"P1": 0.2, "P2": 0.1}
    powered = solve({"actors.P2.curvature.share": 0.5, "actors.P1.bargaining_power": 0.7,
                     "actors.P2.bargaining_power": 0.3})
    assert powered["power"]["P1"] == pytest.approx(0.7)
    assert share(powered, "nash") == pytest.approx(0.8235294, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(c=st.floats(0.2, 1.0), alpha=st.floats(0.1, 0.9))
@example(c=0.5, alpha=0.7)
def test_generalised_nash_is_alpha_over_alpha_plus_c_times_one_minus_alpha(c, alpha):
    # maximise α ln x + (1 − α) c ln(1 − x): x = α / (α + (1 − α) c)
    result = solve({"actors.P2.curvature.share": c, "actors.P1.bargaining_power": alpha,
                    "actors.P2.bargaining_power": 1 - alpha})
    assert share(result, "nash") == pytest.approx(alpha / (alpha + (1 - alpha) * c), abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(d1=st.floats(0.0, 0.45), d2=st.floats(0.0, 0.45))
@example(d1=0.2, d2=0.1)
def test_linear_pie_with_a_disagreement_point(d1, d2):
    result = solve({"actors.P1.reservation": d1, "actors.P2.reservation": d2})
    middle = (1 + d1 - d2) / 2  # both solutions split the surplus 1 − d1 − d2 evenly
    assert share(result, "nash") == pytest.approx(middle, abs=1e-6)
    assert share(result, "kalai_smorodinsky") == pytest.approx(middle, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(c=st.floats(0.2, 1.0), d2=st.floats(0.0, 0.3))
@example(c=0.5, d2=0.0)
def test_kalai_smorodinsky_with_curvature_and_a_disagreement_point(c, d2):
    result = solve({"actors.P2.curvature.share": c, "actors.P2.reservation": d2})
    assert share(result, "kalai_smorodinsky") == pytest.approx(ks_share(c, 0.0, d2), abs=1e-4)


def test_power_defaults_to_equal():
    assert nash_power(load_scenario("rubinstein")) == 0.5


def test_any_two_government_scenario_has_solutions_and_more_are_refused():
    result = solutions(load_scenario("us_japan_2025"))
    assert set(result) >= {"nash", "kalai_smorodinsky", "max_welfare", "disagreement", "power"}
    nash = result["nash"]["utilities"]
    assert nash["US"] >= result["disagreement"]["US"] and nash["Japan"] >= result["disagreement"]["Japan"]
    with pytest.raises(UserError, match="exactly two governments"):
        solutions(load_scenario("baron_ferejohn"))


def test_no_outcome_above_disagreement_means_no_solution():
    result = solve({"actors.P1.reservation": 0.7, "actors.P2.reservation": 0.6})
    assert result["nash"] is None and result["kalai_smorodinsky"] is None
    assert result["max_welfare"] is None
