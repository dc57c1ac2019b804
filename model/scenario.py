"""Scenario files: the TOML schema, validated into frozen objects.

A scenario states everything a run needs and nothing is restated in code: the issues on the table
(unit, range, no-deal value, display format), the actors (governments at the table and the firms
behind them, with their preferences, strategies and lobbying power), the dated calendar of rounds,
the deadlines and the protocol. Tables are keyed by name so that every value has a dotted path —
``actors.Japan.strategy.beta``, ``deadlines.G7.extension_probability`` — which ``--set`` and sweeps
use (see :mod:`model.overrides`).

Validation has two layers: pydantic checks types and ranges field by field; :func:`check_references`
then checks what refers to what (weights name known issues, a firm's home government exists, a
deadline is not before the first round, the strategy and its parameters exist). Either layer raises
:class:`~model.errors.ScenarioError` naming the file, the field and what is expected.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from typing import Any, Literal

from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.scenario_two_level import (
    CoalitionSpec,
    EventSpec,
    PledgeSpec,
    RatificationSpec,
    check_two_level,
)
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IssueSpec(_Frozen):
    """One issue on the table: a number in ``[min, max]`` in the issue's own unit.

    ``no_deal`` is the value the issue keeps if talks fail (the status quo: a tariff stays where it
    is, nothing is bought). ``step`` makes the issue discrete: offers are rounded to the grid
    ``min + k * step``. ``format`` renders a value for the transcript, e.g. ``"{:.1f}%"`` or
    ``"¥{:.2f}T"``; ``label`` is the issue's name in prose.

    A *categorical* issue lists named ``options`` instead of a range (``options = ["A", "B"]``);
    each actor states its value of every option in ``actors.X.values.<issue>``. Internally an
    option is its 0-based position (``min = 0``, ``max = len(options) − 1``, ``step = 1``, filled in
    on loading); ``no_deal`` names the option that stands without a deal, or is left out when
    failure is none of the options (then actors weighting the issue state their ``reservation``).
    """

    label: str
    unit: str = ""
    min: float
    max: float
    no_deal: float
    format: str = "{:g}"
    step: float | None = Field(default=None, gt=0)
    description: str = ""
    options: tuple[str, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _categorical(cls, data: Any) -> Any:
        """Fill in the numeric encoding of a categorical issue (its options by position)."""
        if not isinstance(data, dict) or data.get("options") is None:
            return data
        options = data["options"]
        given = [k for k in ("min", "max", "step", "format") if k in data]
        if given:
            raise ValueError(f"a categorical issue takes options, not {', '.join(given)}")
        if not isinstance(options, list | tuple) or len(options) < 2:
            raise ValueError("options must list at least two named options")
        if not all(isinstance(o, str) and o for o in options) or len(set(options)) != len(options):
            raise ValueError("options must be distinct non-empty names")
        no_deal = data.get("no_deal")
        if no_deal is None:
            position = math.nan
        elif no_deal in options:
            position = float(options.index(no_deal))
        else:
            raise ValueError(f"no_deal {no_deal!r} is not an option; expected one of {', '.join(options)}")
        return {**data, "min": 0.0, "max": float(len(options) - 1), "step": 1.0, "no_deal": position}

    @property
    def categorical(self) -> bool:
        return self.options is not None

    @model_validator(mode="after")
    def _range(self) -> IssueSpec:
        if self.options is not None:
            return self
        if not self.max > self.min:
            raise ValueError(f"max ({self.max:g}) must be greater than min ({self.min:g})")
        if not self.min <= self.no_deal <= self.max:
            raise ValueError(
                f"no_deal ({self.no_deal:g}) must lie in [min, max] = [{self.min:g}, {self.max:g}]"
            )
        try:
            self.format.format(self.min)
        except (ValueError, IndexError, KeyError) as err:
            raise ValueError(f"format {self.format!r} cannot render a number ({err})") from None
        return self

    def render(self, value: float | str) -> str:
        """The value in the issue's own display format (a categorical issue: the option's name;
        "—" for a categorical no-deal that is none of the options)."""
        if self.options is not None:
            if isinstance(value, str):
                return value
            return "—" if math.isnan(value) else self.options[int(round(value))]
        return self.format.format(value)


class StrategySpec(BaseModel):
    """A strategy by its registered name; every other key is a parameter of that strategy."""

    model_config = ConfigDict(frozen=True, extra="allow")
    name: str

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ActorSpec(_Frozen):
    """A government at the table or a firm/constituency behind one.

    ``weights`` (≥ 0, normalised to sum to 1 on loading) say how much each issue matters;
    ``prefers`` says which end of an issue's range the actor wants ("high" or "low"); an issue
    without a weight is one the actor does not care about. ``curvature`` (> 0, default 1) bends the
    per-issue value: below 1 it is concave (early gains count most). ``reservation`` is the utility of
    the actor's best alternative to an agreement; left out, it is the utility of the no-deal terms.
    ``values`` gives, per categorical issue, the actor's value in [0, 1] of each option (it takes
    the place of ``prefers`` and ``curvature`` there). ``bargaining_power`` (> 0, default 1) is the
    actor's weight in the generalised Nash product (Kalai 1977): between two governments a and b,
    a's power is α = p_a / (p_a + p_b), so equal values give the symmetric Nash solution.
    ``discount`` (δ in (0, 1]) discounts an agreement reached in round r by δ^(r−1).
    ``deadline_belief`` names the deadline the actor believes binding: its relative time reaches 1
    there. ``lobbying_power`` (firms) scales how hard it pushes its home government.
    ``ratification`` (governments) and ``pledges`` (firms) belong to the two-level game
    (:mod:`model.scenario_two_level`).
    """

    kind: Literal["government", "firm"]
    label: str = ""
    home: str | None = None
    weights: dict[str, float]
    prefers: dict[str, Literal["high", "low"]] = Field(default_factory=dict)
    curvature: dict[str, float] = Field(default_factory=dict)
    values: dict[str, dict[str, float]] = Field(default_factory=dict)
    reservation: float | None = Field(default=None, ge=0.0, le=1.0)
    discount: float = Field(default=1.0, gt=0.0, le=1.0)
    bargaining_power: float = Field(default=1.0, gt=0.0)
    strategy: StrategySpec | None = None
    deadline_belief: str | None = None
    lobbying_power: float = Field(default=0.0, ge=0.0, le=1.0)
    ratification: RatificationSpec | None = None
    pledges: tuple[PledgeSpec, ...] = ()

    @field_validator("values")
    @classmethod
    def _values(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for issue, table in value.items():
            for option, v in table.items():
                if not 0.0 <= v <= 1.0:
                    raise ValueError(f"value of {issue}.{option} is {v:g}; values must lie in [0, 1]")
        return value

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for issue, w in value.items():
            if not 0.0 <= w <= 1.0:
                raise ValueError(f"weight of {issue!r} is {w:g}; weights must lie in [0, 1]")
        if sum(value.values()) <= 0:
            raise ValueError("at least one weight must be positive")
        return value

    @field_validator("curvature")
    @classmethod
    def _curvature(cls, value: dict[str, float]) -> dict[str, float]:
        for issue, c in value.items():
            if not 0.0 < c <= 10.0:
                raise ValueError(f"curvature of {issue!r} is {c:g}; it must lie in (0, 10]")
        return value


class RoundSpec(_Frozen):
    """One dated meeting of the negotiators."""

    date: dt.date
    label: str = ""
    place: str = ""


class CalendarSpec(_Frozen):
    rounds: tuple[RoundSpec, ...] = ()

    @field_validator("rounds")
    @classmethod
    def _ordered(cls, value: tuple[RoundSpec, ...]) -> tuple[RoundSpec, ...]:
        for before, after in zip(value, value[1:], strict=False):
            if not after.date > before.date:
                raise ValueError(f"rounds must be in date order ({after.date} after {before.date})")
        return value


class DeadlineSpec(_Frozen):
    """A deadline, dated or (for undated scenarios) given as a round number.

    A ``hard`` deadline passed without agreement ends the talks with the no-deal outcome. A ``soft``
    one is extended to the next deadline with probability ``extension_probability`` (one draw from
    the model's seeded generator); otherwise the talks end there too.
    """

    kind: Literal["soft", "hard"]
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=1)
    extension_probability: float = Field(default=0.0, ge=0.0, le=1.0)
    label: str = ""

    @model_validator(mode="after")
    def _when(self) -> DeadlineSpec:
        if (self.date is None) == (self.round is None):
            raise ValueError("give exactly one of date or round")
        return self


class ProtocolSpec(_Frozen):
    """Who proposes when, and how long talks may last.

    ``order`` is the rotation of proposers (governments); left out, the governments alternate in the
    order they are listed in the file. ``max_rounds`` numbers undated rounds 1..max_rounds when the
    scenario has no calendar (theory scenarios), and caps the calendar otherwise.
    ``lobbying_rate`` scales how far one round of lobbying moves a government's weights.
    ``type`` picks the protocol (:mod:`model.protocols`): ``alternating`` offers, the
    ``monotonic_concession`` protocol (simultaneous offers) or ``majority`` rule with random
    recognition. ``budget`` states a division game for ``majority``: the issues are the
    governments' shares of a budget of that size (see :class:`model.protocols.MajorityRule`).
    """

    type: Literal["alternating", "monotonic_concession", "majority"] = "alternating"
    budget: float | None = Field(default=None, gt=0.0)
    order: tuple[str, ...] | None = None
    max_rounds: int | None = Field(default=None, ge=1)
    lobbying_rate: float = Field(default=0.1, ge=0.0, le=1.0)


class Scenario(_Frozen):
    """A validated, frozen scenario. Build it with :func:`model.load_scenario`."""

    meta: dict[str, Any]
    sources: dict[str, Any]
    issues: dict[str, IssueSpec]
    actors: dict[str, ActorSpec]
    calendar: CalendarSpec = CalendarSpec()
    deadlines: dict[str, DeadlineSpec] = Field(default_factory=dict)
    protocol: ProtocolSpec = ProtocolSpec()
    coalitions: CoalitionSpec = CoalitionSpec()
    events: dict[str, EventSpec] = Field(default_factory=dict)
    origin: str = Field(default="<memory>", exclude=True)

    @field_validator("issues", "actors")
    @classmethod
    def _non_empty(cls, value: dict) -> dict:
        if not value:
            raise ValueError("must define at least one entry")
        return value

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "scenario"))

    @property
    def issue_names(self) -> tuple[str, ...]:
        return tuple(self.issues)

    @property
    def governments(self) -> tuple[str, ...]:
        return tuple(n for n, a in self.actors.items() if a.kind == "government")

    @property
    def firms(self) -> tuple[str, ...]:
        return tuple(n for n, a in self.actors.items() if a.kind == "firm")


def check_references(spec: Scenario) -> None:
    """Cross-reference checks pydantic cannot do field by field; raises ScenarioError."""
    from bargaining_chips.agents.strategies import REGISTRY
    from bargaining_chips.model.categorical import check_values

    src = spec.origin
    issues = set(spec.issues)
    known = ", ".join(spec.issues)
    governments = spec.governments
    if len(governments) < 2:
        raise ScenarioError(src, "actors", "at least two actors of kind 'government' are needed")
    for name, actor in spec.actors.items():
        where = f"actors.{name}"
        for table in ("weights", "prefers", "curvature"):
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


def _check_game(spec: Scenario, registry: dict) -> None:
    """What the protocol, the deal space and each government's strategy need from the scenario
    (each answers with a problem, or None): e.g. majority rule needs a budget, an equilibrium
    strategy its game."""
    from bargaining_chips.model.categorical import deal_space_problem
    from bargaining_chips.model.protocols import PROTOCOLS

    for problem in (deal_space_problem(spec), PROTOCOLS[spec.protocol.type].scenario_problem(spec)):
        if problem:
            raise ScenarioError(spec.origin, *problem)
    for name in spec.governments:
        strategy = spec.actors[name].strategy
        problem = registry[strategy.name].scenario_problem(spec, name)
        if problem:
            raise ScenarioError(spec.origin, f"actors.{name}.strategy.name", problem)


def _check_strategy(src: str, where: str, strategy: StrategySpec, registry: dict) -> None:
    cls = registry.get(strategy.name)
    if cls is None:
        raise ScenarioError(
            src, f"{where}.name",
            f"unknown strategy {strategy.name!r}; expected one of {', '.join(sorted(registry))}",
        )
    accepted = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    for key in strategy.params:
        if key not in accepted:
            raise ScenarioError(
                src, f"{where}.{key}",
                f"not a parameter of {strategy.name}; expected one of {', '.join(accepted) or '(none)'}",
            )
    from bargaining_chips.agents.strategies.base import ParameterError

    try:
        cls(**strategy.params)
    except ParameterError as err:
        raise ScenarioError(src, f"{where}.{err.param}", err.expected) from None
    except (ValueError, TypeError) as err:
        raise ScenarioError(src, where, str(err)) from None
