"""Float arithmetic with the same bits on every CPU (bargaining_chips/floats.py): each helper
against what it stands for, on random inputs."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining_chips.floats import array_sum, exp, log, power


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e300, 1e300, allow_nan=False)
                | st.floats(-1.0, 1.0, allow_nan=False).map(lambda x: x * 1e-3), max_size=40))
def test_array_sum_has_numpys_bits(values):
    """The plain-Python sum of short lists must add as the numpy installed does (left to right
    below 8 values: its pairwise summation starts there); a numpy that changed its order fails
    here, not in a golden run."""
    expected = float(np.add.reduce(np.array(values, dtype=float)))
    got = array_sum(values)
    assert got == expected
    assert math.copysign(1.0, got) == math.copysign(1.0, expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1.0), st.floats(0.05, 3.0)), min_size=1, max_size=30))
def test_power_is_pythons_pow_element_by_element(pairs):
    base, exponent = (np.array(v) for v in zip(*pairs, strict=True))
    assert power(base, exponent).tolist() == [b**e for b, e in pairs]
    assert power(base[:, None], exponent[None]).tolist() == [[b**e for e in exponent.tolist()]
                                                             for b in base.tolist()]


def _c_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-800.0, 720.0) | st.floats(-50.0, 0.0) | st.floats(-1e-6, 1e-6),
                min_size=1, max_size=50))
def test_exp_is_within_an_ulp_of_the_c_librarys(values):
    got = exp(np.array(values)).tolist()
    for x, y in zip(values, got, strict=True):
        want = _c_exp(x)
        if want == 0.0 or math.isinf(want):
            assert y == want, x
        else:  # an ulp, and for a subnormal result the smallest step
            assert abs(y - want) <= max(math.ulp(want), 5e-324), x


def test_exp_of_the_special_values():
    got = exp(np.array([0.0, -0.0, 1.0, -math.inf, math.inf, math.nan, 709.78, 709.79, -745.2]))
    assert got[[0, 1, 3, 4]].tolist() == [1.0, 1.0, 0.0, math.inf]
    assert abs(got[2] - math.e) <= math.ulp(math.e)
    assert math.isnan(got[5])
    assert math.isfinite(got[6]) and got[7] == math.inf and got[8] == 0.0
    assert exp(np.zeros((3, 4))).shape == (3, 4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1e6) | st.sampled_from([0.1, 0.25, 1.0]), min_size=1, max_size=60))
def test_log_is_the_c_librarys_element_by_element(values):
    got = log(np.array(values).reshape(-1, 1)).ravel().tolist()
    assert got == [math.log(v) if v > 0 else -math.inf for v in values]
