"""Outcome analysis between two governments: Pareto frontier, Nash and Kalai–Smorodinsky points.

The frontier is traced by government a's utility level L: for each L, the efficient offer worth L to
a (:meth:`UtilitySpace.offer_at`, giving b as much as possible) and b's utility of it. With linear
utilities the frontier is piecewise linear and exact, with a vertex wherever an issue has been
conceded in full; with curvature it is sampled finely and refined by golden-section search.

- Nash (1950): maximises (u_a − d_a)(u_b − d_b) over the frontier above the disagreement point d;
  the generalised (asymmetric) solution maximises (u_a − d_a)^α (u_b − d_b)^(1−α)
  (Kalai 1977; Binmore, Rubinstein & Wolinsky 1986), α being a's bargaining power.
- Kalai–Smorodinsky (1975): the frontier point on the segment from d to the ideal point
  (each side's best utility among individually rational outcomes).
- Maximum welfare: the frontier point maximising u_a + u_b.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.utility import UtilitySpace

_GOLDEN = (math.sqrt(5) - 1) / 2


@dataclass(frozen=True)
class Point:
    """A point of the frontier: a's level, both utilities, the terms."""

    level: float
    utilities: tuple[float, float]
    terms: np.ndarray


class Frontier:
    """The Pareto frontier between governments ``a`` and ``b`` for given weights."""

    def __init__(
        self, space: UtilitySpace, weights: np.ndarray, a: int, b: int, disagreement: tuple[float, float]
    ) -> None:
        self.space, self.weights, self.a, self.b = space, weights, a, b
        self.d = disagreement
        if space.linear:
            levels = self._vertex_levels()
        else:
            levels = np.linspace(0.0, 1.0, 401)
        pts = np.array([self._utilities(level) for level in levels])
        order = np.argsort(pts[:, 0])
        self.levels = levels[order]
        self.points = pts[order]  # (m, 2): u_a ascending, u_b descending

    def _vertex_levels(self) -> np.ndarray:
        """a's levels at which an issue is fully conceded: the kinks of a linear frontier."""
        costs = self.space.concession_costs(self.a, self.weights, (self.b,))
        return np.unique(np.clip(np.concatenate([[1.0], 1.0 - np.cumsum(costs)]), 0.0, 1.0))

    def terms(self, level: float) -> np.ndarray:
        return self.space.offer_at(self.a, level, self.weights, (self.b,), snap=False)

    def _utilities(self, level: float) -> tuple[float, float]:
        terms = self.terms(level)
        return (self.space.utility(self.a, terms, self.weights),
                self.space.utility(self.b, terms, self.weights))

    def point(self, level: float) -> Point:
        terms = self.terms(level)
        u = self.space.utilities(terms, self.weights)
        return Point(level, (float(u[self.a]), float(u[self.b])), terms)

    # -- solutions ----------------------------------------------------------------------------
    def _maximise(self, objective) -> Point:
        """Maximise objective(u_a, u_b) over a's level: grid search then golden section."""
        grid = np.linspace(0.0, 1.0, 201)
        values = [objective(*self._utilities(x)) for x in grid]
        k = int(np.argmax(values))
        lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
        f = lambda x: objective(*self._utilities(x))  # noqa: E731
        x1, x2 = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
        f1, f2 = f(x1), f(x2)
        for _ in range(60):
            if f1 < f2:
                lo, x1, f1 = x1, x2, f2
                x2 = lo + _GOLDEN * (hi - lo)
                f2 = f(x2)
            else:
                hi, x2, f2 = x2, x1, f1
                x1 = hi - _GOLDEN * (hi - lo)
                f1 = f(x1)
        best = max((grid[k], values[k]), ((lo + hi) / 2, f((lo + hi) / 2)), key=lambda p: p[1])
        return self.point(float(best[0]))

    def nash(self, power: float = 0.5) -> Point | None:
        """The (generalised) Nash bargaining point; None if no outcome beats disagreement."""
        da, db = self.d

        def objective(ua: float, ub: float) -> float:
            if ua <= da or ub <= db:
                return -math.inf
            return power * math.log(ua - da) + (1 - power) * math.log(ub - db)

        p = self._maximise(objective)
        return p if p.utilities[0] > da and p.utilities[1] > db else None

    def max_welfare(self) -> Point:
        return self._maximise(lambda ua, ub: ua + ub)

    def kalai_smorodinsky(self) -> Point | None:
        """The point where the frontier meets the line from d to the ideal point.

        The ideal point is each side's best utility on the individually rational part of the
        frontier: b's is the frontier's u_b where u_a = d_a, a's its u_a where u_b = d_b (read off
        the polyline, not only its vertices, since d usually falls between two of them).
        """
        da, db = self.d
        pa, pb = self.points[:, 0], self.points[:, 1]
        ideal_b = float(np.interp(da, pa, pb))
        ideal_a = float(np.interp(db, pb[::-1], pa[::-1]))
        if ideal_a <= da or ideal_b <= db:
            return None

        def gap(level: float) -> float:  # > 0 while a is relatively better off than b
            ua, ub = self._utilities(level)
            return (ua - da) / (ideal_a - da) - (ub - db) / (ideal_b - db)

        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if gap(mid) > 0:
                hi = mid
            else:
                lo = mid
        return self.point((lo + hi) / 2)

    def distance(self, ua: float, ub: float) -> float:
        """Euclidean distance from (u_a, u_b) to the frontier polyline (0 on it)."""
        p = self.points
        best = math.inf
        for (x0, y0), (x1, y1) in zip(p[:-1], p[1:], strict=True):
            dx, dy = x1 - x0, y1 - y0
            seg = dx * dx + dy * dy
            s = 0.0 if seg == 0 else min(1.0, max(0.0, ((ua - x0) * dx + (ub - y0) * dy) / seg))
            best = min(best, math.hypot(ua - (x0 + s * dx), ub - (y0 + s * dy)))
        if len(p) == 1:
            best = math.hypot(ua - p[0, 0], ub - p[0, 1])
        return best
