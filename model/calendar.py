"""The calendar of the talks: dated rounds, the rounds that follow at a cadence, and the dates
that matter — targets that can be missed and deadlines that end the talks unless their owner
moves them.

A scenario's calendar is compiled once (:mod:`model.compiled`): rounds get their 1-based number
(what the transcript prints) and every deadline is resolved to the index (0-based, as everywhere
inside the model) of the last round played on or before it. After the last dated round, rounds
follow every ``calendar.cadence_days`` days up to the last deadline; when an owner moves a deadline
past them during a run, the model adds the rounds the cadence gives up to its new date
(:func:`cadence_rounds`), so the calendar unfolds as the talks go on.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bargaining_chips.model.scenario import MAX_ROUNDS

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import Scenario


@dataclass(frozen=True)
class Round:
    """One round of talks: 1-based number, date (None in undated scenarios), label and place."""

    number: int
    date: dt.date | None
    label: str
    place: str

    @property
    def iso_date(self) -> str | None:
        return self.date.isoformat() if self.date else None


@dataclass(frozen=True)
class Deadline:
    """A target or deadline resolved to the index (0-based) of the last round played on or before
    it. ``moves`` counts how often its owner has moved it so far (a run replaces the record when
    it moves: :func:`moved`)."""

    name: str
    index: int
    kind: str  # "target", "soft" or "hard"
    extension_probability: float
    date: dt.date | None
    label: str
    owner: str | None = None
    rule: str = "probability"
    margin: float = 0.0
    extension_days: int | None = None
    max_extensions: int = 1
    cost: float = 0.0
    moves: int = 0

    @property
    def target(self) -> bool:
        """A focal date: missing it does not end the talks."""
        return self.kind == "target"

    @property
    def movable(self) -> bool:
        """Whether its owner may still move it by ``extension_days`` (a soft deadline with moves
        left)."""
        return (self.kind == "soft" and self.extension_days is not None
                and self.moves < self.max_extensions)

    @property
    def certain(self) -> bool:
        """Whether it surely ends the talks when it falls without a deal: hard; soft with a
        probability rule of 0; or moved as often as it may be."""
        if self.kind == "hard":
            return True
        if self.kind == "target":
            return False
        if self.extension_days is not None and self.moves >= self.max_extensions:
            return True
        return self.rule == "probability" and self.extension_probability == 0.0

    def extension_chance(self) -> float:
        """The probability the parties give it of being moved (a target: of slipping), for their
        expected horizon: the probability rule's own; 0 for a strategic rule (they plan for it
        to bind until it moves) and once no move is left."""
        if self.kind == "target":
            return self.extension_probability
        if self.kind != "soft" or self.rule != "probability":
            return 0.0
        if self.extension_days is not None and self.moves >= self.max_extensions:
            return 0.0
        return self.extension_probability


def expected_horizon(deadlines: tuple[Deadline, ...], believed: int, last_index: int,
                     moved_index: dict[str, int] | None = None) -> float:
    """The round index at which an actor expects the talks to be cut off.

    The actor believes deadline number ``believed`` (in date order) is the first that can bind. A
    hard deadline binds for sure; a soft one with extension probability p binds with probability
    1 − p, and with probability p the talks run on — to the next deadline, or (a deadline moved by
    ``extension_days``) to the round its new date falls in, ``moved_index[name]``, if sooner:

        H_k = (1 − p_k) · D_k + p_k · H_(k+1),      H_(after the last) = the last round,
        H_k = (1 − p_k) · D_k + p_k · min(D⁺_k, H_(k+1))       (moved by days, D⁺_k its new round;
                                                         D⁺_k alone after the last deadline),

    where D_k is the deadline's round index. A fully credible deadline (p = 0) gives H = D; a
    deadline nobody believes (p = 1) gives the next one's horizon. A *target* the actor aims at
    counts the same way, p_k being the chance the parties give it of slipping (its
    ``extension_probability``: missing it never ends the talks, but an actor aiming at it plans
    for it with probability 1 − p_k); a target after the one it aims at does not cut the talks
    off and is skipped. This is how the credibility of the G7 target reaches the negotiators'
    pace.
    """
    horizon = float(last_index)
    moved_index = moved_index or {}
    later = False  # whether a deadline after this one set the horizon (not the calendar's end)
    for k in range(len(deadlines) - 1, believed - 1, -1):
        d = deadlines[k]
        if d.target and k != believed:
            continue
        p = d.extension_chance()
        after = horizon
        if d.extension_days is not None and d.name in moved_index:
            moved_to = float(moved_index[d.name])  # the cadence adds rounds up to it
            after = min(moved_to, horizon) if later else moved_to
        horizon = (1.0 - p) * d.index + p * after
        later = True
    return horizon


def cadence_rounds(last: Round, until: dt.date, days: int, place: str, cap: int) -> list[Round]:
    """The rounds that follow ``last`` every ``days`` days, on or before ``until``, numbered on
    from it (at most up to round number ``cap``)."""
    out = []
    number, date = last.number, last.date
    step = dt.timedelta(days=days)
    while number < cap and date + step <= until:
        number, date = number + 1, date + step
        out.append(Round(number, date, f"Round {number}", place))
    return out


def round_cap(spec: Scenario) -> int:
    """The most rounds a run may have: ``protocol.max_rounds``, else the scenario ceiling."""
    return spec.protocol.max_rounds or MAX_ROUNDS


def final_date(spec: Scenario) -> dt.date | None:
    """The date of the last deadline (targets aside) of a dated scenario, or None."""
    dates = [d.date for d in spec.deadlines.values() if d.kind != "target" and d.date is not None]
    return max(dates) if dates else None


def rounds_of(spec: Scenario) -> tuple[Round, ...]:
    """The scenario's rounds: its dated calendar, then (with ``calendar.cadence_days``) a round
    every ``cadence_days`` days up to the last deadline, all cut at ``protocol.max_rounds`` if
    given; or ``max_rounds`` undated rounds."""
    cap = spec.protocol.max_rounds
    cal = spec.calendar
    if cal.rounds:
        dated = cal.rounds[:cap] if cap else cal.rounds
        rounds = [Round(i + 1, r.date, r.label, r.place) for i, r in enumerate(dated)]
        until = final_date(spec)
        if cal.cadence_days and until is not None:
            rounds += cadence_rounds(rounds[-1], until, cal.cadence_days, cal.cadence_place,
                                     round_cap(spec))
        return tuple(rounds)
    return tuple(Round(i + 1, None, f"Round {i + 1}", "") for i in range(cap))


def index_on(rounds: tuple[Round, ...] | list[Round], date: dt.date, cadence_days: int | None,
             cap: int) -> int:
    """The index of the last round on or before ``date``, counting the rounds the cadence would
    add after the last of ``rounds`` (none without a cadence), at most round number ``cap``."""
    dates = [r.date for r in rounds]
    index = bisect.bisect_right(dates, date) - 1
    last = rounds[-1]
    if index == len(rounds) - 1 and cadence_days and date > last.date:
        index += (date - last.date).days // cadence_days
    return min(index, cap - 1)


def deadlines_of(spec: Scenario, rounds: tuple[Round, ...]) -> tuple[Deadline, ...]:
    """The scenario's targets and deadlines resolved to round indices, in the order they fall."""
    out = []
    for name, d in spec.deadlines.items():
        if d.date is not None:
            index = max(i for i, r in enumerate(rounds) if r.date <= d.date)
        else:
            index = min(d.round, len(rounds)) - 1
        out.append(Deadline(name, index, d.kind, d.extension_probability, d.date, d.label or name,
                            d.owner, d.rule, d.margin, d.extension_days, d.max_extensions, d.cost))
    return sort_deadlines(out)


def sort_deadlines(deadlines: list[Deadline] | tuple[Deadline, ...]) -> tuple[Deadline, ...]:
    """Deadlines in the order they fall: by round index, then date."""
    return tuple(sorted(deadlines, key=lambda d: (d.index, d.date or dt.date.min)))


def moved(d: Deadline, index: int) -> Deadline:
    """``d`` moved by its ``extension_days`` to the round ``index`` its new date falls in."""
    return dataclasses.replace(d, date=d.date + dt.timedelta(days=d.extension_days), index=index,
                               moves=d.moves + 1)


def moved_indices(spec: Scenario, rounds: tuple[Round, ...],
                  deadlines: tuple[Deadline, ...]) -> dict[str, int]:
    """Per deadline that may move by days: the round index of its date after one move."""
    cadence, cap = spec.calendar.cadence_days, round_cap(spec)
    return {
        d.name: index_on(rounds, d.date + dt.timedelta(days=d.extension_days), cadence, cap)
        for d in deadlines if d.movable and d.date is not None
    }
