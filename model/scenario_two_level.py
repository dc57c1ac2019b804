"""Scenario schema of the two-level game: coalitions, lobbying through them, pledges, ratification.

These tables extend :mod:`model.scenario` (which includes them in its frozen models) and are
checked the same way: pydantic validates each field and range;
:func:`model.references.check_two_level` then checks what refers to what. Every value has a
dotted path, so ``--set`` and sweeps reach all of them:

``coalitions.edge_threshold``, ``coalitions.issue_weight``, ``coalitions.partner_boost``,
``coalitions.reservation_rate``, ``coalitions.reservation_bound``, ``coalitions.weight_bound``,
``coalitions.weight_decay``, ``coalitions.plot_rounds``;
``actors.Japan.ratification.threshold``, ``actors.Japan.ratification.weights.JA_Farm``,
``actors.Japan.ratification.anticipate``, ``actors.Japan.ratification.public``;
``actors.SoftBank.pledges.0.share``;
``events.upper_house_election.date``, ``events.upper_house_election.threshold``.

The meaning of each parameter, with the equations, is in ``docs/ODD.md`` (section "Coalitions,
lobbying and ratification") and in the docstrings of :mod:`model.coalitions`,
:mod:`model.lobbying` and :mod:`model.ratification`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


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
    ``weight_bound`` B ∈ [0, 1] and ``weight_decay`` δ ∈ [0, 1]: how far lobbying may move a
    government's weights from its own (½‖w − w⁰‖₁ ≤ B) and how fast the deviation fades each round
    (:mod:`model.lobbying`). The defaults B = 1, δ = 0 are the unanchored rule, whose fixed point
    is the firms' targets: a file without them plays bit for bit as before they existed.
    ``plot_rounds`` lists the rounds (1-based) drawn in the coalition-network figure; empty means
    the first round, the middle one and the final state.
    """

    edge_threshold: float = Field(default=0.5, ge=-1.0, le=1.0)
    issue_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    partner_boost: float = Field(default=0.0, ge=0.0, le=10.0)
    reservation_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    reservation_bound: float = Field(default=0.1, ge=0.0, le=1.0)
    weight_bound: float = Field(default=1.0, ge=0.0, le=1.0)
    weight_decay: float = Field(default=0.0, ge=0.0, le=1.0)
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
    deal down) or "never". ``public`` lists the members whose red lines were public (a party
    resolution, a published demand): the negotiators know those from the first round and keep to
    them whatever ``anticipate`` says — counting each public member's vote as it will fall and
    every other member as approving — and learn the rest as ``anticipate`` says. Empty (the
    default): nothing is known before it is learned. ``body`` names the ratifying side in prose
    ("the Diet").
    """

    threshold: float = Field(ge=0.0, le=1.0)
    weights: dict[str, float]
    anticipate: Literal["always", "after_rejection", "never"] = "after_rejection"
    public: tuple[str, ...] = ()
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
