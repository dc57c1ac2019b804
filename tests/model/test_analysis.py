"""Outcome analysis (model/analysis.py) on a frontier computed by hand.

In the bilateral fixture A (weights 0.5, 0.3, 0.2 on x, y, z) and B (0.2, 0.3, 0.5) want every issue
at opposite ends. Conceding from A's best terms, A gives up z first (B gains 0.5 for A's 0.2), then
y (0.3 for 0.3), then x (0.2 for 0.5), so the frontier is the polyline

    (1, 0) — (0.8, 0.5) — (0.5, 0.8) — (0, 1).

With disagreement d = (0.5, 0.5) the Nash point maximises (u_a − 0.5)(u_b − 0.5) on the middle
segment u_a + u_b = 1.3: (0.65, 0.65). With d = (0.3, 0.5) Nash maximises (u_a − 0.3)(0.8 − u_a) on
that segment: (0.55, 0.75) (the segment to its left peaks lower, at 0.2 · 0.3 = 0.06 < 0.0625). The
ideal point is (0.8, 0.88) (u_b = 1 − 0.4 u_a at u_a = 0.3), so Kalai–Smorodinsky's line from d,
d + s (0.5, 0.38), meets u_a + u_b = 1.3 at s = 0.5/0.88: (0.3 + 0.25/0.88, 0.5 + 0.19/0.88).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bargaining_chips.model import load_scenario
from bargaining_chips.model.analysis import Frontier
from bargaining_chips.model.compiled import compile_scenario


@pytest.fixture(scope="module")
def space(fixture_path):
    return compile_scenario(load_scenario(fixture_path("bilateral"))).space


def frontier(space, d=(0.5, 0.5)) -> Frontier:
    return Frontier(space, space.weights, 0, 1, d)


def test_the_linear_frontier_is_the_hand_computed_polyline(space):
    f = frontier(space)
    assert f.points == pytest.approx(np.array([[0.0, 1.0], [0.5, 0.8], [0.8, 0.5], [1.0, 0.0]]))
    assert f.levels == pytest.approx([0.0, 0.5, 0.8, 1.0])


def test_nash_on_the_symmetric_case(space):
    p = frontier(space).nash()
    assert p.utilities == pytest.approx((0.65, 0.65), abs=1e-6)
    assert p.level == pytest.approx(0.65, abs=1e-6)
    # Its terms: x at A's best, z at B's best, y split in half.
    assert p.terms == pytest.approx([10.0, 50.0, 0.0], abs=1e-4)


def test_nash_and_kalai_smorodinsky_differ_when_disagreement_is_asymmetric(space):
    f = frontier(space, d=(0.3, 0.5))
    assert f.nash().utilities == pytest.approx((0.55, 0.75), abs=1e-6)
    ks = (0.3 + 0.25 / 0.88, 0.5 + 0.19 / 0.88)
    assert f.kalai_smorodinsky().utilities == pytest.approx(ks, abs=1e-6)


def test_generalised_nash_weights_the_bargaining_power(space):
    """max (u_a − 0.5)^α (u_b − 0.5)^(1−α) on u_a + u_b = 1.3 gives u_a = 0.5 + 0.3α."""
    f = frontier(space)
    for alpha in (0.25, 0.75):
        assert f.nash(power=alpha).utilities[0] == pytest.approx(0.5 + 0.3 * alpha, abs=1e-6)


def test_no_solution_when_nothing_beats_disagreement(space):
    f = frontier(space, d=(0.9, 0.9))
    assert f.nash() is None
    assert f.kalai_smorodinsky() is None


def test_max_welfare_lies_on_the_flat_middle_segment(space):
    p = frontier(space).max_welfare()
    assert sum(p.utilities) == pytest.approx(1.3, abs=1e-9)


@pytest.mark.parametrize(
    "point", [(1.0, 0.0), (0.8, 0.5), (0.65, 0.65), (0.5, 0.8), (0.25, 0.9), (0.0, 1.0)]
)
def test_distance_is_zero_on_the_frontier(space, point):
    assert frontier(space).distance(*point) == pytest.approx(0.0, abs=1e-12)


def test_distance_to_the_frontier_by_hand(space):
    f = frontier(space)
    # (0.5, 0.5) is closest to the segment u_a + u_b = 1.3.
    assert f.distance(0.5, 0.5) == pytest.approx(0.3 / math.sqrt(2))
    # (0, 0) is closest to the same segment too: 1.3/√2 is less than the other segments' distances.
    assert f.distance(0.0, 0.0) == pytest.approx(1.3 / math.sqrt(2))
    # Beyond the end (1, 0): the nearest point is the end itself.
    assert f.distance(1.2, -0.1) == pytest.approx(math.hypot(0.2, 0.1))


def test_a_curved_frontier_is_sampled_and_contains_the_linear_ends(fixture_path):
    spec = load_scenario(fixture_path("bilateral"), {"actors.A.curvature": {"y": 0.5}})
    space = compile_scenario(spec).space
    f = Frontier(space, space.weights, 0, 1, (0.5, 0.5))
    assert len(f.points) == 401
    assert np.all(np.diff(f.points[:, 0]) >= -1e-12)
    assert f.points[-1] == pytest.approx([1.0, 0.0])
    # Concavity for A on y makes the frontier bulge outwards: the Nash product exceeds the linear one.
    nash = f.nash()
    assert (nash.utilities[0] - 0.5) * (nash.utilities[1] - 0.5) > 0.15 * 0.15


def test_solutions_exist_when_d_lies_between_two_vertices(space):
    """d = (0.6, 0.6): no vertex of the frontier is individually rational, but the middle segment
    is, from (0.6, 0.7) to (0.7, 0.6); both solutions are its midpoint."""
    f = frontier(space, d=(0.6, 0.6))
    assert f.nash().utilities == pytest.approx((0.65, 0.65), abs=1e-6)
    assert f.kalai_smorodinsky().utilities == pytest.approx((0.65, 0.65), abs=1e-6)


def test_curve_distance_answers_only_where_the_frontier_is_one_smooth_curve(space):
    from bargaining_chips.model.analysis import curve_distance

    assert curve_distance(space, space.weights, 0, 1, 0.5, 0.5) is None  # linear: a polyline


def test_curve_distance_is_the_distance_to_the_exact_frontier():
    """On the default scenario's smooth frontier (concave values on every opposed issue), the
    distance read off the multiplier agrees with the distance to the frontier traced at 401
    levels and refined on the curve, for points near its middle and near both of its ends, and
    is 0 on the frontier."""
    from bargaining_chips.model.analysis import curve_distance

    setup = compile_scenario(load_scenario("us_japan_2025"))
    space, w = setup.space, setup.start.weights
    a, b = setup.governments
    front = Frontier(space, w, a, b, (0.3, 0.3))
    (a0, b0), (a1, b1) = front.points[0], front.points[-1]  # a's worst and best end
    points = [(0.5, 0.5), (0.3, 0.6), (a0 + 0.01, b0 - 0.05), (a0 - 0.02, b0 - 0.01),
              (a1 - 0.05, b1 + 0.01), (a1 - 0.01, b1 - 0.03)]
    for ua, ub in points:
        exact = front.distance(ua, ub)
        assert curve_distance(space, w, a, b, ua, ub) == pytest.approx(exact, rel=1e-9, abs=1e-12)
    for level in (0.2, 0.55, 0.9):
        on = front.point(level).utilities
        assert curve_distance(space, w, a, b, *on) == pytest.approx(0.0, abs=1e-9)
