"""Float arithmetic that gives the same bits on every supported Python and every CPU.

Python 3.12's built-in ``sum`` of floats compensates rounding error (Neumaier summation), so it
can differ from Python 3.11's in the last bit; a seed must give the same run on both. Sums of
floats on a run's path use :func:`ordered_sum`.

Matrix products (``@``, ``np.dot``, ``np.einsum``) go to BLAS, whose kernel OpenBLAS picks by
the CPU at load time (AVX2, AVX-512, …); each kernel adds the products in its own order, so the
same seed gave runs that differed in the last bit between two machines of the same kind. Products
on a run's path use :func:`dot`: an element-wise product and numpy's own reduction over the last
axis, whose order of additions is fixed by numpy, not by the CPU.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def ordered_sum(values: Iterable[float], start: float = 0.0) -> float:
    """``start`` plus the values added one by one, left to right (Python 3.11's ``sum``)."""
    total = start
    for v in values:
        total += v
    return total


def dot(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Σ_k a[..., k] · x[..., k] over the last axis (broadcast): ``a @ x`` for a vector ``x``,
    with the same bits on every CPU (see the module docstring)."""
    return np.add.reduce(a * x, axis=-1)


def numpy_sum(values: list[float]) -> float:
    """The sum numpy's ``np.add.reduce`` gives for a contiguous float64 array of ``values``, on
    plain floats: its pairwise summation (below 8 values one by one from 0.0; up to 128 in eight
    running sums combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest one
    by one; beyond, the two halves split at a multiple of 8). For a handful of values a numpy
    call costs more than the additions; this keeps numpy's bits."""
    return _pairwise(values, 0, len(values))


def _pairwise(a: list[float], lo: int, n: int) -> float:
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    if n <= 128:
        r = a[lo:lo + 8]
        end = lo + n - n % 8
        for i in range(lo + 8, end, 8):
            for j in range(8):
                r[j] += a[i + j]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(end, lo + n):
            res += a[i]
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(a, lo, half) + _pairwise(a, lo + half, n - half)
