"""Additive multi-issue utilities, and offers that reach a utility level efficiently.

Each issue i has a range [lo_i, hi_i]. Actor a's value of a level x_i is its position in that range
from its worst to its best end,

    z_ai(x_i) = (x_i − lo_i) / (hi_i − lo_i)   if a prefers "high",
    z_ai(x_i) = (hi_i − x_i) / (hi_i − lo_i)   if a prefers "low",

bent by a value function v_ai: the power form z ** c_ai (c < 1: concave, early gains count most)
or the quadratic form 1 − (1 − z)² (the loss grows with the square of the distance from the
actor's best end), and the actor's utility of terms x is the weighted sum (Keeney & Raiffa 1976,
additive value functions)

    u_a(x) = Σ_i w_ai · v_ai(z_ai(x_i)),      with Σ_i w_ai = 1,

so u_a lies in [0, 1]: 1 at the actor's best terms on every issue, 0 at its worst.

:class:`UtilitySpace` is what every run of a scenario shares (ranges, directions, curvatures, the
scenario's weights); :class:`Preferences` is one run's utility functions, under weights that
lobbying moves, and the one place that knows the linear shortcut (u = A x + b when every
curvature is 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.floats import dot, power
from bargaining_chips.model.offers import IssueForms, OpposedIssues, max_min_offer
from bargaining_chips.model.offers import value as offer_value

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import Scenario


#: How many offer plans a utility space keeps for the runs that share them
#: (:meth:`UtilitySpace.shared_plan`).
PLANS_KEPT = 256


def _unit(z: np.ndarray) -> np.ndarray:
    """``z`` clipped to [0, 1] (the numbers of ``np.clip(z, 0, 1)``, with less call overhead)."""
    return np.minimum(np.maximum(z, 0.0, out=z), 1.0, out=z)


@dataclass(frozen=True, eq=False)
class UtilitySpace:
    issue_names: tuple[str, ...]
    lo: np.ndarray
    span: np.ndarray
    step: np.ndarray  # NaN where the issue is continuous
    no_deal: np.ndarray
    weights: np.ndarray  # (actors, issues), rows sum to 1: the scenario's weights, normalised
    sign: np.ndarray  # (actors, issues): +1 prefers high, −1 prefers low, 0 indifferent
    curvature: np.ndarray  # (actors, issues)
    linear: bool  # every curvature is 1, no value quadratic: the linear shortcut (see Preferences)
    quadratic: np.ndarray | None = None  # (actors, issues) bool: value 1 − (1 − z)² there
    # Derived in __post_init__. Plain-Python copies serve the scalar hot paths (a handful of
    # issues: loops beat numpy calls); z = slope · x + intercept is the normalised value.
    no_deal_values: np.ndarray = field(init=False, repr=False)  # values(no_deal)
    slope: np.ndarray = field(init=False, repr=False)  # (actors, issues)
    intercept: np.ndarray = field(init=False, repr=False)  # (actors, issues)
    lo_list: list[float] = field(init=False, repr=False)
    span_list: list[float] = field(init=False, repr=False)
    hi_list: list[float] = field(init=False, repr=False)
    step_list: list[float] = field(init=False, repr=False)
    discrete: list[int] = field(init=False, repr=False)  # issues on a step grid
    no_deal_unit: list[float] = field(init=False, repr=False)  # no_deal normalised to [0, 1]
    sign_rows: list[list[float]] = field(init=False, repr=False)
    curvature_rows: list[list[float]] = field(init=False, repr=False)
    quadratic_rows: list[list[bool]] = field(init=False, repr=False)
    any_quadratic: bool = field(init=False, repr=False)
    exponents: np.ndarray = field(init=False, repr=False)  # c where a value is a power, else 1
    power_at: np.ndarray = field(init=False, repr=False)  # flat positions where exponents ≠ 1
    power_exponents: list[float] = field(init=False, repr=False)  # the exponents there
    power_rows: list[tuple[list[int], list[float]]] = field(init=False, repr=False)  # per actor
    #: Traced Pareto frontiers by (a, b, weights) (:class:`~model.analysis.Frontier`, which
    #: documents what the memo saves).
    frontier_memo: dict = field(init=False, repr=False, compare=False, default_factory=dict)
    #: The z grid of each stepped issue and both sides' values there, by (actor, other, issue):
    #: they depend on no weight, so the plans a run makes after lobbying share them (building
    #: them took most of a concave plan's time: 56 grid values per tariff in the default).
    grid_memo: dict = field(init=False, repr=False, compare=False, default_factory=dict)
    #: Offer plans by (actor, others, weights' bytes) (:meth:`shared_plan`).
    plan_memo: dict = field(init=False, repr=False, compare=False, default_factory=dict)
    #: The value functions and grids of a programme by (actor, other, opposed issues, snap)
    #: (:class:`~model.offers.IssueForms`): they depend on no weight, so the programmes a run
    #: builds after each round's lobbying share them (at most :data:`PLANS_KEPT`).
    forms_memo: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    @classmethod
    def numeric(cls, spec: Scenario) -> UtilitySpace:
        """The additive space of the scenario's numeric encoding (a categorical issue is its
        options' positions here, without a direction)."""
        issues = tuple(spec.issues)
        actors = list(spec.actors.values())
        w = np.zeros((len(actors), len(issues)))
        s = np.zeros_like(w)
        c = np.ones_like(w)
        q = np.zeros(w.shape, dtype=bool)
        for a, actor in enumerate(actors):
            for i, name in enumerate(issues):
                w[a, i] = actor.weights.get(name, 0.0)
                direction = actor.prefers.get(name)
                s[a, i] = 1.0 if direction == "high" else -1.0 if direction == "low" else 0.0
                c[a, i] = actor.curvature.get(name, 1.0)
                q[a, i] = actor.shape.get(name) == "quadratic"
        w /= w.sum(axis=1, keepdims=True)
        lo = np.array([spec.issues[n].min for n in issues])
        hi = np.array([spec.issues[n].max for n in issues])
        step = np.array([spec.issues[n].step or np.nan for n in issues])
        return cls(
            issue_names=issues,
            lo=lo,
            span=hi - lo,
            step=step,
            no_deal=np.array([spec.issues[n].no_deal for n in issues]),
            weights=w,
            sign=s,
            curvature=c,
            linear=bool(np.all(c == 1.0)) and not q.any(),
            quadratic=q,
        )

    # -- values -------------------------------------------------------------------------------
    def values(self, terms: np.ndarray) -> np.ndarray:
        """v_ai(z_ai(x_i)) for every actor and issue: an (actors, issues) array in [0, 1].
        Powers are the C library's on every CPU (:func:`~bargaining_chips.floats.power`), taken
        only where a value is a power with c ≠ 1 (:attr:`power_at`)."""
        z = _unit(self.slope * terms + self.intercept)
        if self.linear:
            return z
        v = np.where(self.quadratic, z * (2.0 - z), z) if self.any_quadratic else z
        if z.shape != self.curvature.shape:  # terms of another shape: broadcast
            return power(v, self.exponents)
        at = self.power_at
        if len(at):
            np.put(v, at, [x**c for x, c in zip(np.take(z, at).tolist(), self.power_exponents,
                                                 strict=True)])
        return v

    def values_of(self, actor: int, terms: np.ndarray) -> np.ndarray:
        """One actor's row of :meth:`values` (the same numbers, without the other actors')."""
        z = _unit(self.slope[actor] * terms + self.intercept[actor])
        if self.linear:
            return z
        v = np.where(self.quadratic[actor], z * (2.0 - z), z) if self.any_quadratic else z
        if z.ndim != 1:
            return power(v, self.exponents[actor])
        issues, exponents = self.power_rows[actor]
        if issues:
            zs = z.tolist()
            np.put(v, issues, [zs[i] ** c for i, c in zip(issues, exponents, strict=True)])
        return v

    def clip(self, terms: np.ndarray) -> np.ndarray:
        """``terms`` clipped to the issue ranges (returned as is when already inside)."""
        values = terms.tolist()
        hi = self.hi_list
        if all(lo <= v <= h for lo, v, h in zip(self.lo_list, values, hi, strict=True)):
            return terms
        return np.clip(terms, self.lo, self.lo + self.span)

    def linear_form(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(A, b) with utilities(x) = A x + b for terms x within the issue ranges (valid only
        when every curvature is 1; :class:`Preferences` keeps the pair of its weights)."""
        return weights * self.slope, (weights * self.intercept).sum(axis=1)

    def utilities(self, terms: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Every actor's utility of ``terms`` (one value per actor), under ``weights`` if given."""
        w = self.weights if weights is None else weights
        return (w * self.values(terms)).sum(axis=1)

    def utility(self, actor: int, terms, weights: np.ndarray) -> float:
        """One actor's utility of ``terms`` (a scalar loop: faster than numpy for a few issues)."""
        total = 0.0
        sign, curv = self.sign_rows[actor], self.curvature_rows[actor]
        quad = self.quadratic_rows[actor]
        # an array's elements as Python floats at once (the same values as float(terms[i]) one
        # by one, without a numpy scalar per issue)
        x = terms.tolist() if isinstance(terms, np.ndarray) else terms
        for i, w in enumerate(weights[actor].tolist()):
            if w == 0.0:
                continue
            xn = (float(x[i]) - self.lo_list[i]) / self.span_list[i]
            z = 1.0 - xn if sign[i] < 0 else xn
            z = 0.0 if z < 0.0 else 1.0 if z > 1.0 else z
            total += w * (z * (2.0 - z) if quad[i] else z if curv[i] == 1.0 else z ** curv[i])
        return total

    def named_terms(self, terms: np.ndarray) -> dict[str, float | str]:
        """Terms as {issue: value} in the issues' own units (a categorical issue: its option)."""
        return dict(zip(self.issue_names, self.row_values(terms), strict=True))

    def row_values(self, terms: np.ndarray) -> list[float | str]:
        """Terms as the values a record shows, in issue order (a categorical issue: its option)."""
        return terms.tolist()

    # -- offers -------------------------------------------------------------------------------
    def offer_at(
        self, actor: int, level: float, weights: np.ndarray, others: tuple[int, ...],
        snap: bool = True, floors: np.ndarray | None = None,
    ) -> np.ndarray:
        """See :meth:`offer_from_plan`; plans afresh (a model caches the plan between lobbying)."""
        return self.offer_from_plan(self.plan(actor, weights, others), level, snap, floors=floors)

    def plan(self, actor: int, weights: np.ndarray, others: tuple[int, ...]) -> tuple:
        """What :meth:`offer_from_plan` needs for ``actor`` facing ``others`` under ``weights``:
        (actor, its weights, its best normalised terms, its opposed issues in concession order,
        and for the concave programme the proposer's value of the settled issues and a slot per
        ``snap`` for its :class:`~model.offers.OpposedIssues`, built when first asked for;
        against several others ("several", the weights, the others); None where the knapsack
        rule answers)."""
        w_me = weights[actor].tolist()
        xn, opposed = self._plan(actor, w_me, weights, others)
        if len(others) > 1:
            return actor, w_me, xn, opposed, ("several", np.array(weights), tuple(others))
        concave = None
        if not self.linear and len(others) == 1 and opposed:
            (o,) = others
            cp, co = self.curvature_rows[actor], self.curvature_rows[o]
            qp, qo = self.quadratic_rows[actor], self.quadratic_rows[o]
            curved = any(qp[i] or qo[i] or cp[i] != 1.0 or co[i] != 1.0 for i in opposed)
            convex = any(cp[i] > 1.0 or co[i] > 1.0 for i in opposed)
            if curved and not convex:
                mine = set(opposed)
                settled = 0.0
                for i in range(len(xn)):
                    if i not in mine and w_me[i] != 0.0:
                        z = xn[i] if self.sign_rows[actor][i] >= 0 else 1.0 - xn[i]
                        z = 0.0 if z < 0.0 else 1.0 if z > 1.0 else z
                        settled += w_me[i] * (z * (2.0 - z) if qp[i] else z ** cp[i])
                concave = (o, settled, [None, None], weights[o].tolist())
        return actor, w_me, xn, opposed, concave

    def shared_plan(self, actor: int, weights: np.ndarray, others: tuple[int, ...]) -> tuple:
        """:meth:`plan`, shared by the runs that reach the same weights (keyed by their bytes; at
        most :data:`PLANS_KEPT`, cleared when full). Runs of a scenario part at their first noisy
        draw, so the weights after the first round's lobbying are the same in every run: on the
        default scenario 27% of a run's plans are another run's (406 of 1,488 in 200 runs), with
        their concave programmes built once. A plan is a function of the weights (what a run
        carries from offer to offer, the multiplier, stays with the run)."""
        key = (actor, others, weights.tobytes())
        plan = self.plan_memo.get(key)
        if plan is None:
            if len(self.plan_memo) >= PLANS_KEPT:
                self.plan_memo.clear()
            plan = self.plan_memo[key] = self.plan(actor, weights, others)
        return plan

    def _opposed_issues(self, plan: tuple, snap: bool) -> OpposedIssues:
        """The plan's concave programme (built once per plan and ``snap``)."""
        actor, w_me, _, opposed, (o, _, slots, w_o) = plan
        solver = slots[snap]
        if solver is None:
            solver = slots[snap] = OpposedIssues(
                [w_me[i] for i in opposed], [w_o[i] for i in opposed],
                self._issue_forms(actor, o, opposed, snap))
        return solver

    def _issue_forms(self, actor: int, o: int, opposed: list[int], snap: bool) -> IssueForms:
        """The value functions and grids of ``actor``'s programme against ``o`` on the ``opposed``
        issues (in that order), shared by every plan between them (:attr:`forms_memo`)."""
        key = (actor, o, tuple(opposed), snap)
        forms = self.forms_memo.get(key)
        if forms is not None:
            return forms
        s_me = self.sign_rows[actor]
        grids, values = [], []
        for i in opposed:
            step = self.step_list[i]
            if not snap or math.isnan(step):
                grids.append(None)
                values.append(None)
                continue
            memo = self.grid_memo.get((actor, o, i))
            if memo is None:
                lo, span = self.lo_list[i], self.span_list[i]
                count = int(math.floor(span / step + 1e-9))
                xs = [k * step / span for k in range(count + 1)]
                if lo + count * step < lo + span - 1e-9:
                    xs.append(1.0)
                zs = sorted(x if s_me[i] > 0 else 1.0 - x for x in xs)
                cp, qp = self.curvature_rows[actor][i], self.quadratic_rows[actor][i]
                co, qo = self.curvature_rows[o][i], self.quadratic_rows[o][i]
                memo = self.grid_memo[(actor, o, i)] = (
                    zs, ([offer_value(z, cp, qp) for z in zs],
                         [offer_value(1.0 - z, co, qo) for z in zs]))
            grids.append(memo[0])
            values.append(memo[1])
        forms = IssueForms(
            [self.curvature_rows[actor][i] for i in opposed],
            [self.quadratic_rows[actor][i] for i in opposed],
            [self.curvature_rows[o][i] for i in opposed],
            [self.quadratic_rows[o][i] for i in opposed], grids, values,
        )
        if len(self.forms_memo) >= PLANS_KEPT:
            self.forms_memo.clear()
        self.forms_memo[key] = forms
        return forms

    def frontier_programme(self, plan: tuple) -> OpposedIssues | None:
        """The plan's concave programme on continuous issues (None where the knapsack rule or
        the several-responder programme answers): what :class:`~model.analysis.Frontier` reads
        the frontier's multipliers off."""
        concave = plan[4]
        if concave is None or concave[0] == "several":
            return None
        return self._opposed_issues(plan, False)

    def settled_utility(self, responder: int, plan: tuple, weights: np.ndarray) -> float:
        """The ``responder``'s utility of the issues the plan settles: its utility of the
        proposer's best terms, where every opposed issue is at its worst end (a value of 0) —
        the constant part of its utility along the plan's frontier."""
        terms = [lo + x * span for lo, x, span in zip(self.lo_list, plan[2], self.span_list,
                                                       strict=True)]
        return self.utility(responder, terms, weights)

    def offer_from_plan(self, plan: tuple, level: float, snap: bool = True,
                        warm: list | None = None, floors: np.ndarray | None = None) -> np.ndarray:
        """Terms worth ``level`` to ``actor`` that give the ``others`` as much as possible.

        Linear values on the opposed issues (and convex curvatures, c > 1, where this rule is a
        heuristic): the greedy trade-off, the fractional knapsack, exact for linear utilities:
        start from the actor's best terms; on issues where the others' summed preference points
        the same way, or that the actor does not care about, give the others their way for free;
        then concede the opposed issues in decreasing order of the others' marginal gain per unit
        of the actor's loss, |Σ_o w_oi s_oi| / w_ai, fully while the concession budget 1 − level
        lasts and partially on the last one (solved exactly for the curvature). With ``snap``,
        discrete issues are rounded to their grid towards the actor's side, so the offer is worth
        at least ``level``.

        Concave values (power with c ≤ 1, quadratic) against one responder: the same settled
        issues, and on the opposed ones the exact KKT point of :mod:`model.offers` (on step
        grids with ``snap``: its Lagrangian grid choice, then the slack spent greedily; the
        module says what is guaranteed). ``warm`` (a one-element list) carries the multiplier
        from one offer of the same plan to the next.

        Several others (three or more governments): the offer built to win each responder's
        acceptance, :func:`~model.offers.max_min_offer` — the smallest margin of a responder's
        utility over its threshold (``floors``, indexed by actor: a run's current reservations;
        default the responders' no-deal utilities) is maximised, then their sum — never a sum
        of their preference vectors, in which opposed wishes cancel. With ``snap`` the terms are
        then rounded to their grids towards the actor, so the offer stays worth ``level`` to it.
        """
        actor, w_me, xn, opposed, concave = plan
        xn = list(xn)
        n = len(self.lo_list)
        s_me = self.sign_rows[actor]
        budget = 1.0 - level
        if concave is not None and concave[0] == "several":
            xn = self._several(actor, xn, concave[1], concave[2], level, floors)
        elif concave is not None:
            zs = self._opposed_issues(plan, snap).solve(level - concave[1], warm)
            for i, z in zip(opposed, zs, strict=True):
                xn[i] = z if s_me[i] > 0 else 1.0 - z
        elif budget > 0 and opposed:
            curv = self.curvature_rows[actor]
            for i in opposed:
                cost = w_me[i]
                if cost <= budget + 1e-12:
                    z = 0.0
                    budget -= cost
                else:
                    z = (1.0 - budget / cost) ** (1.0 / curv[i])
                    budget = 0.0
                xn[i] = z if s_me[i] > 0 else 1.0 - z
                if budget <= 0:
                    break
        terms = [self.lo_list[i] + xn[i] * self.span_list[i] for i in range(n)]
        if snap and self.discrete:
            for i in self.discrete:
                step, lo = self.step_list[i], self.lo_list[i]
                k = (terms[i] - lo) / step
                k = math.ceil(k - 1e-9) if s_me[i] > 0 else math.floor(k + 1e-9)
                terms[i] = min(lo + k * step, lo + self.span_list[i])
        return np.array(terms)

    def _several(self, actor, xn, weights, others, level, floors) -> list[float]:
        """Normalised terms of the max-min offer against several ``others``."""
        rs = list(others)
        if floors is None:
            floors = self.utilities(self.no_deal, weights)
        s_me = self.sign[actor]
        mine = weights[actor] > 0
        best = np.where(mine & (s_me > 0), 1.0, np.where(mine & (s_me < 0), 0.0, np.array(xn)))
        cares = mine | (weights[rs] > 0).any(axis=0)
        fixed = np.where(cares, np.nan, np.asarray(self.no_deal_unit))
        starts = [best]
        if not self.linear:
            for o in rs:
                one = self.offer_from_plan(self.plan(actor, weights, (o,)), level, snap=False)
                starts.append((one - self.lo) / self.span)
        x = max_min_offer(
            weights[actor], s_me, self.curvature[actor], self.quadratic[actor],
            weights[rs], self.sign[rs], self.curvature[rs], self.quadratic[rs],
            np.asarray(floors, dtype=float)[rs], level, fixed, starts, self.linear,
        )
        if x is None:  # the level is out of reach: the actor's best terms
            return best.tolist()
        return self._keep_level(actor, weights, x, best, level).tolist()

    def _keep_level(self, actor, weights, x, best, level) -> np.ndarray:
        """``x`` (normalised terms) moved towards ``best`` (worth ≥ ``level``) by bisection on
        the segment between them, if a solver's tolerance left it below the level."""
        def worth(y):
            return self.utility(actor, self.lo + y * self.span, weights)

        if worth(x) >= level or worth(best) < level:
            return x
        lo, hi = 0.0, 1.0  # the share of the way from x to best: hi is worth ≥ level
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (lo, mid) if worth(x + mid * (best - x)) >= level else (mid, hi)
        return x + hi * (best - x)

    def _plan(self, actor, w_me, weights, others) -> tuple[list[float], list[int]]:
        """The actor's best normalised terms and its opposed issues in concession order."""
        n = len(self.lo_list)
        s_me = self.sign_rows[actor]
        pull = [0.0] * n
        for o in others:
            s_o = self.sign_rows[o]
            for i, w in enumerate(weights[o].tolist()):
                pull[i] += w * s_o[i]
        xn = [0.0] * n
        opposed = []
        for i in range(n):
            if w_me[i] == 0.0 or s_me[i] == 0.0 or pull[i] * s_me[i] > 0:
                if pull[i] > 0:
                    xn[i] = 1.0
                elif pull[i] < 0:
                    xn[i] = 0.0
                elif w_me[i] == 0.0 or s_me[i] == 0.0:
                    xn[i] = self.no_deal_unit[i]
                else:
                    xn[i] = 1.0 if s_me[i] > 0 else 0.0
            else:
                xn[i] = 1.0 if s_me[i] > 0 else 0.0
                if pull[i] != 0.0:
                    opposed.append((-abs(pull[i]) / w_me[i], i))
        opposed.sort()
        return xn, [i for _, i in opposed]

    def __post_init__(self) -> None:
        put = object.__setattr__  # derived fields of a frozen dataclass, set once here
        put(self, "lo_list", self.lo.tolist())
        put(self, "span_list", self.span.tolist())
        put(self, "hi_list", (self.lo + self.span).tolist())
        put(self, "step_list", self.step.tolist())
        put(self, "discrete", [i for i, s in enumerate(self.step.tolist()) if not math.isnan(s)])
        put(self, "no_deal_unit", ((self.no_deal - self.lo) / self.span).tolist())
        put(self, "sign_rows", self.sign.tolist())
        put(self, "curvature_rows", self.curvature.tolist())
        if self.quadratic is None:
            put(self, "quadratic", np.zeros(self.weights.shape, dtype=bool))
        put(self, "quadratic_rows", self.quadratic.tolist())
        put(self, "any_quadratic", bool(self.quadratic.any()))
        # Where a value is a power with c ≠ 1: the exponents (1 elsewhere: a quadratic value
        # or a linear one), their flat positions and per actor its issues (see values()).
        exponents = np.where(self.quadratic, 1.0, self.curvature)
        put(self, "exponents", exponents)
        put(self, "power_at", np.flatnonzero(exponents != 1.0))
        put(self, "power_exponents", np.take(exponents, self.power_at).tolist())
        put(self, "power_rows", [([i for i, c in enumerate(row) if c != 1.0],
                                  [c for c in row if c != 1.0]) for row in exponents.tolist()])
        # z = slope * x + intercept: (x − lo)/span where an actor prefers high, (hi − x)/span low.
        low = self.sign < 0
        put(self, "slope", np.where(low, -1.0, 1.0) / self.span)
        put(self, "intercept", np.where(low, (self.lo + self.span) / self.span, -self.lo / self.span))
        put(self, "no_deal_values", self.values(self.no_deal))


class Preferences:
    """One run's utility functions: the shared :class:`UtilitySpace` under the actors' current
    ``weights`` (which lobbying moves; call :meth:`moved` after changing them in place).

    **The linear shortcut.** When every curvature is 1, u(x) = A x + b with (A, b) derived from
    the weights (:meth:`UtilitySpace.linear_form`): a round's utilities cost one product instead
    of the values of every actor and issue. The pair is replaced, never edited, when the weights
    move, so a record may keep a reference to it (:attr:`form`; the coalition graph computes
    its gains from it later). BENCH_FIGURE

    **Offer plans.** :meth:`offer_at` reads the efficient offer off a plan that depends only on the
    weights (:meth:`UtilitySpace.plan`); plans are kept until the weights move. ``start_plans``
    are the plans every run of a scenario starts with (built when it is compiled).
    """

    __slots__ = ("space", "weights", "form", "_plans", "_warm", "floors", "_values")

    #: How many terms' values a run keeps (:meth:`values`): a round reads the offer on the table
    #: three to four times (its record, the votes at home, the next round's coalition graph and
    #: stances); a few entries are all it needs.
    VALUES_KEPT = 8

    def __init__(self, space: UtilitySpace, weights: np.ndarray,
                 form: tuple[np.ndarray, np.ndarray] | None = None,
                 start_plans: Mapping | None = None) -> None:
        self.space = space
        self.weights = weights
        if space.linear and form is None:
            form = space.linear_form(weights)
        self.form = form  #: (A, b) in a linear space, else None
        self._plans = dict(start_plans) if start_plans else {}
        self._warm: dict = {}  # the last multiplier of each (actor, others): a start for the next
        #: The responders' thresholds in offers to several of them (a model sets its current
        #: reservations here; None: their no-deal utilities).
        self.floors: np.ndarray | None = None
        self._values: dict[bytes, np.ndarray] = {}

    def values(self, terms: np.ndarray) -> np.ndarray:
        """``space.values(terms)`` (read-only), kept for the few terms a run looks at several
        times: values depend on no weight, so they stay valid when lobbying moves the weights
        (keyed by the terms' bytes; cleared when :attr:`VALUES_KEPT` are kept)."""
        key = terms.tobytes()
        values = self._values.get(key)
        if values is None:
            if len(self._values) >= self.VALUES_KEPT:
                self._values.clear()
            values = self._values[key] = self.space.values(terms)
            values.setflags(write=False)
        return values

    def moved(self) -> None:
        """Re-derive what depends on the weights, after they changed in place."""
        self._plans = {}
        if self.space.linear:
            self.form = self.space.linear_form(self.weights)

    def utilities(self, terms: np.ndarray) -> np.ndarray:
        """Every actor's utility of ``terms``."""
        if self.form is not None:
            a, b = self.form
            return dot(a, terms) + b
        return (self.weights * self.values(terms)).sum(axis=1)  # as space.utilities does

    def utility(self, actor: int, terms: np.ndarray) -> float:
        """One actor's utility of ``terms``."""
        if self.form is not None:
            a, b = self.form
            return float(dot(a[actor], terms) + b[actor])
        return self.space.utility(actor, terms, self.weights)

    def utilities_of(self, candidates: np.ndarray, actors: np.ndarray) -> np.ndarray:
        """The utilities of many terms (rows of ``candidates``) to some ``actors``: an array
        (candidates, actors)."""
        if self.form is not None:
            a, b = self.form
            return dot(candidates[:, None, :], a[actors][None]) + b[actors]
        space = self.space
        xn = (candidates - space.lo) / space.span
        sign = space.sign[actors]
        z = np.where(sign[None] < 0, 1.0 - xn[:, None, :], xn[:, None, :])
        np.clip(z, 0.0, 1.0, out=z)
        if space.any_quadratic:
            z = np.where(space.quadratic[actors][None], z * (2.0 - z), z)
        z = power(z, space.exponents[actors][None])  # the C library's, as in space.values
        return (self.weights[actors][None] * z).sum(axis=2)

    def gains_and_stance(self, terms: np.ndarray, reservation: np.ndarray):
        """What each actor gains on each issue by ``terms`` against no deal, g = w ⊙ (z(x) − z(x⁰)),
        and its stance σ = u(x) − r (the coalition graph's inputs, :mod:`model.coalitions`)."""
        space = self.space
        if self.form is not None:  # g = w ⊙ slope ⊙ (x − x⁰) and u = A x + b: two products
            a, b = self.form
            return a * (terms - space.no_deal), dot(a, terms) + b - reservation
        values = self.values(terms)
        return (self.weights * (values - space.no_deal_values),
                dot(self.weights, values) - reservation)

    def offer_at(self, actor: int, level: float, others: tuple[int, ...]) -> np.ndarray:
        """Efficient terms worth ``level`` to ``actor``, as much as possible to ``others``
        (:meth:`UtilitySpace.offer_from_plan`)."""
        key = (actor, others)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self.space.shared_plan(actor, self.weights, others)
        if len(others) > 1:
            return self.space.offer_from_plan(plan, level, floors=self.floors)
        if len(plan) != 5 or plan[4] is None:  # a categorical plan, or the knapsack rule
            return self.space.offer_from_plan(plan, level)
        warm = self._warm.get(key)
        if warm is None:
            warm = self._warm[key] = []
        return self.space.offer_from_plan(plan, level, warm=warm)
