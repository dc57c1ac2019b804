"""Scenario schema of the two-level game: coalitions, lobbying through them, pledges, ratification.

These tables extend :mod:`model.scenario` (which includes them in its frozen models) and are
checked the same way: pydantic validates each field and range; :func:`check_two_level` then checks
what refers to what. Every value has a dotted path, so ``--set`` and sweeps reach all of them:

``coalitions.edge_threshold``, ``coalitions.issue_weight``, ``coalitions.partner_boost``,
``coalitions.reservation_rate``, ``coalitions.reservation_bound``, ``coalitions.plot_rounds``;
``actors.Japan.ratification.threshold``, ``actors.Japan.ratification.weights.JA_Farm``,
``actors.Japan.ratification.anticipate``; ``actors.SoftBank.pledges.0.share``;
``events.upper_house_election.date``, ``events.upper_house_election.threshold``.

The meaning of each parameter, with the equations, is in ``docs/ODD.md`` (section "Coalitions,
lobbying and ratification") and in the docstrings of :mod:`model.coalitions`,
:mod:`model.lobbying` and :mod:`model.ratification`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from bargaining_chips.model.errors import ScenarioError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import Scenario


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CoalitionSpec(_Frozen):
    """How the coalition graph is read and how coalitions amplify lobbying.

    ``edge_threshold`` τ ∈ [−1, 1]: two actors are in the same coalition when a chain of edges of
    weight ≥ τ joins them. ``issue_weight`` α ∈ [0, 1] mixes the two parts of an edge weight:
    issue-by-issue alignment (α = 1) and agreement on the deal as a whole (α = 0).
    ``partner_boost`` κ ≥ 0 scales how much a firm's coalition partners amplify its lobbying.
    The defaults leave a scenario without a ``[coalitions]`` table lobbying as before the graph
    existed (κ = 0, ρ = 0): coalitions are tracked and recorded, but only a scenario that sets κ
    or ρ lets them move weights and reservations.
    ``reservation_rate`` ρ ∈ [0, 1] and ``reservation_bound`` b ∈ [0, 1]: how fast, and how far
    from its scenario value, lobbying moves a government's reservation utility.
    ``plot_rounds`` lists the rounds (1-based) drawn in the coalition-network figure; empty means
    the first round, the middle one and the final state.
    """

    edge_threshold: float = Field(default=0.5, ge=-1.0, le=1.0)
    issue_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    partner_boost: float = Field(default=0.0, ge=0.0, le=10.0)
    reservation_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    reservation_bound: float = Field(default=0.1, ge=0.0, le=1.0)
    plot_rounds: tuple[int, ...] = ()

    @field_validator("plot_rounds")
    @classmethod
    def _positive(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for r in value:
            if r < 1:
                raise ValueError(f"round {r} is not a round number; rounds count from 1")
        return value


class RatificationSpec(_Frozen):
    """A government's domestic ratification (Putnam's level II).

    ``weights`` gives each domestic member its political weight (≥ 0): the government itself and
    firms whose home it is. A member approves a deal worth at least its reservation utility to it;
    the deal is ratified when the approving members' share of the political weight reaches
    ``threshold`` ∈ [0, 1] (0: anything passes; 1: unanimity). ``anticipate`` says whether the
    negotiators keep to what home will ratify: "always", "after_rejection" (once home has turned a
    deal down) or "never". ``body`` names the ratifying side in prose ("the Diet").
    """

    threshold: float = Field(ge=0.0, le=1.0)
    weights: dict[str, float]
    anticipate: Literal["always", "after_rejection", "never"] = "after_rejection"
    body: str = ""

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name, w in value.items():
            if not 0.0 <= w <= 1.0:
                raise ValueError(f"political weight of {name!r} is {w:g}; it must lie in [0, 1]")
        if sum(value.values()) <= 0:
            raise ValueError("at least one political weight must be positive")
        return value


class PledgeSpec(_Frozen):
    """A firm's side commitment that lowers what an issue costs a government.

    ``share`` ∈ [0, 1] of the issue's cost is borne by the firm (SoftBank co-financing 30% of the
    fund is ``share = 0.3``), so the government's weight on the issue falls by that share.
    ``government`` is the government whose cost falls (default: the firm's home). ``label`` says
    what is pledged, in prose.
    """

    issue: str
    share: float = Field(ge=0.0, le=1.0)
    government: str | None = None
    label: str = ""


class EventSpec(_Frozen):
    """A dated domestic event that moves a government's ratification threshold.

    An ``election`` held on ``date`` (or, in undated scenarios, before ``round``) sets the
    government's ``threshold`` from the first round on or after it. An event after the last round
    never fires: the threshold in force before it holds throughout the talks.
    """

    kind: Literal["election"]
    government: str
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=1)
    threshold: float = Field(ge=0.0, le=1.0)
    label: str = ""

    @model_validator(mode="after")
    def _when(self) -> EventSpec:
        if (self.date is None) == (self.round is None):
            raise ValueError("give exactly one of date or round")
        return self


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
        n_rounds = len(rounds) if rounds else spec.protocol.max_rounds
        if n_rounds is not None and r > n_rounds:
            raise ScenarioError(
                src, f"coalitions.plot_rounds.{k}", f"round {r}; the calendar has {n_rounds} rounds"
            )
