"""Float arithmetic that gives the same bits on every supported Python.

Python 3.12's built-in ``sum`` of floats compensates rounding error (Neumaier summation), so it
can differ from Python 3.11's in the last bit; a seed must give the same run on both. Sums of
floats on a run's path use :func:`ordered_sum`.
"""

from __future__ import annotations

from collections.abc import Iterable


def ordered_sum(values: Iterable[float], start: float = 0.0) -> float:
    """``start`` plus the values added one by one, left to right (Python 3.11's ``sum``)."""
    total = start
    for v in values:
        total += v
    return total
