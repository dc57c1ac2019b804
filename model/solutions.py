"""The axiomatic solutions of a two-government scenario: Nash, Kalai–Smorodinsky, maximum welfare.

- Nash (1950), "The bargaining problem", Econometrica 18(2): the outcome maximising the product of
  the gains over the disagreement point, (u_a − d_a)(u_b − d_b). The generalised (asymmetric)
  solution maximises (u_a − d_a)^α (u_b − d_b)^(1−α) (Kalai 1977), with a's power
  α = p_a / (p_a + p_b) from the actors' ``bargaining_power``.
- Kalai & Smorodinsky (1975), "Other solutions to Nash's bargaining problem", Econometrica 43(3):
  the Pareto-optimal outcome where the two sides' gains are in proportion to their ideal gains.
- Maximum welfare: the outcome maximising u_a + u_b (utilitarian).

The disagreement point is the governments' reservation utilities; utilities are those the scenario
states (the governments' weights before any lobbying). Computed on the Pareto frontier of
:class:`model.analysis.Frontier`, whose offers are the exact efficient ones for concave values too
(:mod:`model.offers`). Only between two governments: with three or more the frontier is a surface
and the n-party solutions live on it; they are not computed (the command says so, exit status 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bargaining_chips.model.analysis import Frontier, Point
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.errors import UserError

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import Scenario


def nash_power(spec: Scenario) -> float:
    """The first government's power α in the generalised Nash product."""
    a, b = (spec.actors[g].bargaining_power for g in spec.governments)
    return a / (a + b)


def frontier_of(spec: Scenario) -> Frontier:
    """The Pareto frontier between the scenario's two governments, at their stated weights."""
    if len(spec.governments) != 2:
        raise UserError(
            f"{spec.origin}: actors: the bargaining solutions are computed between exactly two "
            f"governments (the two-party frontier); the scenario has {len(spec.governments)}, "
            "whose frontier is a surface: offers to several are max-min ones (docs/ODD.md 7.2)"
        )
    setup = compile_scenario(spec)
    a, b = setup.governments
    d = (float(setup.reservation[a]), float(setup.reservation[b]))
    return Frontier(setup.space, setup.space.weights, a, b, d)


def solutions(spec: Scenario) -> dict:
    """The Nash, Kalai–Smorodinsky and max-welfare points: terms and utilities of each (None
    where no outcome beats disagreement), with the disagreement point and the power used."""
    front = frontier_of(spec)
    setup = compile_scenario(spec)
    names = (setup.actor_names[front.a], setup.actor_names[front.b])
    alpha = nash_power(spec)

    def describe(point: Point | None) -> dict | None:
        if point is None:
            return None
        terms = setup.space.named_terms(point.terms)
        return {
            "terms": {k: v if isinstance(v, str) else round(float(v), 10) for k, v in terms.items()},
            "utilities": {n: round(u, 10) for n, u in zip(names, point.utilities, strict=True)},
        }

    return {
        "scenario": spec.name,
        "governments": list(names),
        "disagreement": dict(zip(names, front.d, strict=True)),
        "power": {names[0]: alpha, names[1]: 1.0 - alpha},
        "nash": describe(front.nash(alpha)),
        "kalai_smorodinsky": describe(front.kalai_smorodinsky()),
        "max_welfare": describe(front.max_welfare()),
    }


def solution_lines(result: dict) -> list[str]:
    """The solutions as a small text table."""
    a, b = result["governments"]
    lines = [
        f"Bargaining solutions — {result['scenario']}",
        f"disagreement point ({a}, {b}) = "
        f"({result['disagreement'][a]:.4f}, {result['disagreement'][b]:.4f}); "
        f"Nash power of {a}: {result['power'][a]:.4f}",
    ]
    labels = {"nash": "Nash", "kalai_smorodinsky": "Kalai–Smorodinsky", "max_welfare": "max welfare"}
    for key, label in labels.items():
        point = result[key]
        if point is None:
            lines.append(f"  {label:<18} none: no outcome beats disagreement for both")
            continue
        terms = ", ".join(
            f"{k} {v}" if isinstance(v, str) else f"{k} {v:.6g}" for k, v in point["terms"].items()
        )
        utilities = ", ".join(f"{n} {u:.4f}" for n, u in point["utilities"].items())
        lines.append(f"  {label:<18} {terms}  (utilities {utilities})")
    return lines
