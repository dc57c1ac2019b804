"""bargaining_chips.floats: plain-float arithmetic that keeps numpy's bits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining_chips.floats import numpy_sum

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, max_size=300))
def test_numpy_sum_is_numpys_pairwise_sum(values):
    assert numpy_sum(values) == float(np.add.reduce(np.array(values, dtype=float)))


def test_numpy_sum_of_every_length_in_each_regime():
    rng = np.random.default_rng(5)
    for n in [*range(40), 127, 128, 129, 257, 1000]:
        for _ in range(20):
            a = rng.standard_normal(n) * rng.choice([1.0, 1e-9, 1e9], n)
            assert numpy_sum(a.tolist()) == float(np.add.reduce(a)), n
    # one by one below 8 values, where eight running sums would round differently
    assert numpy_sum([1e16, 1.0, -1e16, 1.0]) == 1.0
