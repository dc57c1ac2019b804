"""Outcome analysis between two governments: Pareto frontier, Nash and Kalai–Smorodinsky points.

Between two governments only: with three or more the frontier is a surface of dimension n − 1,
on which the n-party solutions would be defined; they are not computed here (a run's summary then
reports the n-party Nash product and no Pareto distance). Offers to several governments maximise
the smallest margin over their thresholds instead (:func:`model.offers.max_min_offer`).

The frontier is traced by government a's utility level L: for each L, the efficient offer worth L to
a (:meth:`UtilitySpace.offer_at`, giving b as much as possible) and b's utility of it. With linear
utilities the frontier is piecewise linear and exact, with a vertex wherever an issue has been
conceded in full; with concave values (power, quadratic) each of its points is the exact KKT offer
(:mod:`model.offers`), sampled at 401 levels (``samples``; a run's summary samples 9 and refines
its Pareto distance on the exact curve) and refined by golden-section search.

- Nash (1950): maximises (u_a − d_a)(u_b − d_b) over the frontier above the disagreement point d;
  the generalised (asymmetric) solution maximises (u_a − d_a)^α (u_b − d_b)^(1−α)
  (Kalai 1977; Binmore, Rubinstein & Wolinsky 1986), α being a's bargaining power.
- Kalai–Smorodinsky (1975): the frontier point on the segment from d to the ideal point
  (each side's best utility among individually rational outcomes).
- Maximum welfare: the frontier point maximising u_a + u_b.

With categorical issues the deals are finite (:class:`model.categorical.DiscreteSpace`): the
frontier is the set of Pareto-optimal deals, and each solution is the deal that maximises its
criterion there (Nash: the generalised Nash product; Kalai–Smorodinsky: the smaller of the two
sides' gains relative to their ideal gains; welfare: the sum).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bargaining_chips.model.utility import UtilitySpace

_GOLDEN = (math.sqrt(5) - 1) / 2


@dataclass(frozen=True)
class Point:
    """A point of the frontier: a's level, both utilities, the terms."""

    level: float
    utilities: tuple[float, float]
    terms: np.ndarray


#: How many traced frontiers a utility space keeps in its ``frontier_memo`` (keyed by the two
#: governments and the weights: the runs of a scenario that end with the same weights share one).
#: It earns its place: on the default scenario a traced frontier costs 75 µs and a memo hit 1 µs,
#: against about 1,000 µs for a whole run and its summary (measured with timeit on one core).
MEMO_SIZE = 128


class Frontier:
    """The Pareto frontier between governments ``a`` and ``b`` for given weights."""

    def __init__(
        self, space: UtilitySpace, weights: np.ndarray, a: int, b: int,
        disagreement: tuple[float, float], samples: int = 401,
    ) -> None:
        self.space, self.weights, self.a, self.b = space, weights, a, b
        self.d = disagreement
        self.samples = samples  # levels traced where values are concave (linear: the kinks)
        self.deals = getattr(space, "deals", None)
        self.knots: list[float] | None = None
        if self.deals is not None:
            self._discrete_frontier()
            return
        memo = space.frontier_memo
        key = (a, b, weights.tobytes(), samples)
        traced = memo.get(key)
        if traced is None:
            traced = self._trace()
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = traced
        # points (m, 2): u_a ascending, u_b descending; knots: see _trace
        self.levels, self.points, self.knots = traced

    def _trace(self) -> tuple[np.ndarray, np.ndarray, list[float] | None]:
        """a's levels and both utilities along the frontier (read-only arrays, sorted by u_a),
        and where the frontier is one smooth curve (:attr:`OpposedIssues.smooth`) the log
        multiplier of each traced point (NaN at an end), else None.

        a's greedy plan against b is worked out once and every level is read off it, as
        :meth:`terms` does level by level.
        """
        space, weights, a, b = self.space, self.weights, self.a, self.b
        plan = self._own_plan()
        if space.linear:  # the kinks: a's levels at which an issue is fully conceded
            costs = [plan[1][i] for i in plan[3]]  # UtilitySpace.concession_costs, from the plan
            levels = np.unique(np.clip(np.concatenate([[1.0], 1.0 - np.cumsum(costs)]), 0.0, 1.0))
        else:
            levels = np.linspace(0.0, 1.0, self.samples)
        programme = space.frontier_programme(plan)
        smooth = programme is not None and programme.smooth
        pts, knots = [], []
        warm: list = []  # each level starts from the last one's multiplier (concave values)
        for level in levels.tolist():
            terms = space.offer_from_plan(plan, level, snap=False, warm=warm)
            pts.append((space.utility(a, terms, weights), space.utility(b, terms, weights)))
            if smooth:  # a's normalised value of each opposed issue, and λ there
                xn = [(terms[i] - space.lo_list[i]) / space.span_list[i] for i in plan[3]]
                knots.append(programme.multiplier(
                    [x if space.sign_rows[a][i] > 0 else 1.0 - x
                     for x, i in zip(xn, plan[3], strict=True)]))
        pts = np.array(pts)
        order = np.argsort(pts[:, 0])
        levels, pts = levels[order], pts[order]
        levels.setflags(write=False)
        pts.setflags(write=False)
        return levels, pts, [knots[k] for k in order.tolist()] if smooth else None

    def _discrete_frontier(self) -> None:
        """The Pareto-optimal deals of a finite deal space, by u_a ascending."""
        u = self.space.deal_utilities(self.weights)[:, [self.a, self.b]]
        keep = [
            k for k in range(len(u))
            if not np.any((u[:, 0] >= u[k, 0]) & (u[:, 1] >= u[k, 1])
                          & ((u[:, 0] > u[k, 0]) | (u[:, 1] > u[k, 1])))
        ]
        keep = sorted(set(keep), key=lambda k: (u[k, 0], -u[k, 1]))
        unique = []
        for k in keep:
            if not unique or not np.allclose(u[k], u[unique[-1]]):
                unique.append(k)
        self.deal_index = np.array(unique)
        self.points = u[self.deal_index]
        self.levels = self.points[:, 0].copy()

    def _best_deal(self, score) -> Point | None:
        """The Pareto-optimal deal with the highest finite score (None if none has one)."""
        values = [score(ua, ub) for ua, ub in self.points]
        k = int(np.argmax(values))
        if not math.isfinite(values[k]):
            return None
        ua, ub = self.points[k]
        return Point(float(ua), (float(ua), float(ub)), self.deals[self.deal_index[k]].copy())

    def _own_plan(self) -> tuple:
        """a's plan against b (:meth:`UtilitySpace.plan`), made once."""
        plan = getattr(self, "_plan", None)
        if plan is None:
            plan = self._plan = self.space.plan(self.a, self.weights, (self.b,))
            self._warm: list = []
        return plan

    def terms(self, level: float) -> np.ndarray:
        """The efficient terms worth ``level`` to a (a's plan against b, made once)."""
        plan = self._own_plan()
        return self.space.offer_from_plan(plan, level, snap=False, warm=self._warm)

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
        lo, hi = golden_max_bracket(f, float(lo), float(hi), 60)
        best = max((grid[k], values[k]), ((lo + hi) / 2, f((lo + hi) / 2)), key=lambda p: p[1])
        return self.point(float(best[0]))

    def nash_objective(self, power: float = 0.5):
        """The generalised Nash product's logarithm, α log(u_a − d_a) + (1 − α) log(u_b − d_b),
        as a function of (u_a, u_b): −inf where either side does no better than disagreement."""
        da, db = self.d

        def objective(ua: float, ub: float) -> float:
            if ua <= da or ub <= db:
                return -math.inf
            return power * math.log(ua - da) + (1 - power) * math.log(ub - db)

        return objective

    def nash(self, power: float = 0.5) -> Point | None:
        """The (generalised) Nash bargaining point; None if no outcome beats disagreement."""
        da, db = self.d
        objective = self.nash_objective(power)
        if self.deals is not None:
            return self._best_deal(objective)
        p = self._maximise(objective)
        return p if p.utilities[0] > da and p.utilities[1] > db else None

    def max_welfare(self) -> Point | None:
        """The individually rational frontier point with the largest u_a + u_b (None if there is
        none). Where the sum is flat (a linear pie) every such point ties; the first found is
        returned."""
        da, db = self.d

        def welfare(ua: float, ub: float) -> float:
            rational = ua >= da - 1e-12 and ub >= db - 1e-12
            return ua + ub if rational else -math.inf

        if self.deals is not None:
            return self._best_deal(welfare)
        p = self._maximise(welfare)
        return p if p.utilities[0] >= da - 1e-9 and p.utilities[1] >= db - 1e-9 else None

    def kalai_smorodinsky(self) -> Point | None:
        """The point where the frontier meets the line from d to the ideal point.

        The ideal point is each side's best utility on the individually rational part of the
        frontier: b's is the frontier's u_b where u_a = d_a, a's its u_a where u_b = d_b (found by
        bisection on the exact frontier, not only at its vertices or samples, since d usually falls
        between two of them).
        """
        da, db = self.d
        if self.deals is None:  # the exact ideal point (the vertices may all be irrational)
            ideal_a, ideal_b = self._ideal(da, db)
        else:
            rational = (self.points[:, 0] >= da) & (self.points[:, 1] >= db)
            if not rational.any():
                return None
            ideal_a = self.points[rational, 0].max()
            ideal_b = self.points[rational, 1].max()
        if ideal_a <= da or ideal_b <= db:
            return None
        if self.deals is not None:
            return self._best_deal(
                lambda ua, ub: min((ua - da) / (ideal_a - da), (ub - db) / (ideal_b - db))
                if ua >= da and ub >= db else -math.inf
            )

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

    def _ideal(self, da: float, db: float) -> tuple[float, float]:
        """Each side's best utility among individually rational outcomes, by bisection on a's
        level (b's utility falls as a's level rises): a's at the highest level that still leaves
        b its d_b, b's at the lowest level that still gives a its d_a."""

        def boundary(ok, lo: float, hi: float) -> float:  # ok(lo) fails, ok(hi) holds
            for _ in range(60):
                mid = (lo + hi) / 2
                lo, hi = (lo, mid) if ok(mid) else (mid, hi)
            return hi

        def b_gets(x: float) -> bool:
            return self._utilities(x)[1] >= db

        def a_gets(x: float) -> bool:
            return self._utilities(x)[0] >= da

        top = 1.0 if b_gets(1.0) else 1.0 - boundary(lambda y: b_gets(1.0 - y), 0.0, 1.0)
        bottom = 0.0 if a_gets(0.0) else boundary(a_gets, 0.0, 1.0)
        return self._utilities(top)[0], self._utilities(bottom)[1]

    def distance(self, ua: float, ub: float) -> float:
        """Euclidean distance from (u_a, u_b) to the frontier (0 on it).

        With linear values (and finite deals) the frontier is the polyline through its vertices
        and the distance to it is exact. With concave values the traced points lie on the curve
        and the chords between them below it, so the distance is taken on the curve itself: the
        nearest traced point's neighbourhood (one sample either side) is searched: where the
        frontier is one smooth curve (:attr:`knots`, the multipliers of the traced points) on
        the curve parametrised by the multiplier (:meth:`_distance_on_curve`), else — an issue
        linear for both sides, or the neighbourhood reaching an end of the frontier — by golden
        section on a's level (30 steps: the level to 1e-6 of the sample spacing, the distance,
        flat at its minimum, far closer).
        """
        p = self.points.tolist()  # plain floats: the loop's arithmetic is scalar
        best, nearest = math.inf, 0
        for k, (x0, y0) in enumerate(p):
            d = math.hypot(ua - x0, ub - y0)
            if d < best:
                best, nearest = d, k
        curved = self.deals is None and not self.space.linear
        if not curved:
            for (x0, y0), (x1, y1) in zip(p[:-1], p[1:], strict=True):
                dx, dy = x1 - x0, y1 - y0
                seg = dx * dx + dy * dy
                s = 0.0 if seg == 0 else min(1.0, max(0.0, ((ua - x0) * dx + (ub - y0) * dy) / seg))
                best = min(best, math.hypot(ua - (x0 + s * dx), ub - (y0 + s * dy)))
            return best
        last = len(p) - 1
        if self.knots is not None:
            lo, hi = self.knots[max(nearest - 1, 0)], self.knots[min(nearest + 1, last)]
            if math.isfinite(lo) and math.isfinite(hi):  # (not next to an end of the frontier)
                return min(best, self._distance_on_curve(ua, ub, lo, hi))
        levels = self.levels.tolist()
        lo, hi = levels[max(nearest - 1, 0)], levels[min(nearest + 1, last)]

        def gap(level: float) -> float:
            xa, xb = self._utilities(level)
            return math.hypot(ua - xa, ub - xb)

        return min(best, _golden_min(gap, lo, hi, 30))

    def _distance_on_curve(self, ua: float, ub: float, lo: float, hi: float) -> float:
        """The distance from (u_a, u_b) to the smooth frontier between the log multipliers ``lo``
        and ``hi``.

        Each frontier point is read off its multiplier λ = e^t in closed form
        (:meth:`OpposedIssues.curve`: no search for the level that gives it), and along the curve
        dB/dt = −λ dA/dt (the envelope theorem: every interior issue has b v_o' = λ a v_p'), so
        the squared distance has the derivative −2 A'(t) φ(t) with

            φ(t) = (u_a − A(t)) − λ (u_b − B(t)),

        A' > 0: the nearest point is the root of φ in the bracket (an end of it where φ keeps
        its sign), found by the Illinois method (regula falsi that halves a stale end's value)
        in about ten points, where a golden section on a's level took 32 searches for a level:
        a tenth of the time (200 default runs' distances: 0.66 ms against 5.9 ms each, measured
        side by side on a loaded machine; the two agree to 3e-10 relative over 300 seeds).
        """
        space, weights = self.space, self.weights
        plan = self._own_plan()
        programme = space.frontier_programme(plan)
        settled_a, settled_b = plan[4][1], space.settled_utility(self.b, plan, weights)
        return _nearest_on_curve(programme, [math.nan] * programme.n, ua, ub, settled_a,
                                 settled_b, lo, hi)


#: Interior multipliers at which :func:`curve_distance` samples the frontier, evenly in log λ
#: across the range where the frontier bends (every issue within e^−3 of an end outside it).
CURVE_SAMPLES = 9
#: How far beyond that range the frontier's ends are bracketed: every issue within e^−40 (4e−18)
#: of its end.
_END_REACH = 40.0


def curve_distance(space: UtilitySpace, weights: np.ndarray, a: int, b: int, ua: float,
                   ub: float) -> float | None:
    """Euclidean distance from (u_a, u_b) to the Pareto frontier between governments a and b where
    that frontier is one smooth curve (:attr:`OpposedIssues.smooth`: concave values, no step grid
    and no issue linear for both sides); None elsewhere (:meth:`Frontier.distance` answers there).

    The curve is read off its multiplier alone (:meth:`OpposedIssues.curve`), with no search for a
    level: it is sampled at :data:`CURVE_SAMPLES` log multipliers spread evenly over the range
    where it bends (:meth:`OpposedIssues.span`) and at its two ends (a's worst and best terms on
    the opposed issues), and the nearest point is refined between the nearest sample's neighbours
    as :meth:`Frontier._distance_on_curve` does (the root of φ(t) = (u_a − A) − λ (u_b − B) by
    the Illinois method), an end's neighbour being the log multiplier where every issue is within
    e^−40 of that end. The distance along the curve is unimodal for a point below a concave
    frontier, so the sample nearest to the point has the nearest point of the curve between its
    neighbours. Over 100 default seeds it gives the distance :meth:`Frontier.distance` gives on
    9 traced levels to 1.2e−11 relative, and on 401 to 4e−14, without the 7 searches for a level
    that tracing 9 takes (4.7 times faster, measured side by side).
    """
    if getattr(space, "deals", None) is not None or space.linear:
        return None
    plan = space.plan(a, weights, (b,))
    programme = space.frontier_programme(plan)
    if programme is None or not programme.smooth:
        return None
    x = ua - plan[4][1]  # the point's values on the opposed issues: less the settled issues'
    y = ub - space.settled_utility(b, plan, weights)
    lo, hi = programme.span(3.0)
    far_lo, far_hi = programme.span(_END_REACH)
    count = CURVE_SAMPLES
    knots = [far_lo, *(lo + (hi - lo) * j / (count - 1) for j in range(count)), far_hi]
    us = [math.nan] * programme.n
    b_total = 0.0
    for w in programme.b:
        b_total += w
    points = [(0.0, b_total), *(programme.curve(t, us) for t in knots[1:-1]),
              (programme.total, 0.0)]
    best, nearest = math.inf, 0
    for k, (g, h) in enumerate(points):
        d = math.hypot(x - g, y - h)
        if d < best:
            best, nearest = d, k
    t_lo, t_hi = knots[max(nearest - 1, 0)], knots[min(nearest + 1, len(knots) - 1)]
    return min(best, _nearest_on_curve(programme, us, x, y, 0.0, 0.0, t_lo, t_hi))


def _nearest_on_curve(programme, us: list[float], ua: float, ub: float, settled_a: float,
                      settled_b: float, lo: float, hi: float) -> float:
    """The distance from (u_a, u_b) to the frontier curve ``programme`` traces (its opposed
    issues' values, plus the settled issues' ``settled_a`` and ``settled_b``) between the log
    multipliers ``lo`` and ``hi``: at the root of φ(t) = (u_a − A(t)) − λ (u_b − B(t)) by the
    Illinois method, or at the end of the bracket where φ keeps its sign (see
    :meth:`Frontier._distance_on_curve`). ``us`` is the programme's scratch list."""

    def gaps(t: float) -> tuple[float, float]:  # (u_a − A(t), u_b − B(t))
        g, h = programme.curve(t, us)
        return ua - (settled_a + g), ub - (settled_b + h)

    def phi(t: float) -> float:
        da, db = gaps(t)
        return da - math.exp(t) * db

    f_lo, f_hi = phi(lo), phi(hi)
    if f_lo <= 0.0:
        t = lo
    elif f_hi >= 0.0:
        t = hi
    else:
        t = _illinois(phi, lo, hi, f_lo, f_hi)
    return math.hypot(*gaps(t))


def _illinois(f, lo: float, hi: float, f_lo: float, f_hi: float) -> float:
    """A root of ``f`` in [lo, hi], where f(lo) > 0 > f(hi), by the Illinois method (Dowell &
    Jarratt 1971): regula falsi, halving the value kept at an end that stays twice running, to
    1e-13 of the bracket or an exact zero."""
    stale = 0  # +1: lo moved last, −1: hi moved last
    t = lo
    for _ in range(100):
        t = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        if not lo < t < hi:
            t = 0.5 * (lo + hi)
        ft = f(t)
        if ft == 0.0:
            return t
        if ft > 0.0:
            lo, f_lo = t, ft
            if stale > 0:
                f_hi *= 0.5
            stale = 1
        else:
            hi, f_hi = t, ft
            if stale < 0:
                f_lo *= 0.5
            stale = -1
        if hi - lo <= 1e-13 * (1.0 + abs(t)):
            break
    return t


def golden_max_bracket(f, lo: float, hi: float, steps: int) -> tuple[float, float]:
    """The bracket [lo, hi] around the largest value of ``f`` after ``steps`` steps of
    golden-section search (the bracket shrinks by 0.618 a step)."""
    x1, x2 = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
    f1, f2 = f(x1), f(x2)
    for _ in range(steps):
        if f1 < f2:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + _GOLDEN * (hi - lo)
            f2 = f(x2)
        else:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - _GOLDEN * (hi - lo)
            f1 = f(x1)
    return lo, hi


def _golden_min(f, lo: float, hi: float, steps: int) -> float:
    """The smallest value of ``f`` found by golden-section search on [lo, hi] in ``steps`` steps
    (the bracket shrinks by 0.618 a step)."""
    x1, x2 = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
    f1, f2 = f(x1), f(x2)
    for _ in range(steps):
        if f1 <= f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - _GOLDEN * (hi - lo)
            f1 = f(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + _GOLDEN * (hi - lo)
            f2 = f(x2)
    return min(f1, f2)
