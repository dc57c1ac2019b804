"""Categorical issues: a finite set of named options, each actor with a value per option.

Some negotiations are over a choice, not a quantity: which of five deals A–E to sign (Zeuthen's
examples; Rosenschein & Zlotkin 1994), which site, which standard. A categorical issue lists its
``options``; each actor states its value in [0, 1] of every option (``actors.X.values.<issue>``),
and its utility stays the weighted sum over issues of Keeney & Raiffa's additive model, the value of
a categorical issue being read from that table instead of computed from a range.

An option travels through the engine as its 0-based position, so offers stay numeric arrays and the
numeric fast path (:class:`~model.utility.UtilitySpace`) is untouched. A scenario with a categorical
issue has a finite set of deals — every combination of the options and of the grid values of its
numeric issues, which must therefore have a ``step`` — and :class:`DiscreteSpace` answers "the
efficient offer worth at least L to me" exactly, by looking through that set.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.floats import dot
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.utility import UtilitySpace

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import ActorSpec, Scenario

#: The most deals a scenario with categorical issues may enumerate.
MAX_DEALS = 200_000


def grid(lo: float, span: float, step: float) -> np.ndarray:
    """The values an issue on a ``step`` grid can take: ``lo + k·step``, and its upper end."""
    n = int(math.floor(span / step + 1e-9))
    values = [lo + k * step for k in range(n + 1)]
    if values[-1] < lo + span - 1e-9:
        values.append(lo + span)
    return np.array(values)


def deal_space_problem(spec: Scenario) -> tuple[str, str] | None:
    """Why the deals of a scenario with categorical issues cannot be enumerated, or None."""
    if not any(issue.categorical for issue in spec.issues.values()):
        return None
    count = 1
    for name, issue in spec.issues.items():
        if issue.categorical:
            count *= len(issue.options)
            continue
        if issue.step is None:
            return (
                f"issues.{name}.step",
                "missing: with a categorical issue in the scenario every numeric issue needs a "
                "step (the deals are enumerated)",
            )
        count *= len(grid(issue.min, issue.max - issue.min, issue.step))
    if count > MAX_DEALS:
        return ("issues", f"{count} deals to enumerate; at most {MAX_DEALS} are supported")
    return None


def check_values(spec: Scenario, name: str, actor: ActorSpec) -> None:
    """An actor's option values name known options and cover every option of a categorical issue
    it weights; an issue without a no-deal option needs the actor's explicit reservation."""
    src, where = spec.origin, f"actors.{name}"
    for issue, table in actor.values.items():
        options = spec.issues[issue].options if issue in spec.issues else None
        if options is None:
            raise ScenarioError(
                src, f"{where}.values.{issue}",
                "values are given for categorical issues only; this is not one",
            )
        for option in table:
            if option not in options:
                raise ScenarioError(
                    src, f"{where}.values.{issue}.{option}",
                    f"unknown option; expected one of {', '.join(options)}",
                )
    for issue, w in actor.weights.items():
        spec_issue = spec.issues.get(issue)
        if w <= 0 or spec_issue is None or not spec_issue.categorical:
            continue
        missing = [o for o in spec_issue.options if o not in actor.values.get(issue, {})]
        if missing:
            raise ScenarioError(
                src, f"{where}.values.{issue}", f"missing a value for {', '.join(missing)}"
            )
        if math.isnan(spec_issue.no_deal) and actor.reservation is None:
            raise ScenarioError(
                src, f"{where}.reservation",
                f"missing: issue {issue!r} has no no-deal option, so state the reservation utility",
            )
        for table in ("prefers", "curvature", "shape"):
            if issue in getattr(actor, table):
                raise ScenarioError(
                    src, f"{where}.{table}.{issue}",
                    "a categorical issue takes values per option, not a direction, curvature or shape",
                )


@dataclass(frozen=True, eq=False)
class DiscreteSpace(UtilitySpace):
    """A utility space with categorical issues: a finite set of deals.

    ``table[a, i, k]`` is actor a's value of option k of categorical issue i; ``deals`` lists every
    deal (one row of terms each) and ``deal_values[d, a, i]`` the value actor a gets from issue i in
    deal d. A categorical issue has no direction (``sign`` 0), so lobbying leaves its weight alone.
    """

    categorical: tuple[bool, ...] = ()
    option_names: tuple[tuple[str, ...], ...] = ()
    table: np.ndarray | None = None
    deals: np.ndarray | None = None
    deal_values: np.ndarray = field(init=False, repr=False)  # derived in __post_init__
    #: Every actor's utility of every deal under the weights last asked for (one entry, keyed by
    #: the weights' bytes): a run's rounds ask under the same weights until lobbying moves them.
    deal_utility_memo: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_spec(cls, spec: Scenario) -> DiscreteSpace:
        base = UtilitySpace.numeric(spec)
        issues = list(spec.issues.values())
        actors = list(spec.actors.values())
        names = list(spec.issues)
        width = max(len(i.options) if i.categorical else 1 for i in issues)
        table = np.zeros((len(actors), len(issues), width))
        for a, actor in enumerate(actors):
            for i, issue in enumerate(issues):
                if issue.categorical:
                    given = actor.values.get(names[i], {})
                    table[a, i, : len(issue.options)] = [given.get(o, 0.0) for o in issue.options]
        axes = [
            np.arange(len(i.options), dtype=float) if i.categorical
            else grid(i.min, i.max - i.min, i.step)
            for i in issues
        ]
        deals = np.array(list(itertools.product(*axes)), dtype=float)
        inherited = {f.name: getattr(base, f.name) for f in fields(UtilitySpace) if f.init}
        inherited["linear"] = False
        space = cls(
            **inherited, categorical=tuple(i.categorical for i in issues),
            option_names=tuple(i.options or () for i in issues), table=table, deals=deals,
        )
        return space

    def values(self, terms: np.ndarray) -> np.ndarray:
        z = super().values(terms)
        for i, cat in enumerate(self.categorical):
            if cat:
                k = float(terms[i])
                z[:, i] = np.nan if math.isnan(k) else self.table[:, i, int(round(k))]
        return z

    def values_of(self, actor: int, terms: np.ndarray) -> np.ndarray:
        return self.values(terms)[actor]

    def row_values(self, terms: np.ndarray) -> list[float | str]:
        out = terms.tolist()
        for i, cat in enumerate(self.categorical):
            if cat:
                k = out[i]
                out[i] = "" if math.isnan(k) else self.option_names[i][int(round(k))]
        return out

    def utility(self, actor: int, terms, weights: np.ndarray) -> float:
        return float(dot(weights[actor], self.values(np.asarray(terms, dtype=float))[actor]))

    def deal_utilities(self, weights: np.ndarray) -> np.ndarray:
        """Every actor's utility of every deal under ``weights``: a (deals, actors) array."""
        key = weights.tobytes()
        cached = self.deal_utility_memo.get(key)
        if cached is None:
            cached = dot(self.deal_values, weights)
            self.deal_utility_memo.clear()
            self.deal_utility_memo[key] = cached
        return cached

    def plan(self, actor: int, weights: np.ndarray, others: tuple[int, ...]) -> tuple:
        """Every deal's utility to ``actor`` and to each of the ``others``: (deals,), (deals,
        others), and the others (see offer_from_plan)."""
        u = self.deal_utilities(weights)
        return u[:, actor], u[:, list(others)], tuple(others)

    def offer_from_plan(self, plan: tuple, level: float, snap: bool = True,
                        warm: list | None = None, floors: np.ndarray | None = None) -> np.ndarray:
        """The deal worth at least ``level`` to the actor that gives the other the most or,
        against several others, that maximises their smallest margin over ``floors`` (their
        thresholds, indexed by actor; default their no-deal utilities) — ties: the larger sum
        of theirs, then the better for the actor, then the first listed. If no deal is worth
        ``level``, the actor's best deal (ties: the better for the others). Exact: every deal is
        looked at."""
        mine, each, others = plan
        if each.shape[1] == 1:
            theirs = each[:, 0]
        elif each.shape[1] == 0:
            theirs = np.zeros(len(mine))
        else:
            if floors is None:
                floors = (self.utilities(self.no_deal) if not np.isnan(self.no_deal).any()
                          else np.zeros(len(self.weights)))
            theirs = (each - np.asarray(floors)[list(others)]).min(axis=1)
        ok = mine >= level - 1e-12
        if not ok.any():
            ok = mine >= mine.max() - 1e-12
            theirs, mine = mine, theirs
        best = theirs[ok].max()
        ok = ok & (theirs >= best - 1e-12)
        if each.shape[1] > 1:  # among max-min ties, the most for the others together
            total = np.where(ok, each.sum(axis=1), -np.inf)
            ok = ok & (total >= total.max() - 1e-12)
        return self.deals[int(np.argmax(np.where(ok, mine, -np.inf)))].copy()

    def clip(self, terms: np.ndarray) -> np.ndarray:
        """Terms clipped to the ranges, categorical positions rounded to an option."""
        out = super().clip(terms)
        if any(self.categorical):
            out = out.copy()
            for i, cat in enumerate(self.categorical):
                if cat:
                    out[i] = float(round(out[i]))
        return out

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "deal_values", np.stack([self.values(d) for d in self.deals]))
