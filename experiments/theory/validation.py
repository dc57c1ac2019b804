"""Validation against bargaining theory: the classic results, reproduced by the engine.

Each case runs a theory scenario (``model/scenarios/theory/``) through the same
:class:`~model.negotiation.NegotiationModel`, protocols and strategy registry as every other
scenario, reads the simulated value from the run's summary (``terms``, ``agreement_round``) or
records, and compares it with the closed form the theory proves. A :class:`Check` holds one
comparison; :func:`all_checks` runs every case; ``python run.py validate`` prints the table. See
``docs/theory.md`` for each case explained, with its reference.

Tolerances: 1e-3 for a closed form; one grid step where the issue is discrete; exact for rounds and
named options; for a statistic over seeds, the tolerance stated with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from bargaining_chips.experiments.single import play
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.metrics import summary
from bargaining_chips.model.solutions import solutions

CLOSED_FORM = 1e-3


@dataclass(frozen=True)
class Check:
    """One comparison of a theory's value with the simulated one.

    ``kind`` is "close" (|simulated − theory| ≤ tolerance), "at least" (simulated ≥ theory) or
    "equal" (the same value: a round number, an option, a sequence).
    """

    case: str
    quantity: str
    theory: float | int | str
    simulated: float | int | str | None
    tolerance: float | None = CLOSED_FORM
    kind: str = "close"

    @property
    def passed(self) -> bool:
        sim = self.simulated
        if sim is None:
            return False
        if self.kind == "equal":
            return sim == self.theory
        if self.kind == "at least":
            return sim >= self.theory - 1e-12
        return abs(sim - self.theory) <= self.tolerance + 1e-12

    def row(self) -> dict[str, str]:
        """The check as printable cells."""

        def cell(value: object) -> str:
            if value is None:
                return "—"
            if isinstance(value, float):
                return f"{value:.4f}"
            return str(value)

        theory = ("≥ " if self.kind == "at least" else "") + cell(self.theory)
        tolerance = "exact" if self.kind == "equal" else "—" if self.kind == "at least" else f"{self.tolerance:g}"
        return {
            "case": self.case, "quantity": self.quantity, "theory": theory,
            "simulated": cell(self.simulated), "tolerance": tolerance,
            "result": "PASS" if self.passed else "FAIL",
        }


def _run(scenario: str, overrides: dict | None = None, seed: int = 0) -> tuple[object, dict]:
    model = play({"scenario": scenario, **(overrides or {})}, seed)
    result = summary(model)
    model.release()
    return model, result


def _share(result: dict, issue: str = "share") -> float | None:
    return None if result["terms"] is None else float(result["terms"][issue])


# -- the closed forms --------------------------------------------------------------------------
def rubinstein_share(d1: float, d2: float) -> float:
    """P1's share in Rubinstein's (1982) equilibrium: (1 − δ2) / (1 − δ1 δ2)."""
    return (1.0 - d2) / (1.0 - d1 * d2)


def stahl_share(delta: float, horizon: int) -> float:
    """P1's share in Ståhl's (1972) game of T rounds: (1 − (−δ)^T) / (1 + δ)."""
    return (1.0 - (-delta) ** horizon) / (1.0 + delta)


def outside_option_share(delta: float, b: float) -> float:
    """P2's share in the engine's alternating-offers game over a unit pie (P1 first, common δ < 1)
    when P2 may walk away to an outside option b ∈ (0, 1) paid undiscounted and P1 has none.

    Let K be the first round (0-based) with δ^K < b: from then on no agreement gives P2 b. Solving
    back from round K − 1 (in which the proposer leaves the other just its no-deal value),
    x2 = δ (1 − δ^(2m)) / (1 + δ) + tail with m = ⌊(K − 1) / 2⌋, tail = b when K is odd (P1 makes
    the last acceptable offer) and δ^(K−1) when K is even (P2 does). See agents/strategies/
    equilibrium.py and docs/theory.md."""
    horizon = math.floor(math.log(b) / math.log(delta)) + 1
    m = (horizon - 1) // 2
    tail = b if horizon % 2 == 1 else delta ** (horizon - 1)
    return delta * (1.0 - delta ** (2 * m)) / (1.0 + delta) + tail


def outside_option_principle(b: float, rubinstein: float) -> float:
    """P2's share by the outside-option principle (Binmore, Shaked & Sutton 1989): its Rubinstein
    share if the outside option b is worth no more, else b."""
    return max(b, rubinstein)


def baron_ferejohn_proposer_share(n: int, delta: float) -> float:
    """The proposer's share in Baron & Ferejohn's (1989) equilibrium: 1 − δ(n − 1)/(2n)."""
    return 1.0 - delta * (n - 1) / (2 * n)


# -- the cases ---------------------------------------------------------------------------------
def rubinstein_checks(pairs: Iterable[tuple[float, float]] = ((0.9, 0.9), (0.9, 0.8), (0.8, 0.9))) -> list[Check]:
    out = []
    for d1, d2 in pairs:
        _, result = _run("rubinstein", {"actors.P1.discount": d1, "actors.P2.discount": d2})
        label = f"δ = ({d1:g}, {d2:g})"
        out.append(Check("Rubinstein 1982", f"P1's share x*, {label}", rubinstein_share(d1, d2),
                         _share(result)))
        out.append(Check("Rubinstein 1982", f"agreement round, {label}", 1,
                         result["agreement_round"], None, "equal"))
    return out


def stahl_checks(delta: float = 0.9, horizons: Iterable[int] = range(1, 7)) -> list[Check]:
    out = []
    for horizon in horizons:
        _, result = _run("stahl", {"protocol.max_rounds": horizon, "actors.P1.discount": delta,
                                   "actors.P2.discount": delta})
        out.append(Check("Ståhl 1972", f"x1(T = {horizon}), δ = {delta:g}",
                         stahl_share(delta, horizon), _share(result)))
        out.append(Check("Ståhl 1972", f"agreement round, T = {horizon}", 1,
                         result["agreement_round"], None, "equal"))
    return out


def outside_option_checks(delta: float = 0.9, options: Iterable[float] = (0.3, 0.6)) -> list[Check]:
    """P2's share with an outside option below and above its Rubinstein share δ/(1 + δ): at δ
    against the engine's closed form (:func:`outside_option_share`), and without discounting
    against the outside-option principle, max(b, 1/2); agreement in round 1 throughout."""
    out = []
    for b in options:
        for d, theory, case in (
            (delta, outside_option_share(delta, b), "Outside option (no deal undiscounted)"),
            (1.0, outside_option_principle(b, 0.5), "Binmore–Shaked–Sutton 1989"),
        ):
            _, result = _run("outside_option", {"actors.P1.discount": d, "actors.P2.discount": d,
                                                "actors.P2.reservation": b})
            share = _share(result)
            label = f"b = {b:g}, δ = {d:g}"
            out.append(Check(case, f"P2's share, {label}", theory,
                             None if share is None else 1.0 - share))
            out.append(Check(case, f"agreement round, {label}", 1, result["agreement_round"],
                             None, "equal"))
    return out


#: The Nash examples: (label, overrides, Nash share, Kalai–Smorodinsky share or None).
NASH_EXAMPLES: tuple[tuple[str, dict, float, float | None], ...] = (
    ("u2 = √(1 − x), d = 0", {"actors.P2.curvature.share": 0.5}, 2.0 / 3.0, (math.sqrt(5) - 1) / 2),
    ("linear, d = (0.2, 0.1)", {"actors.P1.reservation": 0.2, "actors.P2.reservation": 0.1}, 0.55, 0.55),
    ("u2 = √(1 − x), P1's power 0.7",
     {"actors.P2.curvature.share": 0.5, "actors.P1.bargaining_power": 0.7,
      "actors.P2.bargaining_power": 0.3}, 0.7 / 0.85, None),
)


def nash_checks() -> list[Check]:
    """The solutions (``run.py solutions``) against the closed forms, and Zeuthen play under the
    monotonic concession protocol reaching the Nash point within one grid step (Harsanyi 1956)."""
    out = []
    for label, overrides, nash, ks in NASH_EXAMPLES:
        spec = load_scenario("nash_split", overrides)
        solved = solutions(spec)
        out.append(Check("Nash 1950", f"Nash x, {label}", nash, solved["nash"]["terms"]["share"]))
        if ks is not None:
            out.append(Check("Kalai–Smorodinsky 1975", f"K–S x, {label}", ks,
                             solved["kalai_smorodinsky"]["terms"]["share"]))
        step = spec.issues["share"].step
        _, result = _run("nash_split", overrides)
        out.append(Check("Harsanyi 1956", f"Zeuthen play x, {label}", nash, _share(result), step))
    return out


def zeuthen_checks() -> list[Check]:
    model, result = _run("zeuthen")
    sequence = {
        who: ", ".join(row["deal"] for row in model.rows if row["proposer"] == who)
        for who in ("P1", "P2")
    }
    spec = load_scenario("zeuthen")
    return [
        Check("Zeuthen 1930", "P1 proposes", "A, A, C, C", sequence["P1"], None, "equal"),
        Check("Zeuthen 1930", "P2 proposes", "E, D, D, C", sequence["P2"], None, "equal"),
        Check("Zeuthen 1930", "agreed deal", "C", (result["terms"] or {}).get("deal"), None, "equal"),
        Check("Zeuthen 1930", "agreement round", 4, result["agreement_round"], None, "equal"),
        Check("Harsanyi 1956", "Nash-product maximiser", solutions(spec)["nash"]["terms"]["deal"],
              (result["terms"] or {}).get("deal"), None, "equal"),
    ]


def faratin_checks() -> list[Check]:
    spec = load_scenario("faratin")
    price = spec.issues["price"]
    low = price.min + spec.actors["Seller"].reservation * (price.max - price.min)
    high = price.max - spec.actors["Buyer"].reservation * (price.max - price.min)
    _, tough = _run("faratin")
    _, even = _run("faratin", {"actors.Seller.strategy.beta": 1.0, "actors.Buyer.strategy.beta": 1.0})
    kept = None if tough["terms"] is None else (tough["terms"]["price"] - low) / (high - low)
    return [
        Check("Faratin et al. 1998", "Boulware vs Conceder: agreement round (of 10)", 8,
              tough["agreement_round"], None, "equal"),
        Check("Faratin et al. 1998", "Boulware's share of the zone of agreement", 0.9, kept,
              None, "at least"),
        Check("Faratin et al. 1998", "linear vs linear: price (midpoint of the zone)",
              (low + high) / 2, _share(even, "price"), price.step),
    ]


def baron_ferejohn_checks(seeds: int = 2000, tolerance: float = 0.025) -> list[Check]:
    """The proposer's and partners' shares at the example values, and every member's mean share
    over ``seeds`` seeds against 1/n (``tolerance``: about four standard errors at 2000 seeds)."""
    out = []
    for scenario in ("baron_ferejohn_3", "baron_ferejohn"):
        spec = load_scenario(scenario)
        n = len(spec.governments)
        delta = spec.actors[spec.governments[0]].discount
        model, result = _run(scenario)
        proposer = model.rows[-1]["proposer"]
        shares = result["terms"] or {}
        mine = shares.get(f"share_{proposer}")
        partners = sorted(v for k, v in shares.items() if k != f"share_{proposer}" and v > 0)
        tag = f"n = {n}, δ = {delta:g}"
        out.append(Check("Baron–Ferejohn 1989", f"proposer's share, {tag}",
                         baron_ferejohn_proposer_share(n, delta), mine))
        out.append(Check("Baron–Ferejohn 1989", f"partners bought, {tag}", (n - 1) // 2,
                         len(partners), None, "equal"))
        out.append(Check("Baron–Ferejohn 1989", f"each partner's share, {tag}", delta / n,
                         max(partners, key=lambda v: abs(v - delta / n)) if partners else None))
        out.append(Check("Baron–Ferejohn 1989", f"agreement round, {tag}", 1,
                         result["agreement_round"], None, "equal"))
    spec = load_scenario("baron_ferejohn")
    names = spec.governments
    totals = np.zeros(len(names))
    for seed in range(seeds):
        _, result = _run("baron_ferejohn", seed=seed)
        totals += [result["terms"][f"share_{g}"] for g in names]
    means = totals / seeds
    worst = int(np.argmax(np.abs(means - 1 / len(names))))
    out.append(Check("Baron–Ferejohn 1989",
                     f"expected share (member {names[worst]}, the farthest), {seeds} seeds",
                     1 / len(names), float(means[worst]), tolerance))
    return out


def deadline_rounds(seeds: int = 500) -> tuple[list[int | None], int]:
    """The agreement round (None: no deal) of each seed of the deadline_effect scenario, and the
    number of rounds the deadline allows."""
    spec = load_scenario("deadline_effect")
    horizon = len(compile_scenario(spec).rounds)
    return [_run("deadline_effect", seed=s)[1]["agreement_round"] for s in range(seeds)], horizon


def share_in_last_tenth(rounds: list[int | None], horizon: int) -> float | None:
    """The share of agreements struck in the last 10% of the rounds."""
    agreed = [r for r in rounds if r is not None]
    if not agreed:
        return None
    first_late = horizon - max(1, math.floor(0.1 * horizon)) + 1
    return sum(r >= first_late for r in agreed) / len(agreed)


def deadline_checks(seeds: int = 500, rounds: tuple[list[int | None], int] | None = None) -> list[Check]:
    agreed, horizon = rounds or deadline_rounds(seeds)
    return [Check("Roth et al. 1988", f"agreements in the last 10% of rounds, {len(agreed)} seeds",
                  0.5, share_in_last_tenth(agreed, horizon), None, "at least")]


CASES: tuple[Callable[[], list[Check]], ...] = (
    rubinstein_checks, outside_option_checks, stahl_checks, nash_checks, zeuthen_checks, faratin_checks,
    baron_ferejohn_checks, deadline_checks,
)


def all_checks() -> list[Check]:
    """Every case at its example values."""
    return [check for case in CASES for check in case()]


def table_lines(checks: list[Check]) -> list[str]:
    """The checks as an aligned text table, with a closing count."""
    rows = [c.row() for c in checks]
    heads = {"case": "case", "quantity": "quantity", "theory": "theory", "simulated": "simulated",
             "tolerance": "tolerance", "result": "result"}
    width = {k: max(len(heads[k]), *(len(r[k]) for r in rows)) for k in heads}
    line = "  ".join(heads[k].ljust(width[k]) for k in heads)
    out = [line, "-" * len(line)]
    out += ["  ".join(r[k].ljust(width[k]) for k in heads).rstrip() for r in rows]
    failed = sum(not c.passed for c in checks)
    out.append(f"{len(checks) - failed} of {len(checks)} checks pass" + (f"; {failed} FAIL" if failed else ""))
    return out
