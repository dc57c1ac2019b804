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
