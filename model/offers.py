"""Efficient offers with separable concave values: one multiplier for one responder, a max-min
programme for several.

The proposer p offers terms worth at least L to itself that give the responder o as much as
possible. Issues on which the two agree, or that one of them does not care about, are settled at
once (:meth:`~model.utility.UtilitySpace.plan`); on each *opposed* issue i let z_i ∈ [0, 1] be the
proposer's normalised value of the level (1: its best end), so the responder's is 1 − z_i. With
the per-issue value functions v (power z**c with 0 < c ≤ 1, or quadratic 1 − (1 − z)²) and the two
sides' weights a_i, b_i the programme is

    max_z  Σ_i b_i v_oi(1 − z_i)   subject to   Σ_i a_i v_pi(z_i) ≥ L',   0 ≤ z_i ≤ 1,

L' being the level less what the settled issues give the proposer. In y_i = v_pi(z_i) the
constraint is linear (Σ a_i y_i ≥ L') and the objective concave, so the KKT conditions (Kuhn &
Tucker 1951) are necessary and sufficient: with one multiplier λ ≥ 0 each z_i maximises
b_i v_oi(1 − z) + λ a_i v_pi(z) on its own,

    b_i v_oi'(1 − z_i) = λ a_i v_pi'(z_i)          (clamped to [0, 1]),

and the level binds when λ > 0. The left side rises and the right side falls with z, so each z_i(λ)
is one root, increasing in λ; its closed forms (t = log λ) are

    proposer power c, responder linear      z = exp((t + log(a c / b)) / (1 − c))
    proposer linear, responder power c      1 − z = exp((log(b c / a) − t) / (1 − c))
    proposer power c (≤ 1), resp. quadratic z = exp((t + log(a c / 2b)) / (2 − c))
    proposer quadratic, resp. power c (≤ 1) 1 − z = exp((log(b c / 2a) − t) / (2 − c))
    both quadratic                          z = λ a / (b + λ a)

and power against power (both curvatures below 1) is one equation in the logit u of z,
(1 − c_p)·log z − (1 − c_o)·log(1 − z) = t + log(a c_p / (b c_o)), whose left side has a slope
between 1 − c_p and 1 − c_o in u: a Newton iteration from its asymptote converges in a few steps.
An issue linear for both has a constant ratio b/a: it is conceded whole once λ passes it.

The proposer's value G(t) = Σ a_i v_pi(z_i(e^t)) rises with t, with dG/dt = Σ a_i v_pi'(z_i)
z_i (1 − z_i) / (α_i (1 − z_i) + β_i z_i) on interior issues (α_i, β_i from the forms), so t is
found by a safeguarded Newton iteration on G(t) = L', warm-started where the proposer's last offer
stopped, with a bracket and bisection to fall back on. The answer then spends what is left above
the level exactly — first on the issues linear for both sides whose ratio lies in the final
bracket (the optimum concedes one of them in part), then on the curved issues (whose ratio is λ
there) — so it is worth the level to the proposer (to ~1e-14, never below) and is the KKT point.

**Step grids.** On an issue with a ``step`` the choice at a given λ is the grid value that
maximises b v_o(1 − z) + λ a v_p(z): the objective is concave in z, so it is one of the two grid
values next to the continuous root. At the smallest λ whose choices are worth L' (a level met to
rounding, 1e-12, counts as met there) the grid point maximises u_o + λ u_p among all grid points,
hence is Pareto-efficient among them. When every opposed issue is on a grid, what it leaves above
the level is then spent in whole steps towards the responder, the best gain per unit of the
proposer's loss first, while they fit and while the point still maximises u_o + λ u_p for some
λ > 0 (each issue's choice is optimal on an interval of λ; the intervals must meet): the offer stays
efficient among grid points and gives the responder at most one step's gain (on one issue) less
than the best grid point worth L — the gap of a multiple-choice knapsack with concave steps
(Sinha & Zoltners 1979). With continuous issues beside the grid ones, those take the slack, exactly.

**Several responders** (three or more governments): :func:`max_min_offer`.
"""

from __future__ import annotations

import math
from bisect import bisect_left

import numpy as np

from bargaining_chips.floats import ordered_sum, power

# Kinds of an opposed issue by the two sides' forms (proposer / responder).
FLAT, POW_LIN, LIN_POW, POW_QUAD, QUAD_POW, QUAD_QUAD, POW_POW = range(7)
_BIG = 700.0  # exp(±700) stays finite
_MARGIN = 1e-14  # delivered above the level so that rounding never leaves the offer below it
# How an issue's z follows from t in OpposedIssues._at (by its kind), and how the proposer's value
# and its slope follow from z (by the proposer's form, or its grid): one integer each per issue.
_RISE, _FALL, _STEP, _RATIO, _NEWTON = range(5)
_ROOT = {POW_LIN: _RISE, POW_QUAD: _RISE, LIN_POW: _FALL, QUAD_POW: _FALL, FLAT: _STEP,
         QUAD_QUAD: _RATIO, POW_POW: _NEWTON}
_POWER, _QUADRATIC, _LINEAR, _GRID, _WHOLE = range(5)


def _form(kind: int, c: float, quad: bool, grid) -> int:
    """The path of an issue's value to the proposer in ``OpposedIssues._at``."""
    if grid is not None:
        return _GRID
    if kind == FLAT:
        return _WHOLE
    if quad:
        return _QUADRATIC
    return _LINEAR if c == 1.0 else _POWER


def value(z: float, c: float, quad: bool) -> float:
    """v(z): 1 − (1 − z)² (quadratic) or z**c (power)."""
    if quad:
        return z * (2.0 - z)
    return z if c == 1.0 else z**c


def slope(z: float, c: float, quad: bool) -> float:
    """v'(z) for 0 < z < 1: 2(1 − z) (quadratic) or c z**(c − 1) (power)."""
    if quad:
        return 2.0 * (1.0 - z)
    return 1.0 if c == 1.0 else c * z ** (c - 1.0)


def inverse(y: float, c: float, quad: bool) -> float:
    """The smallest z in [0, 1] with v(z) ≥ y (up to a few ulps)."""
    if y <= 0.0:
        return 0.0
    if y >= 1.0:
        return 1.0
    z = 1.0 - math.sqrt(1.0 - y) if quad else (y if c == 1.0 else y ** (1.0 / c))
    for _ in range(8):
        if value(z, c, quad) >= y or z >= 1.0:
            break
        z = math.nextafter(z, 2.0)
    return min(z, 1.0)


class IssueForms:
    """What an :class:`OpposedIssues` takes from the two sides' value functions alone, not from
    their weights: per opposed issue (in concession order) the kind of its closed form, its
    exponent e and the α, β of dG/dt, and its grid and grid values. A utility space builds it
    once per (proposer, responder, opposed issues, grid) and shares it by every plan that lobbying
    makes with new weights (``UtilitySpace.forms_memo``): building it took half of a programme's
    construction, which the default scenario does once per offer.

    ``cp``, ``qp`` / ``co``, ``qo``: the proposer's and responder's curvatures and quadratic
    flags; ``grids``: per issue None (continuous) or the proposer's z at the grid values,
    ascending, with ``grid_values`` both sides' values there (computed when not given). Every
    curvature must be ≤ 1 (concave values).
    """

    __slots__ = ("n", "cp", "qp", "co", "qo", "kind", "e", "alpha", "beta", "grids", "gy", "flat",
                 "curved", "stepped", "root", "form", "top")

    def __init__(self, cp, qp, co, qo, grids, grid_values=None) -> None:
        n = self.n = len(cp)
        self.cp, self.qp, self.co, self.qo = list(cp), list(qp), list(co), list(qo)
        self.kind, self.e = [0] * n, [0.0] * n
        self.alpha, self.beta = [0.0] * n, [0.0] * n
        for i in range(n):
            c_p, c_o = cp[i], co[i]
            lin_p, lin_o = not qp[i] and c_p == 1.0, not qo[i] and c_o == 1.0
            self.alpha[i] = (1.0 if qo[i] else 0.0) + (0.0 if qp[i] else 1.0 - c_p)
            self.beta[i] = (1.0 if qp[i] else 0.0) + (0.0 if qo[i] else 1.0 - c_o)
            if lin_p and lin_o:
                kind, e = FLAT, 0.0
            elif qp[i] and qo[i]:
                kind, e = QUAD_QUAD, 0.0
            elif qo[i]:
                kind, e = POW_QUAD, 1.0 / (2.0 - c_p)
            elif qp[i]:
                kind, e = QUAD_POW, 1.0 / (2.0 - c_o)
            elif lin_o:
                kind, e = POW_LIN, 1.0 / (1.0 - c_p)
            elif lin_p:
                kind, e = LIN_POW, 1.0 / (1.0 - c_o)
            else:
                kind, e = POW_POW, 0.0
            self.kind[i], self.e[i] = kind, e
        self.grids = list(grids)
        #: (proposer's value, responder's value) at each grid value (given when shared)
        self.gy = grid_values if grid_values is not None else [
            None if g is None else
            ([value(z, cp[i], qp[i]) for z in g], [value(1.0 - z, co[i], qo[i]) for z in g])
            for i, g in enumerate(self.grids)]
        self.flat = [i for i in range(n) if self.kind[i] == FLAT and self.grids[i] is None]
        self.curved = [i for i in range(n) if self.kind[i] != FLAT and self.grids[i] is None]
        self.stepped = [i for i in range(n) if self.grids[i] is not None]
        #: per issue its paths in OpposedIssues._at (how z follows from t, how the proposer
        #: values it) and its grid's last index (−1: continuous)
        self.root = [_ROOT[kind] for kind in self.kind]
        self.form = [_form(self.kind[i], cp[i], qp[i], self.grids[i]) for i in range(n)]
        self.top = [-1 if g is None else len(g) - 1 for g in self.grids]


class OpposedIssues:
    """The one-responder programme on the opposed issues (see the module docstring).

    ``a``, ``b``: the proposer's and responder's weights on them; ``forms``: their value
    functions and grids (:class:`IssueForms`, shared by the programmes of every pair of weights).
    """

    __slots__ = ("n", "a", "b", "cp", "qp", "co", "qo", "kind", "k", "e", "alpha", "beta", "grids",
                 "gy", "flat", "curved", "total", "start", "paths", "jumps", "stepped")

    def __init__(self, a, b, forms: IssueForms) -> None:
        n = self.n = len(a)
        a, b = self.a, self.b = list(a), list(b)
        cp, co = self.cp, self.co = forms.cp, forms.co
        self.qp, self.qo = forms.qp, forms.qo
        kind, e = self.kind, self.e = forms.kind, forms.e
        self.alpha, self.beta = forms.alpha, forms.beta
        self.grids, self.gy = forms.grids, forms.gy
        self.flat, self.curved, self.stepped = forms.flat, forms.curved, forms.stepped
        log = math.log
        k = self.k = [0.0] * n
        for i in range(n):  # the weights' part of each closed form (the module docstring's)
            ki = kind[i]
            if ki == POW_QUAD:
                k[i] = log(a[i] * cp[i] / (2.0 * b[i]))
            elif ki == QUAD_POW:
                k[i] = log(b[i] * co[i] / (2.0 * a[i]))
            elif ki == FLAT:
                k[i] = log(b[i] / a[i])
            elif ki == QUAD_QUAD:
                k[i] = b[i] / a[i]
            elif ki == POW_LIN:
                k[i] = log(a[i] * cp[i] / b[i])
            elif ki == LIN_POW:
                k[i] = log(b[i] * co[i] / a[i])
            else:
                k[i] = log(a[i] * cp[i] / (b[i] * co[i]))
        self.total = ordered_sum(a)
        #: (log λ at which an issue linear for both is conceded whole, the issue), ascending
        self.jumps = sorted((k[i], i) for i in self.flat)
        alpha, beta, grids, gy = self.alpha, self.beta, self.grids, self.gy
        root, form, top = forms.root, forms.form, forms.top
        self.paths = [(i, root[i], form[i], k[i], e[i], alpha[i], beta[i], a[i], cp[i], b[i],
                       grids[i], gy[i], top[i]) for i in range(n)]
        # A default start: the middle of the issues' ratios.
        ks = sorted(log(bi / ai) for ai, bi in zip(a, b, strict=True))
        self.start = ks[len(ks) // 2]

    def _at(self, t: float, us: list[float]) -> tuple[list[float], float, float, float]:
        """Every issue's z at t, the proposer's value G(t), dG/dt and G's curved continuous part.
        ``us`` holds each power–power issue's last logit root (the start of its Newton step).

        Each issue's row names its paths once (``IssueForms.root`` and ``form``: how z follows
        from t, then how the proposer values it), so an evaluation tests one small integer per
        step rather than the kinds and forms in turn; the arithmetic, and the order in which G,
        dG/dt and the curved part add up, are those of the issue-by-issue definition. A default
        run calls this about a hundred times (76 in its offers' searches, 24 in its summary's
        Pareto distance)."""
        zs = [0.0] * self.n
        g = dg = gc = 0.0
        exp = math.exp
        lam = -1.0  # λ = e^t, computed when a grid issue first needs it
        for i, root, form, k, e, p, q, a, c, b, grid, gy, top in self.paths:
            if root == _RISE:  # POW_LIN, POW_QUAD
                x = (t + k) * e
                z = 1.0 if x >= 0.0 else exp(x)
            elif root == _FALL:  # LIN_POW, QUAD_POW
                x = (k - t) * e
                z = 0.0 if x >= 0.0 else 1.0 - exp(x)
            elif root == _STEP:  # FLAT
                z = 1.0 if t > k else 0.0
            elif root == _RATIO:  # QUAD_QUAD
                z = 1.0 / (1.0 + k * exp(-t if t > -_BIG else _BIG))
            else:  # POW_POW: (1 − c_p)·log z − (1 − c_o)·log(1 − z) = t + k in the logit u of z
                target = t + k
                u = us[i]
                if u != u:  # no start yet: the asymptote
                    u = target / q if target > 0.0 else target / p
                for _ in range(60):
                    if u > 0.0:
                        w = exp(-u) if u < _BIG else 0.0
                        sp = math.log1p(w)
                        f = q * (u + sp) - p * sp - target
                        zz = 1.0 / (1.0 + w)
                    else:
                        w = exp(u) if u > -_BIG else 0.0
                        sp = math.log1p(w)
                        f = q * sp - p * (sp - u) - target
                        zz = w / (1.0 + w)
                    step = f / (p * (1.0 - zz) + q * zz)
                    u -= step
                    if -1e-12 <= step <= 1e-12:
                        break
                us[i] = u
                if u >= 0.0:
                    w = exp(-u) if u < _BIG else 0.0
                    z = 1.0 / (1.0 + w)
                else:
                    w = exp(u) if u > -_BIG else 0.0
                    z = w / (1.0 + w)
            if form == _POWER:
                zs[i] = z
                y = z**c
                dv = c * y / z if z > 0.0 else 0.0
            elif form == _QUADRATIC:
                zs[i] = z
                y = z * (2.0 - z)
                dv = 2.0 * (1.0 - z)
            elif form == _LINEAR:
                zs[i] = z
                y, dv = z, 1.0
            elif form == _GRID:  # the better of the two grid values next to the root
                yp, yo = gy
                j = bisect_left(grid, z)
                if j > top:
                    j = top
                if j > 0 and grid[j] != z:
                    if lam < 0.0:
                        lam = exp(t if t < _BIG else _BIG)
                    if b * yo[j - 1] + lam * a * yp[j - 1] >= b * yo[j] + lam * a * yp[j]:
                        j -= 1
                zs[i] = grid[j]
                g += a * yp[j]
                continue
            else:  # _WHOLE: linear for both sides, conceded whole or not at all
                zs[i] = z
                g += a * z
                continue
            ay = a * y
            g += ay
            gc += ay
            if 0.0 < z < 1.0:
                dg += a * dv * z * (1.0 - z) / (p * (1.0 - z) + q * z)
        return zs, g, dg, gc

    @property
    def smooth(self) -> bool:
        """Whether every opposed issue is curved for one side at least and continuous: then each
        λ > 0 gives one frontier point (:meth:`curve`) and the frontier is that curve, with no
        linear piece (an issue linear for both sides is conceded whole at one λ) and no steps."""
        return not self.flat and not self.stepped

    def curve(self, t: float, us: list[float]) -> tuple[float, float]:
        """The proposer's and the responder's values on the opposed issues at the KKT point of
        log λ = ``t`` (only where :attr:`smooth`): the frontier read off by its multiplier, with no
        search for a level. ``us`` as in :meth:`_at` (a list of NaN at first; it is updated)."""
        zs, g, _, _ = self._at(t, us)
        h = 0.0
        for z, b, c, quad in zip(zs, self.b, self.co, self.qo, strict=True):
            z = 1.0 - z  # the responder's value there, v(1 − z) (:func:`value`, written out)
            h += b * (z * (2.0 - z) if quad else z if c == 1.0 else z**c)
        return g, h

    def span(self, reach: float) -> tuple[float, float]:
        """The range of log λ beyond which every issue's z is within e^−``reach`` of the end it
        tends to (only where :attr:`smooth`): from each issue's closed form (module docstring),
        z = e^{(t + k)e} for a proposer's power below its threshold −k, 1 − z = e^{(k − t)e} for a
        responder's power above k, z ≈ e^t / k both quadratic, and for power against power
        z ≈ e^{(t + k)/(1 − c_p)} below −k and 1 − z ≈ e^{(k − t)/(1 − c_o)} above it."""
        lo, hi = math.inf, -math.inf
        for i in range(self.n):
            kind, k, e = self.kind[i], self.k[i], self.e[i]
            if kind == POW_LIN or kind == POW_QUAD:
                a, b = -k - reach / e, -k
            elif kind == LIN_POW or kind == QUAD_POW:
                a, b = k, k + reach / e
            elif kind == QUAD_QUAD:
                a, b = math.log(k) - reach, math.log(k) + reach
            else:  # POW_POW
                a, b = -k - reach * self.alpha[i], -k + reach * self.beta[i]
            lo, hi = min(lo, a), max(hi, b)
        return lo, hi

    def multiplier(self, zs: list[float]) -> float:
        """log λ of a KKT point ``zs`` (only where :attr:`smooth`), read off an issue inside its
        range, where b v_o'(1 − z) = λ a v_p'(z); NaN when every issue is at an end of its range
        (the level is then an end of the frontier, where no single λ holds)."""
        for i in range(self.n):
            z = zs[i]
            if 0.0 < z < 1.0:
                return math.log(self.b[i] * slope(1.0 - z, self.co[i], self.qo[i])
                                / (self.a[i] * slope(z, self.cp[i], self.qp[i])))
        return math.nan

    def solve(self, need: float, warm: list | None = None) -> list[float]:
        """The proposer's z on each issue: worth ≥ ``need`` to it, the most to the responder.
        ``warm`` (a list, empty at first) holds the last log λ of the same plan and the last logit
        roots of its power–power issues; it is updated. (It is the caller's: a run keeps its own,
        so the same seed gives the same offers to the bit.)"""
        n = self.n
        if need <= 0.0:  # the settled issues give the level: concede everything
            return [0.0] * n
        # Continuous issues deliver a hair above the level (rounding never leaves the offer below
        # it); grid values are exact, so there a level met to rounding (1e-12) counts as met, as
        # the knapsack's snapping does (a level of 0.01 is one step of 0.01, not two).
        need = need + _MARGIN if self.flat or self.curved else need - 1e-12
        if need >= self.total:
            return [1.0] * n
        t = warm[0] if warm else self.start
        us = list(warm[1]) if warm else [math.nan] * n
        inf = math.inf
        tl, th = -inf, inf
        lo_gc = hi_gc = 0.0
        lo_zs = None
        best = None  # the state at th: (zs, g)
        final = None
        jump = None  # (issue, grid index or −1) whose threshold t is, if it was chosen as one
        for _ in range(200):
            zs, g, dg, gc = self._at(t, us)
            diff = g - need
            if jump is None and diff < 0.0 and self.jumps:  # t may be a threshold by chance
                on = [j for k, j in self.jumps if k == t]
                jump = (on[0], -1) if on else None
            if jump is not None and diff < 0.0:
                # At an issue's threshold: if the level falls inside its jump, the curved issues
                # stay at this λ and the issue takes the step (its slack is settled below).
                i, m = jump
                if m < 0:  # every linear issue with this threshold jumps together
                    tied = [j for k, j in self.jumps if k == t]
                    rise = ordered_sum(self.a[j] for j in tied)
                else:
                    yp = self.gy[i][0]
                    rise = self.a[i] * (yp[m + 1] - yp[m])
                if (m < 0 or zs[i] == self.grids[i][m]) and diff + rise >= 0.0:
                    tl = t
                    if m < 0:
                        for j in tied:
                            zs[j] = 1.0
                    else:
                        zs[i] = self.grids[i][m + 1]
                    final = (zs, g + rise)
                    break
            if diff >= 0.0:
                th, hi_gc, best = t, gc, (zs, g)
                if diff <= 1e-13:
                    final = best
                    break
            else:
                tl, lo_gc, lo_zs = t, gc, zs
            if -1e-10 <= diff <= 1e-10 and self.curved:
                trial = list(zs)
                if self._settle(trial, diff, tl) >= 0.0:  # the curved issues take it up
                    if warm is not None:
                        warm[:] = [t, us]
                    return trial
            bracketed = tl > -inf and th < inf
            if bracketed:
                if th - tl <= 1e-13 * (1.0 + abs(th)):
                    final = best
                    break
                # Only jumps left between the ends (the curved part agrees): stop once a single
                # issue jumps there, so that th's choices are those of the smallest λ.
                if hi_gc - lo_gc <= 1e-11 and self._one_jump(lo_zs, best[0]):
                    final = best
                    break
            new = t - diff / dg if dg > 0.0 else math.nan
            if not tl < new < th:
                if th == inf:
                    new = t + 4.0
                elif tl == -inf:
                    new = t - 4.0
                else:
                    new = 0.5 * (tl + th)
            jump = None
            if bracketed:
                # An issue's threshold inside the bracket (a linear issue conceded whole, a grid
                # issue's step): try the nearest to the step's target next, so that a level
                # inside its jump is found at once.
                inside = ([(abs(k - new), k, (i, -1)) for k, i in self.jumps if tl < k < th]
                          if self.jumps else [])
                for i in self.stepped:  # (once the bracket holds only a step or two of it)
                    grid = self.grids[i]
                    low, high = bisect_left(grid, lo_zs[i]), bisect_left(grid, best[0][i])
                    for m in range(low, high if high - low <= 2 else low):
                        r = self._step_ratio(i, m)
                        if 0.0 < r < inf and tl < (log_r := math.log(r)) < th:
                            inside.append((abs(log_r - new), log_r, (i, m)))
                if inside:
                    _, new, jump = min(inside)
            t = new
        if final is None:
            final = best if best is not None else ([1.0] * n, self.total)
        if warm is not None:
            warm[:] = [t, us]
        zs, g = final
        zs = list(zs)
        self._settle(zs, g - need, tl)
        return zs

    def _one_jump(self, low: list[float], high: list[float]) -> bool:
        """Whether two choices differ on at most one issue, by one grid step if on a grid."""
        moved = [i for i in range(self.n) if low[i] != high[i]]
        if len(moved) > 1:
            return False
        if not moved or self.grids[moved[0]] is None:
            return True
        grid = self.grids[moved[0]]
        return bisect_left(grid, high[moved[0]]) - bisect_left(grid, low[moved[0]]) <= 1

    def _settle(self, zs: list[float], slack: float, tl: float) -> float:
        """Spend ``slack`` (> 0: concede more; < 0: take back) on the issues, in place; returns
        what is left (negative: a shortfall the curved issues could not take back)."""
        a, cp, qp = self.a, self.cp, self.qp
        # Curved issues inside their range first: their ratio is λ there, so moving them costs
        # the responder nothing to first order (at an end the ratio is not λ).
        curved = sorted(self.curved, key=lambda i: not 0.0 < zs[i] < 1.0)
        if slack < 0.0:  # a shortfall within the iteration's tolerance: curved issues take it back
            for i in curved:
                y = value(zs[i], cp[i], qp[i])
                take = min(-slack, a[i] * (1.0 - y))
                if take > 0.0:
                    zs[i] = inverse(y + take / a[i], cp[i], qp[i])
                    slack += a[i] * value(zs[i], cp[i], qp[i]) - a[i] * y
                if slack >= 0.0:
                    break
            return slack

        # Linear issues whose ratio lies in the bracket, best for the responder first; then the
        # curved ones (ratio λ there); then the other linear ones; then whole grid steps.
        edge = tl
        first = sorted((i for i in self.flat if zs[i] > 0.0 and self.k[i] >= edge - 1e-9),
                       key=lambda i: -self.k[i])
        for i in first + curved:
            if slack <= 0.0:
                return slack
            y = value(zs[i], cp[i], qp[i])
            give = min(slack, a[i] * y)
            if give > 0.0:
                zs[i] = inverse(y - give / a[i], cp[i], qp[i])
                slack -= a[i] * y - a[i] * value(zs[i], cp[i], qp[i])
        rest = sorted((i for i in self.flat if zs[i] > 0.0 and i not in first),
                      key=lambda i: -self.k[i])
        for i in rest:  # the lower ratios: still exact for the continuous programme's slack
            if slack <= 0.0:
                return slack
            give = min(slack, a[i] * zs[i])
            zs[i] -= give / a[i]
            slack -= give
        if slack > 1e-15 and not self.flat and not self.curved:
            self._grid_steps(zs, slack)
            return 0.0
        return slack

    def _step_ratio(self, i: int, j: int) -> float:
        """What the responder loses per unit the proposer gains from grid value j to j + 1 of
        issue i (0 below the grid, ∞ above it): increasing in j for concave values."""
        if j < 0:
            return 0.0
        grid, (yp, yo) = self.grids[i], self.gy[i]
        if j + 1 >= len(grid):
            return math.inf
        gain = self.a[i] * (yp[j + 1] - yp[j])
        return self.b[i] * (yo[j] - yo[j + 1]) / gain if gain > 0.0 else math.inf

    def _grid_steps(self, zs: list[float], slack: float) -> None:
        """Spend ``slack`` in whole grid steps towards the responder, the best gain per unit of the
        proposer's loss first, while they fit and while the grid point still maximises
        u_o + λ u_p for some λ > 0 (every issue's choice is optimal on an interval of λ; the
        intervals must meet), so the offer stays Pareto-efficient among grid points."""
        index = [bisect_left(self.grids[i], zs[i]) for i in range(self.n)]
        while True:
            lows = [self._step_ratio(i, index[i] - 1) for i in range(self.n)]
            highs = [self._step_ratio(i, index[i]) for i in range(self.n)]
            choice, ratio = None, -1.0
            for i in range(self.n):
                j = index[i]
                if j == 0:
                    continue
                yp = self.gy[i][0]
                if self.a[i] * (yp[j] - yp[j - 1]) > slack:
                    continue
                low, high = self._step_ratio(i, j - 2), lows[i]  # its interval after the step
                others_low = max((lows[k] for k in range(self.n) if k != i), default=0.0)
                others_high = min((highs[k] for k in range(self.n) if k != i), default=math.inf)
                # (to rounding: a value that is linear but for its last bits, c = 1 − 1e-16,
                # has intervals of λ that meet only within a few ulps)
                meet = max(low, others_low) <= min(high, others_high) * (1.0 + 1e-9) + 1e-15
                if meet and high > 0.0 and high > ratio:
                    choice, ratio = i, high
            if choice is None:
                return
            j = index[choice]
            yp = self.gy[choice][0]
            slack -= self.a[choice] * (yp[j] - yp[j - 1])
            index[choice] = j - 1
            zs[choice] = self.grids[choice][j - 1]


def max_min_offer(w_me, sign_me, c_me, q_me, w_r, sign_r, c_r, q_r, floors, level: float,
                  fixed, starts: list, linear: bool):
    """Normalised terms (0: an issue's low end) for the offer to several responders.

    It maximises the smallest margin s of a responder's utility over its threshold θ_r (its
    current reservation), subject to the proposer's level,

        max_{x, s}  s   subject to   u_r(x) − θ_r ≥ s for every responder r,  u_p(x) ≥ L,

    then, with s held at its optimum, the responders' summed utility (so that no responder is
    left with less than it could have for free), ties going to the proposer. Linear utilities
    make both stages linear programmes, solved exactly (HiGHS through ``scipy.optimize.linprog``);
    concave values make them convex programmes, solved by sequential quadratic programming
    (SLSQP) from the proposer's best terms and from the one-responder offers, the best feasible
    answer kept (a local optimum of a convex programme is global; SLSQP's tolerance is 1e-10).
    ``w_r``, ``sign_r``, ``c_r``, ``q_r`` are (responders, issues) arrays; ``fixed`` is NaN
    where an issue is free, else its settled value (nobody at the table cares about it); the
    first of ``starts`` is the proposer's best terms. None when the level cannot be had.
    """
    from scipy.optimize import linprog, minimize  # noqa: PLC0415 (slow to import)

    n, m = len(w_me), len(floors)
    free = np.isnan(fixed)
    base = np.where(free, 0.0, fixed)
    bounds = [(0.0, 1.0) if free[i] else (base[i], base[i]) for i in range(n)]
    if linear:  # u = Σ_i w s x + Σ_{s < 0} w: variables (x, s); linprog minimises
        a_me, b_me = w_me * sign_me, float((w_me * (sign_me < 0)).sum())
        a_r, b_r = w_r * sign_r, (w_r * (sign_r < 0)).sum(axis=1)
        a_ub = np.vstack([np.hstack([-a_r, np.ones((m, 1))]), np.hstack([-a_me, [0.0]])[None]])
        b_ub = np.concatenate([b_r - floors, [b_me - level]])
        first = linprog(np.concatenate([np.zeros(n), [-1.0]]), A_ub=a_ub, b_ub=b_ub,
                        bounds=[*bounds, (None, None)], method="highs")
        if first.status != 0:
            return None
        s = float(first.x[-1])
        b_ub[:m] -= s - 1e-12
        a_ub[:m, -1] = 0.0
        second = linprog(np.concatenate([-a_r.sum(axis=0) - 1e-9 * a_me, [0.0]]), A_ub=a_ub,
                         b_ub=b_ub, bounds=[*bounds, (0.0, 0.0)], method="highs")
        x = (second if second.status == 0 else first).x[:n]
        return np.where(free, np.clip(x, 0.0, 1.0), base)

    def values(x, sign, c, quad):  # powers by the C library on every CPU (floats.power)
        z = np.clip(np.where(sign < 0, 1.0 - x, x), 0.0, 1.0)
        return np.where(quad, z * (2.0 - z), power(z, np.where(quad, 1.0, c)))

    def theirs(x):
        return (w_r * values(x, sign_r, c_r, q_r)).sum(axis=1)

    def mine(x):
        return float((w_me * values(x, sign_me, c_me, q_me)).sum())

    def margin(x):
        return float(np.min(theirs(x) - floors))

    if mine(starts[0]) < level - 1e-12:
        return None
    eps = 1e-12  # inside the box: a power value's slope is infinite at 0
    box = [(max(lo, eps), min(hi, 1.0 - eps)) if lo < hi else (lo, hi) for lo, hi in bounds]
    cons = [{"type": "ineq", "fun": lambda v: theirs(v[:n]) - floors - v[n]},
            {"type": "ineq", "fun": lambda v: mine(v[:n]) - level}]
    best, best_s = starts[0], margin(starts[0])
    for x0 in starts:
        x0 = np.where(free, np.clip(x0, eps, 1.0 - eps), base)
        res = minimize(lambda v: -v[n], np.concatenate([x0, [margin(x0)]]), method="SLSQP",
                       constraints=cons, bounds=[*box, (None, None)],
                       options={"maxiter": 300, "ftol": 1e-12})
        x = np.where(free, np.clip(res.x[:n], 0.0, 1.0), base)
        for y in (x, x0):
            if mine(y) >= level - 1e-9 and margin(y) > best_s:
                best, best_s = y, margin(y)
    held = [{"type": "ineq", "fun": lambda x: theirs(x) - floors - (best_s - 1e-9)},
            {"type": "ineq", "fun": lambda x: mine(x) - level}]
    res = minimize(lambda x: -float(theirs(x).sum()), np.where(free, np.clip(best, eps, 1 - eps), base),
                   method="SLSQP", constraints=held, bounds=box,
                   options={"maxiter": 300, "ftol": 1e-12})
    x = np.where(free, np.clip(res.x, 0.0, 1.0), base)
    if mine(x) >= level - 1e-9 and margin(x) >= best_s - 1e-9 and theirs(x).sum() > theirs(best).sum():
        best = x
    return best
