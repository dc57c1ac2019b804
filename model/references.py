"""Cross-reference checks: what a scenario's values refer to, beyond pydantic's field by field.

The second layer of a scenario's validation (:mod:`model.scenario` holds the schema, the first):
weights name known issues, a firm's home government exists, a deadline is not before the first
round, the strategy and its parameters exist, the two-level tables name domestic actors, and the
game fits: the protocol's needs (:meth:`model.protocols.Protocol.scenario_problem`), the deal
space's (:func:`model.categorical.deal_space_problem`) and each equilibrium strategy's declared
games (:attr:`agents.strategies.base.Strategy.games`). Every check raises
:class:`~model.errors.ScenarioError` naming the file, the field and what is expected.

The checks read the schema and the parts that interpret it, so they live above both: the schema
imports none of them.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from typing import TYPE_CHECKING

from bargaining_chips.agents.opponents import MODEL_REGISTRY
from bargaining_chips.agents.strategies import REGISTRY, ParameterError
from bargaining_chips.model.calendar import rounds_of
from bargaining_chips.model.calendar_checks import check_calendar
from bargaining_chips.model.categorical import check_values, deal_space_problem
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.protocols import PROTOCOLS

if TYPE_CHECKING:
    from bargaining_chips.agents.strategies import Strategy
    from bargaining_chips.model.scenario import Scenario, StrategySpec


def check_references(spec: Scenario) -> None:
    """Cross-reference checks pydantic cannot do field by field; raises ScenarioError."""
    src = spec.origin
    issues = set(spec.issues)
    known = ", ".join(spec.issues)
    governments = spec.governments
    if len(governments) < 2:
        raise ScenarioError(src, "actors", "at least two actors of kind 'government' are needed")
    for name, actor in spec.actors.items():
        where = f"actors.{name}"
        for table in ("weights", "prefers", "curvature", "shape"):
            for issue in getattr(actor, table):
                if issue not in issues:
                    raise ScenarioError(
                        src, f"{where}.{table}.{issue}", f"unknown issue; expected one of {known}"
                    )
        check_values(spec, name, actor)
        for issue, w in actor.weights.items():
            if w > 0 and issue not in actor.prefers and not spec.issues[issue].categorical:
                raise ScenarioError(
                    src, f"{where}.prefers.{issue}",
                    'missing: an issue with a weight needs a direction, "high" or "low"',
                )
        if actor.kind == "firm":
            if actor.home not in governments:
                raise ScenarioError(
                    src, f"{where}.home",
                    f"{actor.home!r} is not a government; expected one of {', '.join(governments)}",
                )
        elif actor.home is not None:
            raise ScenarioError(src, f"{where}.home", "only firms have a home government")
        if actor.kind == "government":
            if actor.strategy is None:
                raise ScenarioError(src, f"{where}.strategy", "a government needs a strategy table")
            _check_strategy(src, f"{where}.strategy", actor.strategy, REGISTRY)
        if actor.deadline_belief is not None and actor.deadline_belief not in spec.deadlines:
            raise ScenarioError(
                src, f"{where}.deadline_belief",
                f"unknown deadline {actor.deadline_belief!r}; expected one of "
                f"{', '.join(spec.deadlines) or '(no deadlines defined)'}",
            )
    order = spec.protocol.order
    if order is not None:
        for i, who in enumerate(order):
            if who not in governments:
                raise ScenarioError(
                    src, f"protocol.order.{i}",
                    f"{who!r} is not a government; expected one of {', '.join(governments)}",
                )
    _check_game(spec, REGISTRY)
    check_beliefs(spec)
    rounds = spec.calendar.rounds
    if not rounds and spec.protocol.max_rounds is None:
        raise ScenarioError(src, "calendar.rounds", "give dated rounds, or protocol.max_rounds")
    for name, deadline in spec.deadlines.items():
        where = f"deadlines.{name}"
        if deadline.date is not None:
            if not rounds:
                raise ScenarioError(src, f"{where}.date", "an undated scenario needs round = N")
            if deadline.date < rounds[0].date:
                raise ScenarioError(
                    src, f"{where}.date",
                    f"{deadline.date} is before the first round ({rounds[0].date}); "
                    "a deadline must fall on or after it",
                )
        else:
            available = len(rounds) if rounds else spec.protocol.max_rounds
            if deadline.round > available:
                raise ScenarioError(
                    src, f"{where}.round",
                    f"round {deadline.round} does not exist: the talks have {available} rounds",
                )
    check_two_level(spec)
    check_calendar(spec)


def _check_game(spec: Scenario, registry: dict[str, type[Strategy]]) -> None:
    """What the protocol, the deal space and each government's strategy need from the scenario:
    e.g. majority rule needs a budget, an equilibrium strategy one of its games."""
    for problem in (deal_space_problem(spec), PROTOCOLS[spec.protocol.type].scenario_problem(spec)):
        if problem:
            raise ScenarioError(spec.origin, *problem)
    for name in spec.governments:
        problem = game_problem(registry[spec.actors[name].strategy.name], spec)
        if problem:
            raise ScenarioError(spec.origin, f"actors.{name}.strategy.name", problem)


def game_problem(strategy: type[Strategy], spec: Scenario) -> str | None:
    """Why ``strategy`` cannot play the scenario's game, in words, or None when it can: the
    scenario must be one of the games the strategy declares (:attr:`Strategy.games`), i.e. have a
    declared protocol with the declared number of governments, and one discount factor for all
    where the game needs it. The fix suggested is the first declared game the table can be."""
    games = strategy.games
    if games is None:
        return None
    n = len(spec.governments)
    who = f"the strategy {strategy.name!r}"
    seated = [g for g in games if g.governments in (None, n)]
    for game in seated:
        if game.protocol != spec.protocol.type:
            continue
        if game.common_discount and len({spec.actors[g].discount for g in spec.governments}) > 1:
            return (f"{who} under {PROTOCOLS[game.protocol].label} assumes a common discount "
                    "factor; give every government the same discount")
        return None
    if not seated:
        return (f"{who} is an equilibrium between {_count(games[0].governments)} governments; "
                f"the scenario has {n}")
    first, *others = games
    alternatives = "".join(
        f" (or, between {_count(g.governments)} governments, of {PROTOCOLS[g.protocol].label})"
        if g.governments is not None else f" (or of {PROTOCOLS[g.protocol].label})"
        for g in others
    )
    return (f"{who} is an equilibrium of {PROTOCOLS[first.protocol].label}{alternatives}; "
            f'set protocol.type = "{seated[0].protocol}"')


def _count(n: int | None) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


@functools.lru_cache(maxsize=256)
def _parameters(cls: type) -> list[str]:
    """The parameters a strategy class takes (read once per class: a sweep's every run checks
    its strategies, and reading a signature was a third of that check)."""
    return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]


def _check_strategy(src: str, where: str, strategy: StrategySpec, registry: dict,
                    kind: str = "strategy") -> None:
    cls = registry.get(strategy.name)
    if cls is None:
        raise ScenarioError(
            src, f"{where}.name",
            f"unknown {kind} {strategy.name!r}; expected one of {', '.join(sorted(registry))}",
        )
    accepted = _parameters(cls)
    for key in strategy.params:
        if key not in accepted:
            raise ScenarioError(
                src, f"{where}.{key}",
                f"not a parameter of {strategy.name}; "
                + (f"did you mean {near[0]!r}? " if (near := difflib.get_close_matches(key, accepted, 1)) else "")
                + f"expected one of {', '.join(accepted) or '(none)'}",
            )
    try:
        cls(**strategy.params)
    except ParameterError as err:
        raise ScenarioError(src, f"{where}.{err.param}", err.expected) from None
    except (ValueError, TypeError) as err:
        raise ScenarioError(src, where, str(err)) from None


def check_beliefs(spec: Scenario) -> None:
    """A government's beliefs (:mod:`model.scenario_information`) are about other governments,
    name known issues and a registered opponent model with its parameters; a direction is
    believed only of a numeric issue."""
    src, governments = spec.origin, spec.governments
    known = ", ".join(spec.issues)
    for name, actor in spec.actors.items():
        for other, belief in actor.beliefs.items():
            where = f"actors.{name}.beliefs.{other}"
            if actor.kind != "government":
                raise ScenarioError(src, f"actors.{name}.beliefs", "only governments hold beliefs")
            if other not in governments or other == name:
                rest = ", ".join(g for g in governments if g != name)
                raise ScenarioError(
                    src, where, f"{other!r} is not another government; expected one of {rest}")
            for table in ("weights", "prefers"):
                for issue in getattr(belief, table) or {}:
                    if issue not in spec.issues:
                        raise ScenarioError(
                            src, f"{where}.{table}.{issue}", f"unknown issue; expected one of {known}")
                    if table == "prefers" and spec.issues[issue].categorical:
                        raise ScenarioError(
                            src, f"{where}.prefers.{issue}",
                            "a categorical issue has no direction; leave it out")
            cls = MODEL_REGISTRY.get(belief.model)
            if cls is None:
                raise ScenarioError(
                    src, f"{where}.model", f"unknown opponent model {belief.model!r}; expected "
                    f"one of {', '.join(sorted(MODEL_REGISTRY))}")
            _check_strategy(src, f"{where}.params", _ModelSpec(belief.model, belief.params),
                            MODEL_REGISTRY, kind="opponent model")
    if spec.protocol.information != "private":
        return
    for name in governments:  # an equilibrium strategy solves a game of complete information
        plan = spec.actors[name].strategy
        cls = REGISTRY.get(plan.name) if plan is not None else None
        if cls is None or cls.games is None:
            continue
        for other in governments:
            belief = spec.actors[name].beliefs.get(other)
            point = (belief is not None and belief.weights is not None
                     and belief.concentration is None
                     and isinstance(belief.reservation, int | float))
            if other != name and not point:
                raise ScenarioError(
                    src, f"actors.{name}.beliefs.{other}",
                    f"the equilibrium strategy {plan.name!r} plays a game of complete "
                    "information; under private information give it a point belief (weights "
                    "without concentration, and one reservation value)")


class _ModelSpec:
    """An opponent model's name and parameters, in the shape :func:`_check_strategy` reads."""

    def __init__(self, name: str, params: dict) -> None:
        self.name, self.params = name, params


def check_two_level(spec: Scenario) -> None:
    """Cross-references of the two-level tables; raises ScenarioError naming file and field."""
    src = spec.origin
    issues = spec.issues
    governments = spec.governments
    for name, actor in spec.actors.items():
        where = f"actors.{name}"
        if actor.ratification is not None:
            if actor.kind != "government":
                raise ScenarioError(src, f"{where}.ratification", "only governments ratify deals")
            domestic = [name] + [f for f in spec.firms if spec.actors[f].home == name]
            for member in actor.ratification.weights:
                if member not in domestic:
                    raise ScenarioError(
                        src, f"{where}.ratification.weights.{member}",
                        f"{member!r} is not a domestic actor of {name}; expected one of "
                        f"{', '.join(domestic)}",
                    )
            for k, member in enumerate(actor.ratification.public):
                if member not in actor.ratification.weights:
                    raise ScenarioError(
                        src, f"{where}.ratification.public.{k}",
                        f"{member!r} has no political weight in this ratification table; list "
                        f"members of weights ({', '.join(actor.ratification.weights)})",
                    )
        for k, pledge in enumerate(actor.pledges):
            at = f"{where}.pledges.{k}"
            if actor.kind != "firm":
                raise ScenarioError(src, f"{where}.pledges", "only firms pledge")
            if pledge.issue not in issues:
                raise ScenarioError(
                    src, f"{at}.issue",
                    f"unknown issue {pledge.issue!r}; expected one of {', '.join(issues)}",
                )
            if pledge.government is not None and pledge.government not in governments:
                raise ScenarioError(
                    src, f"{at}.government",
                    f"{pledge.government!r} is not a government; expected one of "
                    f"{', '.join(governments)}",
                )
    rounds = spec.calendar.rounds
    for name, event in spec.events.items():
        where = f"events.{name}"
        gov = spec.actors.get(event.government)
        if gov is None or gov.kind != "government":
            raise ScenarioError(
                src, f"{where}.government",
                f"{event.government!r} is not a government; expected one of {', '.join(governments)}",
            )
        if gov.ratification is None:
            raise ScenarioError(
                src, f"{where}.government",
                f"{event.government} has no ratification table; an election moves its threshold",
            )
        if event.date is not None and not rounds:
            raise ScenarioError(src, f"{where}.date", "an undated scenario needs round = N")
    for k, r in enumerate(spec.coalitions.plot_rounds):
        n_rounds = len(rounds_of(spec)) if rounds else spec.protocol.max_rounds
        if n_rounds is not None and r > n_rounds:
            raise ScenarioError(
                src, f"coalitions.plot_rounds.{k}", f"round {r}; the calendar has {n_rounds} rounds"
            )
