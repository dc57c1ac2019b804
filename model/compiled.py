"""A scenario compiled to arrays: the numeric form every run of it shares.

Compiling happens once per (scenario, overrides) — :attr:`Scenario.compiled` caches it — so a sweep
of thousands of runs pays for validation and array building once. Nothing here changes during a
run; a model copies what it mutates (the governments' weights under lobbying).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from bargaining_chips.model.lobbying import Lobbying
from bargaining_chips.model.scenario import Scenario
from bargaining_chips.model.utility import UtilitySpace


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


@dataclass(frozen=True)
class Compiled:
    spec: Scenario
    space: UtilitySpace
    actor_names: tuple[str, ...]
    governments: tuple[int, ...]
    firms: tuple[int, ...]
    home: tuple[int, ...]  # per actor: index of the home government (a government's own index)
    lobbying_power: np.ndarray
    reservation: np.ndarray
    discount: np.ndarray
    rounds: tuple[Round, ...]
    deadlines: tuple[Deadline, ...]
    belief_index: tuple[float, ...]  # per actor: expected round index at which its time reaches 1
    proposer_order: tuple[int, ...]
    lobbying: Lobbying = None  # set right after construction (it reads the rest)

    def index(self, actor: str) -> int:
        return self.actor_names.index(actor)

    def relative_time(self, actor: int, round_index: int) -> float:
        """Relative time of ``actor`` in round ``round_index`` (0-based).

        The one definition used everywhere: t = 0 in the first round and t = 1 at the actor's
        expected horizon (see :func:`expected_horizon`), linear in the round index in between, and
        1 thereafter (an actor past its horizon is at the end of its concession curve).
        """
        horizon = self.belief_index[actor]
        if horizon <= 0:
            return 1.0
        return min(1.0, round_index / horizon)


def compile_scenario(spec: Scenario) -> Compiled:
    names = tuple(spec.actors)
    space = UtilitySpace.from_spec(spec)
    gov = tuple(i for i, n in enumerate(names) if spec.actors[n].kind == "government")
    firms = tuple(i for i, n in enumerate(names) if spec.actors[n].kind == "firm")
    home = tuple(
        names.index(a.home) if a.kind == "firm" else i for i, a in enumerate(spec.actors.values())
    )
    no_deal_utility = space.utilities(space.no_deal)
    reservation = np.array(
        [
            a.reservation if a.reservation is not None else no_deal_utility[i]
            for i, a in enumerate(spec.actors.values())
        ]
    )
    rounds = _rounds(spec)
    deadlines = _deadlines(spec, rounds)
    position = {d.name: k for k, d in enumerate(deadlines)}
    belief = tuple(
        expected_horizon(deadlines, position[a.deadline_belief] if a.deadline_belief else 0,
                         len(rounds) - 1)
        for a in spec.actors.values()
    )
    order = tuple(names.index(n) for n in spec.protocol.order) if spec.protocol.order else gov
    compiled = Compiled(
        spec=spec,
        space=space,
        actor_names=names,
        governments=gov,
        firms=firms,
        home=home,
        lobbying_power=np.array([a.lobbying_power for a in spec.actors.values()]),
        reservation=reservation,
        discount=np.array([a.discount for a in spec.actors.values()]),
        rounds=rounds,
        deadlines=deadlines,
        belief_index=belief,
        proposer_order=order,
    )
    object.__setattr__(compiled, "lobbying", Lobbying(compiled, spec.protocol.lobbying_rate))
    for part in (compiled, space, compiled.lobbying):
        _read_only(part)
    return compiled


def _read_only(obj: object) -> None:
    """Make every numpy array held by ``obj`` read-only: all runs of a scenario share them, so a
    run (or a user) writing into one would change every later run; it raises instead."""
    for value in vars(obj).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)


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


def _rounds(spec: Scenario) -> tuple[Round, ...]:
    cap = spec.protocol.max_rounds
    if spec.calendar.rounds:
        dated = spec.calendar.rounds[:cap] if cap else spec.calendar.rounds
        return tuple(Round(i + 1, r.date, r.label, r.place) for i, r in enumerate(dated))
    return tuple(Round(i + 1, None, f"Round {i + 1}", "") for i in range(cap))


def _deadlines(spec: Scenario, rounds: tuple[Round, ...]) -> tuple[Deadline, ...]:
    out = []
    for name, d in spec.deadlines.items():
        if d.date is not None:
            index = max(i for i, r in enumerate(rounds) if r.date <= d.date)
        else:
            index = min(d.round, len(rounds)) - 1
        out.append(Deadline(name, index, d.kind, d.extension_probability, d.date, d.label or name))
    return tuple(sorted(out, key=lambda d: (d.index, d.date or dt.date.min)))
