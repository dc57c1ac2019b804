"""Scenario files: the TOML schema, validated into frozen objects.

A scenario states everything a run needs and nothing is restated in code: the issues on the table
(unit, range, no-deal value, display format), the actors (governments at the table and the firms
behind them, with their preferences, strategies and lobbying power), the dated calendar of rounds,
the deadlines and the protocol. Tables are keyed by name so that every value has a dotted path —
``actors.Japan.strategy.beta``, ``deadlines.G7.extension_probability`` — which ``--set`` and sweeps
use (see :mod:`model.overrides`).

Validation has two layers: pydantic checks types and ranges field by field, here;
:func:`model.references.check_references` then checks what refers to what (weights name known
issues, a firm's home government exists, a deadline is not before the first round, the strategy
and its parameters exist, the game fits). The loader runs both (:func:`model.loader.load_scenario`)
and either raises :class:`~model.errors.ScenarioError` naming the file, the field and what is
expected. This module is the schema only: it imports none of the parts that interpret it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bargaining_chips.model.scenario_information import BeliefSpec, check_weights
from bargaining_chips.model.scenario_two_level import (
    CoalitionSpec,
    EventSpec,
    PledgeSpec,
    RatificationSpec,
)

# Ceilings on what one scenario may ask for (docs/ODD.md, "The scenario file"): a run builds its
# rounds, and a table per round, up front, so a mistyped max_rounds = 100000000 would take gigabytes
# before the first offer; the default scenario has 7 issues, 8 actors and 7 dated rounds.
MAX_ROUNDS = 10_000
MAX_ISSUES = 64
MAX_ACTORS = 256

# The display formats an issue may use: literal text around exactly one replacement field with no
# attribute or index access and no width, i.e. {}, {:g}, {:.2f}, {:,.0f}, {:.1%}, {:+.3e} ...
# (precision 0-15). str.format would otherwise run {0.__class__} lookups, or pad a value to
# {:>2000000000} characters.
_LITERAL = r"(?:[^{}]|\{\{|\}\})*"
SAFE_FORMAT = re.compile(
    rf"{_LITERAL}\{{(?::(?P<sign>[+ -]?)(?P<comma>,?)(?:\.(?P<precision>\d{{1,2}}))?(?P<type>[fge%]?))?\}}{_LITERAL}"
)
MAX_PRECISION = 15


def format_problem(fmt: str) -> str | None:
    """Why ``fmt`` is not one of the safe display formats, or None."""
    match = SAFE_FORMAT.fullmatch(fmt)
    if match is None:
        return (
            f"format {fmt!r} is not a safe display format; use text around one field such as "
            "{}, {:g}, {:.1f}, {:,.0f}, {:.0%} or {:.2e} (docs/ODD.md)"
        )
    if match["precision"] is not None and int(match["precision"]) > MAX_PRECISION:
        return f"format {fmt!r}: precision {match['precision']} is above {MAX_PRECISION}"
    return None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


#: The most values an issue's grid (``step``) may have: the offer solver and the frontier list
#: them all, so a step of 1e-300 would hang a run, and a grid finer than this is continuous in
#: all but name.
MAX_GRID_VALUES = 100_000


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

    @field_validator("format")
    @classmethod
    def _safe_format(cls, value: str) -> str:
        problem = format_problem(value)
        if problem:
            raise ValueError(problem)
        return value

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
        if self.step is not None and self.step > self.max - self.min:
            raise ValueError(
                f"step ({self.step:g}) is larger than the range max - min ({self.max - self.min:g})"
            )
        if self.step is not None and (self.max - self.min) / self.step > MAX_GRID_VALUES:
            raise ValueError(
                f"step ({self.step:g}) cuts the range into more than {MAX_GRID_VALUES:,} values; "
                f"give a step of at least {(self.max - self.min) / MAX_GRID_VALUES:g}, or none "
                "(a continuous issue)"
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
    """A strategy by its registered name; every other key is a parameter of that strategy. A table
    with a ``bidding`` key and no name is a BOA composition (``name = "boa"``,
    :mod:`agents.strategies.boa`): ``{ bidding = "...", model = "...", accept = "..." }``."""

    model_config = ConfigDict(frozen=True, extra="allow")
    name: str

    @model_validator(mode="before")
    @classmethod
    def _composition(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and "bidding" in data:
            return {"name": "boa", **data}
        return data

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ActorSpec(_Frozen):
    """A government at the table or a firm/constituency behind one.

    ``weights`` (≥ 0, normalised to sum to 1 on loading) say how much each issue matters;
    ``prefers`` says which end of an issue's range the actor wants ("high" or "low"); an issue
    without a weight is one the actor does not care about. ``curvature`` (> 0, default 1) bends the
    per-issue value: below 1 it is concave (early gains count most). ``shape`` picks the form of the
    per-issue value: ``"power"`` (the default: z**c with the issue's curvature c) or ``"quadratic"``
    (1 − (1 − z)²: the loss from the actor's best end grows with the square of the distance, as a
    tariff's welfare cost grows with the square of its rate; such an issue takes no curvature).
    ``reservation`` is the utility of the actor's best alternative to an agreement; left out, it is the utility of the no-deal terms.
    ``values`` gives, per categorical issue, the actor's value in [0, 1] of each option (it takes
    the place of ``prefers`` and ``curvature`` there). ``bargaining_power`` (> 0, default 1) is the
    actor's weight in the generalised Nash product (Kalai 1977): between two governments a and b,
    a's power is α = p_a / (p_a + p_b), so equal values give the symmetric Nash solution.
    ``discount`` (δ in (0, 1]) discounts an agreement reached in round r by δ^(r−1).
    ``deadline_belief`` names the deadline the actor believes binding: its relative time reaches 1
    there. ``lobbying_power`` (firms) scales how hard it pushes its home government.
    ``ratification`` (governments) and ``pledges`` (firms) belong to the two-level game
    (:mod:`model.scenario_two_level`). ``beliefs`` (governments, under private information) holds
    its prior about each other government, by name (:mod:`model.scenario_information`).
    """

    kind: Literal["government", "firm"]
    label: str = ""
    home: str | None = None
    weights: dict[str, float]
    prefers: dict[str, Literal["high", "low"]] = Field(default_factory=dict)
    curvature: dict[str, float] = Field(default_factory=dict)
    shape: dict[str, Literal["power", "quadratic"]] = Field(default_factory=dict)
    values: dict[str, dict[str, float]] = Field(default_factory=dict)
    reservation: float | None = Field(default=None, ge=0.0, le=1.0)
    discount: float = Field(default=1.0, gt=0.0, le=1.0)
    bargaining_power: float = Field(default=1.0, gt=0.0)
    strategy: StrategySpec | None = None
    deadline_belief: str | None = None
    lobbying_power: float = Field(default=0.0, ge=0.0, le=1.0)
    ratification: RatificationSpec | None = None
    pledges: tuple[PledgeSpec, ...] = ()
    beliefs: dict[str, BeliefSpec] = Field(default_factory=dict)

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
        return check_weights(value)

    @field_validator("curvature")
    @classmethod
    def _curvature(cls, value: dict[str, float]) -> dict[str, float]:
        for issue, c in value.items():
            if not 0.0 < c <= 10.0:
                raise ValueError(f"curvature of {issue!r} is {c:g}; it must lie in (0, 10]")
        return value

    @model_validator(mode="after")
    def _shape_without_curvature(self) -> ActorSpec:
        for issue, form in self.shape.items():
            if form == "quadratic" and issue in self.curvature:
                raise ValueError(
                    f"issue {issue!r} has a quadratic shape and a curvature; drop one "
                    "(a quadratic value has no curvature)"
                )
        return self


class RoundSpec(_Frozen):
    """One dated meeting of the negotiators."""

    date: dt.date
    label: str = ""
    place: str = ""


class CalendarSpec(_Frozen):
    """The dated rounds and, after the last of them, the cadence of the rounds that follow.

    ``cadence_days`` (≥ 1) makes the calendar go on: after the last dated round, a round is held
    every ``cadence_days`` days for as long as a deadline in force lies ahead (wherever its owner
    has moved it); ``cadence_place`` is where those rounds meet. Without it the talks end at the
    last dated round.
    """

    rounds: tuple[RoundSpec, ...] = ()
    cadence_days: int | None = Field(default=None, ge=1, le=366)
    cadence_place: str = ""

    @field_validator("rounds")
    @classmethod
    def _ordered(cls, value: tuple[RoundSpec, ...]) -> tuple[RoundSpec, ...]:
        if len(value) > MAX_ROUNDS:
            raise ValueError(f"{len(value)} rounds; a scenario has at most {MAX_ROUNDS:,}")
        for before, after in zip(value, value[1:], strict=False):
            if not after.date > before.date:
                raise ValueError(f"rounds must be in date order ({after.date} after {before.date})")
        return value


class DeadlineSpec(_Frozen):
    """A date that matters to the talks: a target that can be missed, or a deadline that ends them.

    ``kind``:

    * ``"target"`` — a focal date (the leaders' aim of a deal at a summit). Missing it does not end
      the talks; it costs the side that set it (``owner``): its reservation utility falls by
      ``cost`` from the next round on (a side that promised a deal by then settles for less).
      Its ``extension_probability`` is the chance the parties give it of slipping: an actor
      aiming at it (``deadline_belief``) expects its horizon there with probability 1 − p.
    * ``"soft"`` — a deadline that ends the talks with the no-deal terms unless it is moved. It
      is moved by the rule of its ``owner``: with ``rule = "probability"`` (the default) it moves
      with probability ``extension_probability`` (one draw from the model's seeded generator);
      with ``rule = "strategic"`` the owner moves it when the best offer the others have put on
      the table is worth more to it than the no-deal terms by at least ``margin``. It moves by
      ``extension_days`` (at most ``max_extensions`` times); without ``extension_days`` it is
      extended to the next deadline, as soft deadlines always were (no owner needed then).
    * ``"hard"`` — ends the talks with the no-deal terms; it never moves.

    Undated scenarios give ``round`` instead of ``date``; their deadlines move to the next one.
    """

    kind: Literal["target", "soft", "hard"]
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=1)
    owner: str | None = None
    rule: Literal["probability", "strategic"] = "probability"
    extension_probability: float = Field(default=0.0, ge=0.0, le=1.0)
    margin: float = Field(default=0.0, ge=-1.0, le=1.0)
    extension_days: int | None = Field(default=None, ge=1, le=3660)
    max_extensions: int = Field(default=1, ge=1, le=100)
    cost: float = Field(default=0.0, ge=0.0, le=1.0)
    label: str = ""

    @model_validator(mode="after")
    def _when(self) -> DeadlineSpec:
        if (self.date is None) == (self.round is None):
            raise ValueError("give exactly one of date or round")
        return self


class ThreatSpec(_Frozen):
    """A dated threat: from ``date`` (or, undated, from ``round``) the value ``issue`` keeps without a
    deal becomes ``no_deal`` — a letter raising the tariff that applies if talks fail.

    It is carried out with probability ``credibility`` (one draw from the model's seeded generator
    on the first round on or after its date; none when the credibility is 0 or 1). Once carried
    out, the no-deal terms of the talks change from that round on, and every actor's reservation
    moves by the change in its utility of the no-deal terms (its best alternative to a deal is
    that much better or worse), so the strategies see it. ``by`` names the actor who threatens.
    """

    issue: str
    no_deal: float
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=1)
    credibility: float = Field(default=1.0, ge=0.0, le=1.0)
    by: str | None = None
    label: str = ""

    @model_validator(mode="after")
    def _when(self) -> ThreatSpec:
        if (self.date is None) == (self.round is None):
            raise ValueError("give exactly one of date or round")
        return self


class ProtocolSpec(_Frozen):
    """Who proposes when, and how long talks may last.

    ``order`` is the rotation of proposers (governments); left out, the governments alternate in the
    order they are listed in the file. ``max_rounds`` numbers undated rounds 1..max_rounds when the
    scenario has no calendar (theory scenarios), and caps the calendar otherwise (the dated rounds
    and those that follow at ``calendar.cadence_days``).
    ``lobbying_rate`` scales how far one round of lobbying moves a government's weights.
    ``type`` picks the protocol (:mod:`model.protocols`): ``alternating`` offers, the
    ``monotonic_concession`` protocol (simultaneous offers) or ``majority`` rule with random
    recognition. ``information`` is ``"complete"`` (every government knows the others'
    preferences: the theory cases) or ``"private"`` (each knows its own and learns the others'
    from their offers through an opponent model; :mod:`model.information`). ``budget`` states
    a division game for ``majority``: the issues are the
    governments' shares of a budget of that size (see :class:`model.protocols.MajorityRule`).
    """

    type: Literal["alternating", "monotonic_concession", "majority"] = "alternating"
    budget: float | None = Field(default=None, gt=0.0)
    order: tuple[str, ...] | None = None
    max_rounds: int | None = Field(default=None, ge=1)
    lobbying_rate: float = Field(default=0.1, ge=0.0, le=1.0)
    information: Literal["complete", "private"] = "complete"

    @field_validator("max_rounds")
    @classmethod
    def _ceiling(cls, value: int | None) -> int | None:
        if value is not None and value > MAX_ROUNDS:
            raise ValueError(f"{value:,} rounds; a scenario has at most {MAX_ROUNDS:,}")
        return value


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
    threats: dict[str, ThreatSpec] = Field(default_factory=dict)
    origin: str = Field(default="<memory>", exclude=True)

    @field_validator("issues", "actors")
    @classmethod
    def _non_empty(cls, value: dict) -> dict:
        if not value:
            raise ValueError("must define at least one entry")
        return value

    @field_validator("issues")
    @classmethod
    def _issue_ceiling(cls, value: dict) -> dict:
        if len(value) > MAX_ISSUES:
            raise ValueError(f"{len(value)} issues; a scenario has at most {MAX_ISSUES}")
        return value

    @field_validator("actors")
    @classmethod
    def _actor_ceiling(cls, value: dict) -> dict:
        if len(value) > MAX_ACTORS:
            raise ValueError(f"{len(value)} actors; a scenario has at most {MAX_ACTORS}")
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
