"""The calendar of the talks: dated rounds and the deadlines that can end them.

A scenario's calendar is compiled once (:mod:`model.compiled`): rounds get their 1-based number
(what the transcript prints) and every deadline is resolved to the index (0-based, as everywhere
inside the model) of the last round played before it falls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    """A deadline resolved to the index (0-based) of the last round played before it falls."""

    name: str
    index: int
    kind: str
    extension_probability: float
    date: dt.date | None
    label: str


def expected_horizon(deadlines: tuple[Deadline, ...], believed: int, last_index: int) -> float:
    """The round index at which an actor expects the talks to be cut off.

    The actor believes deadline number ``believed`` (in date order) is the first that can bind. A
    hard deadline binds for sure; a soft one with extension probability p binds with probability
    1 − p, and with probability p the talks run on to the next deadline, so

        H_k = (1 − p_k) · D_k + p_k · H_(k+1),      H_(after the last) = the last round,

    where D_k is the deadline's round index. A fully credible deadline (p = 0) gives H = D; a
    deadline nobody believes (p = 1) gives the next one's horizon. This is how the credibility of
    the G7 target reaches the negotiators' pace.
    """
    horizon = float(last_index)
    for d in reversed(deadlines[believed:]):
        p = 0.0 if d.kind == "hard" else d.extension_probability
        horizon = (1.0 - p) * d.index + p * horizon
    return horizon


def rounds_of(spec: Scenario) -> tuple[Round, ...]:
    """The scenario's rounds: its dated calendar (cut at ``protocol.max_rounds`` if given), or
    ``max_rounds`` undated rounds."""
    cap = spec.protocol.max_rounds
    if spec.calendar.rounds:
        dated = spec.calendar.rounds[:cap] if cap else spec.calendar.rounds
        return tuple(Round(i + 1, r.date, r.label, r.place) for i, r in enumerate(dated))
    return tuple(Round(i + 1, None, f"Round {i + 1}", "") for i in range(cap))


def deadlines_of(spec: Scenario, rounds: tuple[Round, ...]) -> tuple[Deadline, ...]:
    """The scenario's deadlines resolved to round indices, in the order they fall."""
    out = []
    for name, d in spec.deadlines.items():
        if d.date is not None:
            index = max(i for i, r in enumerate(rounds) if r.date <= d.date)
        else:
            index = min(d.round, len(rounds)) - 1
        out.append(Deadline(name, index, d.kind, d.extension_probability, d.date, d.label or name))
    return tuple(sorted(out, key=lambda d: (d.index, d.date or dt.date.min)))
