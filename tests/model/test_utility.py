"""Additive utilities and efficient offers (model/utility.py).

The hand-computed values use the bilateral fixture (A wants x, y, z high with weights 0.5, 0.3,
0.2; B wants them low with 0.2, 0.3, 0.5) and the default scenario, whose no-deal utilities its
sources state (0.35 for the US, 0.45 for Japan).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining_chips.model import load_scenario
from bargaining_chips.model.compiled import compile_scenario

SETTINGS = settings(max_examples=50, deadline=None)


@pytest.fixture(scope="module")
def bilateral(fixture_path):
    return compile_scenario(load_scenario(fixture_path("bilateral")))


@pytest.fixture(scope="module")
def default():
    return compile_scenario(load_scenario("us_japan_2025"))


def test_hand_computed_utilities(bilateral):
    space = bilateral.space
    terms = np.array([10.0, 50.0, 0.0])  # x at A's best, y halfway, z at B's best
    assert space.utilities(terms) == pytest.approx([0.5 + 0.15, 0.15 + 0.5])
    assert space.utility(0, terms, space.weights) == pytest.approx(0.65)
    assert space.utility(1, terms, space.weights) == pytest.approx(0.65)


def test_best_and_worst_terms_give_one_and_zero(bilateral):
    space = bilateral.space
    high, low = space.lo + space.span, space.lo
    assert space.utilities(high) == pytest.approx([1.0, 0.0])
    assert space.utilities(low) == pytest.approx([0.0, 1.0])


def test_no_deal_utilities_of_the_default_scenario(default):
    u = default.space.utilities(default.space.no_deal)
    assert u[default.index("US")] == pytest.approx(0.35)
    assert u[default.index("Japan")] == pytest.approx(0.45)
    # NVIDIA cares only about purchases and the fund, both 0 without a deal.
    assert u[default.index("NVIDIA")] == pytest.approx(0.0)


def test_weights_are_normalised_to_sum_to_one(fixture_path):
    spec = load_scenario(fixture_path("bilateral"), {"actors.A.weights.x": 1.0})  # 1, 0.3, 0.2
    w = compile_scenario(spec).space.weights
    assert w.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert w[0] == pytest.approx(np.array([1.0, 0.3, 0.2]) / 1.5)


def test_curvature_bends_the_issue_value(fixture_path):
    """u = Σ w z^c: with c = 0.5 on x, A's value of x halfway is √0.5."""
    spec = load_scenario(fixture_path("bilateral"), {"actors.A.curvature": {"x": 0.5}})
    space = compile_scenario(spec).space
    assert not space.linear
    terms = np.array([5.0, 0.0, 0.0])
    expected = 0.5 * np.sqrt(0.5)
    assert space.utilities(terms)[0] == pytest.approx(expected)
    assert space.utility(0, terms, space.weights) == pytest.approx(expected)


def _terms(space):
    """Hypothesis strategy: terms anywhere in (and a little beyond) the issue ranges."""
    return st.lists(
        st.floats(-0.2, 1.2), min_size=len(space.lo), max_size=len(space.lo)
    ).map(lambda f: space.lo + np.array(f) * space.span)


@SETTINGS
@given(data=st.data())
def test_utilities_lie_in_zero_one_for_any_terms(default, data):
    space = default.space
    terms = data.draw(_terms(space))
    u = space.utilities(terms)
    assert np.all((u >= 0.0) & (u <= 1.0 + 1e-12))
    # The scalar and the vectorised paths normalise a level in two ways that differ in the last
    # bit (ulp ~ 1e-16); a concave value z**c near z = 0 magnifies that to ~ulp**c (1e-8 for c = ½).
    for a in range(len(u)):
        assert space.utility(a, terms, space.weights) == pytest.approx(u[a], abs=1e-8)


@SETTINGS
@given(level=st.floats(0.0, 1.0), actor=st.sampled_from(["A", "B"]))
def test_offer_at_hits_the_level_for_linear_utilities(bilateral, level, actor):
    space = bilateral.space
    a = bilateral.index(actor)
    other = 1 - a
    terms = space.offer_at(a, level, space.weights, (other,), snap=False)
    assert space.utility(a, terms, space.weights) == pytest.approx(level, abs=1e-9)
    assert np.all(terms >= space.lo) and np.all(terms <= space.lo + space.span)


@SETTINGS
@given(level=st.floats(0.0, 1.0), data=st.data())
def test_offer_at_is_pareto_efficient(default, level, data):
    """No terms worth at least ``level`` to the US give Japan more than the US's offer at level."""
    space, us, japan = default.space, default.index("US"), default.index("Japan")
    offer = space.offer_at(us, level, space.weights, (japan,), snap=False)
    u_us, u_japan = space.utilities(offer)[[us, japan]]
    assert u_us >= level - 1e-9
    for _ in range(20):
        other = data.draw(_terms(space))
        v_us, v_japan = space.utilities(other)[[us, japan]]
        assert not (v_us >= u_us - 1e-12 and v_japan > u_japan + 1e-9)


def test_offer_at_dominates_no_point_of_its_own_frontier(bilateral):
    """Along A's levels, a higher level for A never comes with more for B: the offers trace a
    frontier on which none dominates another."""
    space = bilateral.space
    levels = np.linspace(0, 1, 101)
    pts = np.array([space.utilities(space.offer_at(0, lv, space.weights, (1,))) for lv in levels])
    assert np.all(np.diff(pts[:, 0]) > 0)
    assert np.all(np.diff(pts[:, 1]) < 0)


def test_offer_at_concedes_the_cheapest_issue_first(bilateral):
    """A's first concessions go to z: B gains 0.5 per 0.2 A gives up, the best exchange rate."""
    space = bilateral.space
    terms = space.offer_at(0, 0.9, space.weights, (1,), snap=False)
    assert terms[:2] == pytest.approx([10.0, 100.0])  # x and y still at A's best
    assert terms[2] == pytest.approx(0.5)  # half of z conceded: 0.2 · 0.5 = 0.1


@SETTINGS
@given(level=st.floats(0.0, 1.0), actor=st.sampled_from(["US", "Japan"]))
def test_snapping_to_steps_never_goes_below_the_level(default, level, actor):
    space = default.space
    a = default.index(actor)
    other = default.index("Japan" if actor == "US" else "US")
    terms = space.offer_at(a, level, space.weights, (other,))
    assert space.utility(a, terms, space.weights) >= level - 1e-9
    for i, step in enumerate(space.step):
        if not np.isnan(step):
            k = (terms[i] - space.lo[i]) / step
            assert k == pytest.approx(round(k), abs=1e-9)


@SETTINGS
@given(level=st.floats(0.0, 1.0), c=st.floats(0.2, 5.0))
def test_offer_at_hits_the_level_with_curvature(fixture_path, level, c):
    spec = load_scenario(fixture_path("bilateral"), {"actors.A.curvature": {"x": c, "z": c}})
    space = compile_scenario(spec).space
    terms = space.offer_at(0, level, space.weights, (1,), snap=False)
    assert space.utility(0, terms, space.weights) == pytest.approx(level, abs=1e-9)


def test_a_run_keeps_the_values_of_the_terms_it_reads_again(default):
    """Preferences.values: the space's values, read-only, the same array when the same terms
    come back (also after the weights moved: values depend on no weight), at most VALUES_KEPT."""
    from bargaining_chips.model.utility import Preferences

    space = default.space
    prefs = Preferences(space, space.weights.copy())
    terms = space.lo + 0.3 * space.span
    kept = prefs.values(terms)
    assert np.array_equal(kept, space.values(terms)) and not kept.flags.writeable
    prefs.weights[0] *= 1.0
    prefs.moved()
    assert prefs.values(terms.copy()) is kept
    assert np.array_equal(prefs.utilities(terms), space.utilities(terms, prefs.weights))
    for k in range(3 * Preferences.VALUES_KEPT):
        prefs.values(space.lo + (k / 100) * space.span)
    assert len(prefs._values) <= Preferences.VALUES_KEPT


def test_runs_that_reach_the_same_weights_share_their_offer_plan(default):
    """UtilitySpace.shared_plan: one plan per content of the weights (not per array), another for
    other weights, at most PLANS_KEPT kept; its offers are those of a plan made afresh."""
    from bargaining_chips.model.utility import PLANS_KEPT

    space = default.space
    space.plan_memo.clear()
    w = space.weights.copy()
    plan = space.shared_plan(0, w, (1,))
    assert space.shared_plan(0, w.copy(), (1,)) is plan
    moved = w.copy()
    moved[0] = np.roll(moved[0], 1)
    assert space.shared_plan(0, moved, (1,)) is not plan
    fresh = space.plan(0, w, (1,))
    for level in (0.4, 0.8):
        assert np.array_equal(space.offer_from_plan(plan, level), space.offer_from_plan(fresh, level))
    for k in range(PLANS_KEPT + 5):
        other = w.copy()
        other[0, 0] += k * 1e-6
        space.shared_plan(0, other, (1,))
    assert len(space.plan_memo) <= PLANS_KEPT
    space.plan_memo.clear()


def _reference_values(space, terms, z=None):
    """Each value by Python's float arithmetic, element by element, from the normalised terms
    ``z`` (default: as ``values`` normalises them): ``**`` is the C library's ``pow`` on every
    CPU (numpy's ``**`` on arrays is Intel's SVML on a CPU with AVX-512)."""
    if z is None:
        z = space.slope * terms + space.intercept
    z = np.clip(z, 0.0, 1.0).tolist()
    quad, curv = space.quadratic.tolist(), space.curvature.tolist()
    return np.array([[x * (2.0 - x) if q else x**c for x, q, c in zip(zr, qr, cr, strict=True)]
                     for zr, qr, cr in zip(z, quad, curv, strict=True)])


@SETTINGS
@given(data=st.data())
def test_values_are_the_c_librarys_powers_on_every_cpu(default, data):
    """A run's values (every actor's, one actor's, and many terms' for the votes at home) have the
    bits of the C library's powers, whatever vector code numpy picks for the CPU: on a machine
    with AVX-512 numpy's own powers differ in the last bit of some, and the same seed gave that
    machine other records (the default scenario's seed 7)."""
    import dataclasses

    base = default.space
    shape = base.curvature.shape
    curvature = np.array(data.draw(st.lists(st.sampled_from([1.0, 0.3, 0.5, 0.6, 0.77, 0.9]),
                                            min_size=base.curvature.size,
                                            max_size=base.curvature.size))).reshape(shape)
    quadratic = np.array(data.draw(st.lists(st.booleans(), min_size=curvature.size,
                                            max_size=curvature.size))).reshape(shape)
    curvature = np.where(quadratic, 1.0, curvature)
    space = dataclasses.replace(base, curvature=curvature, quadratic=quadratic,
                                linear=bool((curvature == 1.0).all() and not quadratic.any()))
    terms = data.draw(_terms(space))
    expected = _reference_values(space, terms)
    assert space.values(terms).tolist() == expected.tolist()
    for a in range(shape[0]):
        assert space.values_of(a, terms).tolist() == expected[a].tolist()
    if space.linear:  # utilities_of reads a linear space's form A x + b: no value is a power
        return
    from bargaining_chips.model.utility import Preferences

    prefs = Preferences(space, space.weights.copy())
    members = np.array(sorted(data.draw(st.sets(st.integers(0, shape[0] - 1), min_size=1))))
    many = np.array([terms, data.draw(_terms(space))])
    got = prefs.utilities_of(many, members)
    for k, row in enumerate(many):  # normalised as utilities_of normalises many terms
        xn = (row - space.lo) / space.span
        values = _reference_values(space, row, np.where(space.sign < 0, 1.0 - xn, xn))[members]
        assert got[k].tolist() == np.add.reduce(space.weights[members] * values, axis=1).tolist()
