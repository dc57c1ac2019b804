"""Float arithmetic that gives the same bits on every supported Python and every CPU.

Python 3.12's built-in ``sum`` of floats compensates rounding error (Neumaier summation), so it
can differ from Python 3.11's in the last bit; a seed must give the same run on both. Sums of
floats on a run's path use :func:`ordered_sum`.

Matrix products (``@``, ``np.dot``, ``np.einsum``) go to BLAS, whose kernel OpenBLAS picks by
the CPU at load time (AVX2, AVX-512, …); each kernel adds the products in its own order, so the
same seed gave runs that differed in the last bit between two machines of the same kind. Products
on a run's path use :func:`dot`: an element-wise product and numpy's own reduction over the last
axis, whose order of additions is fixed by numpy, not by the CPU.

numpy's transcendental functions are picked by the CPU too: on a machine with AVX-512, ``**``
on float arrays (``np.power``), ``np.exp`` and ``np.log`` run numpy's own vector code (Intel's
SVML, numpy's AVX-512 exp and log), which rounds differently from the C library in the last bit
of some results; elsewhere they call the C library, as Python's ``**``, ``math.exp`` and
``math.log`` do. A power on a run's path uses :func:`power`, which calls the C library on every
CPU, and an exponential or a logarithm of an array :func:`exp` or :func:`log`;
``tests/model/test_golden_runs.py`` keeps numpy's transcendental functions off a run's path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

# exp(x) = 2^k · e^r with k = rint(x / ln 2), r = x − k ln 2 (ln 2 in two parts, fdlibm's: the
# first has 21 trailing zero bits, so k times it is exact), e^r by its Taylor polynomial to r^13
# (|r| ≤ ln 2 / 2: the first term left out is below 4e-18 relative).
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e+00
_EXP_TERMS = [1.0 / math.factorial(n) for n in range(13, -1, -1)]  # 1/13!, …, 1/1!, 1


def ordered_sum(values: Iterable[float], start: float = 0.0) -> float:
    """``start`` plus the values added one by one, left to right (Python 3.11's ``sum``)."""
    total = start
    for v in values:
        total += v
    return total


def array_sum(values: list[float]) -> float:
    """``float(np.add.reduce(np.array(values)))`` for a list of floats, with the same bits.
    Below 8 values numpy adds them one by one, left to right, to 0.0 (its pairwise summation
    starts at 8: ``tests/model/test_golden_runs.py`` checks this on the numpy installed), so a
    short list is added here in Python, with no array; a longer one goes to numpy."""
    n = len(values)
    if n >= 8:
        return float(np.add.reduce(np.array(values, dtype=float)))
    total = 0.0  # numpy's too: a sum of −0.0 alone is +0.0
    for v in values:
        total += v
    return total


def power(base: np.ndarray, exponent: np.ndarray | float) -> np.ndarray:
    """``base ** exponent`` element by element (broadcast), a new array, each power by the C
    library's ``pow`` (Python's float ``**``) on every CPU (see the module docstring); an
    exponent of 1 leaves the base as it is, as ``pow`` does. For bases in [0, 1] (values)."""
    b, e = np.broadcast_arrays(np.asarray(base, dtype=float), np.asarray(exponent, dtype=float))
    out = np.array(b, dtype=float)
    at = np.flatnonzero(e != 1.0)
    if len(at):
        np.put(out, at, [x**c for x, c in zip(np.take(b, at).tolist(), np.take(e, at).tolist(),
                                               strict=True)])
    return out


def exp(x: np.ndarray) -> np.ndarray:
    """e^x element by element, a new array, with the same bits on every CPU: computed with
    numpy's additions, multiplications, rounding to integers and ``ldexp``, which round exactly
    on every CPU (numpy's own ``np.exp`` is AVX-512 code where the CPU has it, the C library's
    elsewhere). Within about an ulp of the C library's ``exp``; 0 below −745.2, ∞ above 709.8."""
    x = np.asarray(x, dtype=float)
    nan = np.isnan(x)
    y = np.clip(np.where(nan, 0.0, x), -746.0, 710.0)
    k = np.rint(y * _INV_LN2)
    r = (y - k * _LN2_HI) - k * _LN2_LO
    p = np.full_like(r, _EXP_TERMS[0])
    for c in _EXP_TERMS[1:]:
        p *= r
        p += c
    with np.errstate(over="ignore", under="ignore"):  # ∞ and 0 are e^x there
        out = np.ldexp(p, k.astype(np.int32))
    if nan.any():
        out[nan] = math.nan
    return out


def log(x: np.ndarray) -> np.ndarray:
    """The natural logarithm element by element, a new array: the C library's ``log`` (Python's
    ``math.log``) of each distinct value, so the same bits on every CPU (see the module
    docstring). For arrays of few distinct values (a belief's hypotheses: ranks' weights); 0 and
    below give −∞ and NaN as numpy's does."""
    x = np.asarray(x, dtype=float)
    distinct, where = np.unique(x, return_inverse=True)
    logs = [math.log(v) if v > 0.0 else -math.inf if v == 0.0 else math.nan
            for v in distinct.tolist()]
    return np.array(logs, dtype=float)[where].reshape(x.shape)


def dot(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Σ_k a[..., k] · x[..., k] over the last axis (broadcast): ``a @ x`` for a vector ``x``,
    with the same bits on every CPU (see the module docstring)."""
    return np.add.reduce(a * x, axis=-1)
