"""Additive multi-issue utilities, and offers that reach a utility level efficiently.

Each issue i has a range [lo_i, hi_i]. Actor a's value of a level x_i is its position in that range
from its worst to its best end,

    z_ai(x_i) = (x_i − lo_i) / (hi_i − lo_i)   if a prefers "high",
    z_ai(x_i) = (hi_i − x_i) / (hi_i − lo_i)   if a prefers "low",

bent by a curvature c_ai (c < 1: concave, early gains count most), and the actor's utility of terms
x is the weighted sum (Keeney & Raiffa 1976, additive value functions)

    u_a(x) = Σ_i w_ai · z_ai(x_i) ** c_ai,      with Σ_i w_ai = 1,

so u_a lies in [0, 1]: 1 at the actor's best terms on every issue, 0 at its worst.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from bargaining_chips.model.scenario import Scenario


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
    linear: bool  # every curvature is 1: the fast path

    @classmethod
    def from_spec(cls, spec: Scenario) -> UtilitySpace:
        """The scenario's utility space: numeric, or a finite deal space when an issue is
        categorical (:class:`model.categorical.DiscreteSpace`)."""
        if any(issue.categorical for issue in spec.issues.values()):
            from bargaining_chips.model.categorical import DiscreteSpace

            return DiscreteSpace.from_spec(spec)
        return cls.numeric(spec)

    @classmethod
    def numeric(cls, spec: Scenario) -> UtilitySpace:
        """The additive space of the scenario's numeric encoding (a categorical issue is its
        options' positions here, without a direction)."""
        issues = tuple(spec.issues)
        actors = list(spec.actors.values())
        w = np.zeros((len(actors), len(issues)))
        s = np.zeros_like(w)
        c = np.ones_like(w)
        for a, actor in enumerate(actors):
            for i, name in enumerate(issues):
                w[a, i] = actor.weights.get(name, 0.0)
                direction = actor.prefers.get(name)
                s[a, i] = 1.0 if direction == "high" else -1.0 if direction == "low" else 0.0
                c[a, i] = actor.curvature.get(name, 1.0)
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
            linear=bool(np.all(c == 1.0)),
        )

    # -- values -------------------------------------------------------------------------------
    def values(self, terms: np.ndarray) -> np.ndarray:
        """z_ai(x_i) ** c_ai for every actor and issue: an (actors, issues) array in [0, 1]."""
        z = _unit(self._slope * terms + self._intercept)
        return z if self.linear else z**self.curvature

    def values_of(self, actor: int, terms: np.ndarray) -> np.ndarray:
        """One actor's row of :meth:`values` (the same numbers, without the other actors')."""
        z = _unit(self._slope[actor] * terms + self._intercept[actor])
        return z if self.linear else z**self.curvature[actor]

    def clip(self, terms: np.ndarray) -> np.ndarray:
        """``terms`` clipped to the issue ranges (returned as is when already inside)."""
        values = terms.tolist()
        hi = self._hi
        if all(lo <= v <= h for lo, v, h in zip(self._lo, values, hi, strict=True)):
            return terms
        return np.clip(terms, self.lo, self.lo + self.span)

    def linear_form(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(A, b) with utilities(x) = A @ x + b for terms x within the issue ranges.

        Valid only when every curvature is 1; a model caches the pair and refreshes it whenever
        lobbying changes the weights, so a round's utilities cost one matrix-vector product.
        """
        return weights * self._slope, (weights * self._intercept).sum(axis=1)

    def utilities(self, terms: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Every actor's utility of ``terms`` (one value per actor), under ``weights`` if given."""
        w = self.weights if weights is None else weights
        return (w * self.values(terms)).sum(axis=1)

    def utility(self, actor: int, terms, weights: np.ndarray) -> float:
        """One actor's utility of ``terms`` (a scalar loop: faster than numpy for a few issues)."""
        total = 0.0
        sign, curv = self._sign_rows[actor], self._curv_rows[actor]
        for i, w in enumerate(weights[actor].tolist()):
            if w == 0.0:
                continue
            xn = (float(terms[i]) - self._lo[i]) / self._span[i]
            z = 1.0 - xn if sign[i] < 0 else xn
            z = 0.0 if z < 0.0 else 1.0 if z > 1.0 else z
            total += w * (z if curv[i] == 1.0 else z ** curv[i])
        return total

    def named_terms(self, terms: np.ndarray) -> dict[str, float | str]:
        """Terms as {issue: value} in the issues' own units (a categorical issue: its option)."""
        return dict(zip(self.issue_names, self.row_values(terms), strict=True))

    def row_values(self, terms: np.ndarray) -> list[float | str]:
        """Terms as the values a record shows, in issue order (a categorical issue: its option)."""
        return terms.tolist()

    # -- offers -------------------------------------------------------------------------------
    def best_terms(self, actor: int, weights: np.ndarray, others: tuple[int, ...]) -> np.ndarray:
        """The actor's best terms; on issues it does not care about, what the others want."""
        return self.offer_at(actor, 1.0, weights, others)

    def offer_at(
        self, actor: int, level: float, weights: np.ndarray, others: tuple[int, ...],
        snap: bool = True,
    ) -> np.ndarray:
        """See :meth:`offer_from_plan`; plans afresh (a model caches the plan between lobbying)."""
        return self.offer_from_plan(self.plan(actor, weights, others), level, snap)

    def plan(self, actor: int, weights: np.ndarray, others: tuple[int, ...]) -> tuple:
        """What :meth:`offer_from_plan` needs for ``actor`` facing ``others`` under ``weights``."""
        w_me = weights[actor].tolist()
        xn, opposed = self._plan(actor, w_me, weights, others)
        return actor, w_me, xn, opposed

    def offer_from_plan(self, plan: tuple, level: float, snap: bool = True) -> np.ndarray:
        """Terms worth ``level`` to ``actor`` that give the ``others`` as much as possible.

        Greedy trade-off (the fractional knapsack, exact for linear utilities): start from the
        actor's best terms; on issues where the others' summed preference points the same way, or
        that the actor does not care about, give the others their way for free; then concede the
        opposed issues in decreasing order of the others' marginal gain per unit of the actor's
        loss, |Σ_o w_oi s_oi| / w_ai, fully while the concession budget 1 − level lasts and
        partially on the last one (solved exactly for the curvature). With ``snap``, discrete
        issues are rounded to their grid towards the actor's side, so the offer is worth at least
        ``level``.
        """
        actor, w_me, xn, opposed = plan
        xn = list(xn)
        n = len(self._lo)
        s_me = self._sign_rows[actor]
        budget = 1.0 - level
        if budget > 0 and opposed:
            curv = self._curv_rows[actor]
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
        terms = [self._lo[i] + xn[i] * self._span[i] for i in range(n)]
        if snap and self._discrete:
            for i in self._discrete:
                step, lo = self._step[i], self._lo[i]
                k = (terms[i] - lo) / step
                k = math.ceil(k - 1e-9) if s_me[i] > 0 else math.floor(k + 1e-9)
                terms[i] = min(lo + k * step, lo + self._span[i])
        return np.array(terms)

    def concession_costs(self, actor: int, weights: np.ndarray, others: tuple[int, ...]) -> list[float]:
        """The utility ``actor`` gives up conceding each opposed issue in full, in the greedy
        order of :meth:`offer_at`: the kinks of a linear Pareto frontier."""
        w_me = weights[actor].tolist()
        return [w_me[i] for i in self._plan(actor, w_me, weights, others)[1]]

    def _plan(self, actor, w_me, weights, others) -> tuple[list[float], list[int]]:
        """The actor's best normalised terms and its opposed issues in concession order."""
        n = len(self._lo)
        s_me = self._sign_rows[actor]
        pull = [0.0] * n
        for o in others:
            s_o = self._sign_rows[o]
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
                    xn[i] = self._no_deal_n[i]
                else:
                    xn[i] = 1.0 if s_me[i] > 0 else 0.0
            else:
                xn[i] = 1.0 if s_me[i] > 0 else 0.0
                if pull[i] != 0.0:
                    opposed.append((-abs(pull[i]) / w_me[i], i))
        opposed.sort()
        return xn, [i for _, i in opposed]

    def __post_init__(self) -> None:
        # Plain-Python copies for the scalar hot paths (a handful of issues: loops beat numpy).
        put = object.__setattr__
        put(self, "_lo", self.lo.tolist())
        put(self, "_span", self.span.tolist())
        put(self, "_hi", (self.lo + self.span).tolist())
        put(self, "_step", self.step.tolist())
        put(self, "_discrete", [i for i, s in enumerate(self.step.tolist()) if not math.isnan(s)])
        put(self, "_no_deal_n", ((self.no_deal - self.lo) / self.span).tolist())
        put(self, "_sign_rows", self.sign.tolist())
        put(self, "_curv_rows", self.curvature.tolist())
        # z = slope * x + intercept: (x − lo)/span where an actor prefers high, (hi − x)/span low.
        low = self.sign < 0
        put(self, "_slope", np.where(low, -1.0, 1.0) / self.span)
        put(self, "_intercept", np.where(low, (self.lo + self.span) / self.span, -self.lo / self.span))
