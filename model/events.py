"""What happens in a run besides offers and answers, as typed records: the model's events.

Events are data: each is a small frozen record of what happened, in which round (``round_index``,
0-based like every index inside the model), and nothing else — no words. The report
(:mod:`bargaining_chips.experiments.report`) alone turns them into the transcript's sentences, and
the dashboard reuses it. A run keeps them in order in ``NegotiationModel.events``; a round's
events are told in that order, those that happen before the offers at the table
(:data:`BEFORE_OFFERS`) ahead of the offers, the rest after them.

:class:`EndReason` says why the talks ended (``Outcome.reason``, the summary's ``end_reason``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class EndReason(enum.StrEnum):
    """Why the talks ended; the value (a string, so ``reason == "accepted"`` holds) is what the
    summary's ``end_reason`` holds."""

    ACCEPTED = "accepted"  # every government accepted and every home ratified
    PASSED = "passed by majority"  # a proposal passed under majority rule and was ratified
    WALKED_AWAY = "walked away"  # a government walked away from the table
    HARD_DEADLINE = "hard deadline"  # a hard deadline passed without a deal
    NOT_EXTENDED = "deadline not extended"  # a soft deadline passed and was not extended
    CALENDAR_END = "calendar end"  # the last round of the calendar was played without a deal
    NO_CONCESSION = "no concession"  # monotonic concession: neither side conceded in a round

    @property
    def agreement(self) -> bool:
        return self in (EndReason.ACCEPTED, EndReason.PASSED)


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened in round ``round_index`` (0-based)."""

    round_index: int


@dataclass(frozen=True, slots=True)
class DeadlinePassed(Event):
    """A deadline fell on this round with no deal: a hard one ends the talks; a soft one is
    extended (``extended``: to the next deadline, the old meaning of ``soft``) or ends them. A
    deadline its owner moves by days is a :class:`DeadlineMoved` instead."""

    deadline: str
    hard: bool
    extended: bool


@dataclass(frozen=True, slots=True)
class TargetMissed(Event):
    """A target date passed with no deal: the talks go on, and the side that set it
    (``owner``, None if nobody did) pays its ``cost`` — its reservation utility falls from
    ``reservation_before`` to ``reservation_after``."""

    target: str
    owner: str | None
    reservation_before: float
    reservation_after: float


@dataclass(frozen=True, slots=True)
class DeadlineMoved(Event):
    """``owner`` moved deadline ``deadline`` (by its rule, ``rule``: "probability" or
    "strategic") from ``from_date`` to ``to_date``; it now binds in round index ``to_index``.
    ``worth`` is, under the strategic rule, what the best offer on the table that decided it is
    worth to the owner more than the no-deal terms (None under the probability rule)."""

    deadline: str
    owner: str | None
    rule: str
    from_date: object  # datetime.date
    to_date: object
    to_index: int
    worth: float | None


@dataclass(frozen=True, slots=True)
class ThreatResolved(Event):
    """Threat ``threat`` fell due (before the round's offers): carried out, the no-deal value of
    ``issue`` moves from ``no_deal_before`` to ``no_deal_after``; not carried out, it stays."""

    threat: str
    issue: str
    carried_out: bool
    no_deal_before: float
    no_deal_after: float


@dataclass(frozen=True, slots=True)
class ElectionHeld(Event):
    """A dated election set ``government``'s ratification threshold (before the round's offers)."""

    government: str
    election: str
    threshold_before: float
    threshold_after: float


@dataclass(frozen=True, slots=True)
class KeptToWinSet(Event):
    """An anticipating government pulled its proposal into what home will ratify."""

    government: str
    before: tuple[float, ...]  # the strategy's terms
    after: tuple[float, ...]  # the terms proposed


@dataclass(frozen=True, slots=True)
class TableVeto(Event):
    """An anticipating government turned down at the table what home would not ratify."""

    government: str
    approval: float
    threshold: float
    against: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HomeVote(Event):
    """A government's domestic vote on a deal accepted at the table."""

    government: str
    approval: float
    threshold: float
    passed: bool
    against: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnticipationBegins(Event):
    """After a rejection at home, a government's negotiators keep to its win-set from now on."""

    government: str


@dataclass(frozen=True, slots=True)
class NotMonotone(Event):
    """Monotonic concession: a proposal that withdrew a concession was replaced by the previous."""

    actor: str


@dataclass(frozen=True, slots=True)
class Recognised(Event):
    """Majority rule: ``actor`` was recognised to propose this round."""

    actor: str


@dataclass(frozen=True, slots=True)
class WalkedAway(Event):
    """``actor`` walked away from the table, ending the talks."""

    actor: str


#: The events that happen before a round's offers are made (the rest follow them).
BEFORE_OFFERS = (ThreatResolved, ElectionHeld, KeptToWinSet, NotMonotone, Recognised)
