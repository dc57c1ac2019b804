"""A scenario compiled to arrays: the numeric form every run of it shares.

Compiling happens once per scenario object (:func:`compile_scenario` keeps what it built for as
long as the scenario lives; the loader hands out one object per file and overrides), so a sweep of
thousands of runs pays for validation and array building once. Nothing here changes during a run:
every array is read-only, and a model copies what it mutates (the governments' weights and
reservations under lobbying).

What the subsystems share is built here, in this order, as declared fields of :class:`Compiled`:
the utility space, the calendar, the lobbying dynamics (:class:`~model.lobbying.Lobbying`), the
coalition graph's constants (:class:`~model.coalitions.CoalitionSetup`), the domestic side
(:class:`~model.ratification.RatificationSetup`) and the start of every run (:class:`RunStart`).

A calibration or a sweep over continuous values compiles a new scenario object for every run, each
a variant of one scenario with a few values changed (``actors.Japan.reservation``,
``deadlines.G7.extension_probability``, …). The costly parts read only some of a scenario's
fields, so :func:`_shared` keeps the last few of each, keyed by exactly the fields (and the parts)
it was built from, compared by value: a variant that agrees on them gets the same part back.
Those are the utility space (issues and the actors' weights, directions, curvature, shapes and
values), the calendar's rounds, the lobbying dynamics but for their reservations
(:meth:`~model.lobbying.Lobbying.with_reservation`), the domestic side and the start of every run.
A part holds no run's state (every run already shares its scenario's parts), so sharing it with
another scenario that agrees on its inputs changes no number; the utility space's memos
(:attr:`~model.utility.UtilitySpace.plan_memo`, …) are then shared too, keyed as before by what
they depend on.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from bargaining_chips.model.calendar import (
    Deadline,
    Round,
    deadlines_of,
    expected_horizon,
    moved_indices,
    round_cap,
    rounds_of,
)
from bargaining_chips.model.categorical import DiscreteSpace
from bargaining_chips.model.coalitions import CoalitionSetup
from bargaining_chips.model.lobbying import Lobbying
from bargaining_chips.model.ratification import RatificationSetup
from bargaining_chips.model.scenario import Scenario
from bargaining_chips.model.utility import UtilitySpace


@dataclass(frozen=True)
class RunStart:
    """What every run of a scenario starts from: the initial weights (pledges applied), their
    utility form (A, b) in a linear space, the offer plan of each government against the others
    under those weights (:class:`~model.utility.Preferences` copies them; a plan depends only on
    the weights), and the keys of a per-offer row."""

    weights: np.ndarray
    form: tuple[np.ndarray, np.ndarray] | None
    plans: dict
    row_keys: tuple[str, ...]


@dataclass(frozen=True)
class Threat:
    """A threat compiled (:class:`~model.scenario.ThreatSpec`): the issue's index, the no-deal value
    it threatens, when it falls (a date, or a 0-based round index in undated scenarios) and the
    probability it is carried out."""

    name: str
    issue: int
    no_deal: float
    date: object  # datetime.date | None
    round_index: int | None
    credibility: float
    by: str | None
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
    moved_index: dict  # per deadline that may move by days: its round index after one move
    round_cap: int  # the most rounds a run may have (protocol.max_rounds or the ceiling)
    threats: tuple[Threat, ...]  # in the order they fall
    proposer_order: tuple[int, ...]
    lobbying: Lobbying
    coalitions: CoalitionSetup
    ratification: RatificationSetup
    start: RunStart

    def index(self, actor: str) -> int:
        return self.actor_names.index(actor)

    def relative_time(self, actor: int, round_index: int) -> float:
        """Relative time of ``actor`` in round ``round_index`` (0-based).

        The one definition used everywhere: t = 0 in the first round and t = 1 at the actor's
        expected horizon (see :func:`~model.calendar.expected_horizon`), linear in the round index
        in between, and 1 thereafter (an actor past its horizon is at the end of its concession
        curve).
        """
        horizon = self.belief_index[actor]
        if horizon <= 0:
            return 1.0
        return min(1.0, round_index / horizon)


#: The compiled form of each live scenario object, by id (with a weak reference that drops the
#: entry when the scenario is gone, and confirms the id was not reused).
_COMPILED: dict[int, tuple[weakref.ref, Compiled]] = {}
#: At most this many are kept, the oldest dropped first: a Compiled holds its scenario, so an entry
#: would otherwise keep it alive for good, and a sweep over a continuous parameter (a new scenario
#: object every run) grew by about 0.15 MB a run (bench_calibrate's memory line).
MAX_COMPILED = 256


#: How many of each shared part (:func:`_shared`) are kept, the oldest dropped first: a
#: calibration's draws are variants of one scenario, so one would do; a few serve a sweep whose
#: runs alternate between scenarios.
SHARED_KEPT = 4
#: The shared parts of compiled scenarios, by part: (inputs, part) pairs, newest first.
_SHARED: dict[str, list[tuple[tuple, Any]]] = {}

_Part = TypeVar("_Part")


class _Same:
    """An input compared by identity (a part built from another part: the same object, or
    rebuilt)."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj

    __hash__ = None  # type: ignore[assignment]


def _shared(part: str, inputs: tuple, build: Callable[[], _Part]) -> _Part:
    """The ``part`` built from ``inputs`` (every field of the scenario, and every part, that
    ``build`` reads, compared by value; parts by identity): one kept, or ``build()``."""
    kept = _SHARED.setdefault(part, [])
    for held, value in kept:
        if held == inputs:
            return value
    value = build()
    kept.insert(0, (inputs, value))
    del kept[SHARED_KEPT:]
    return value


def forget_compiled() -> None:
    """Drop every compiled scenario and shared part kept in this process: the next compile
    builds everything afresh (what a new process does)."""
    _COMPILED.clear()
    _SHARED.clear()


def compile_scenario(spec: Scenario) -> Compiled:
    """The compiled form of ``spec``, built on the first call for this scenario object."""
    key = id(spec)
    entry = _COMPILED.get(key)
    if entry is not None and entry[0]() is spec:
        return entry[1]
    compiled = _compile(spec)
    _COMPILED[key] = (weakref.ref(spec, _forgetter(key)), compiled)
    while len(_COMPILED) > MAX_COMPILED:
        del _COMPILED[next(iter(_COMPILED))]
    return compiled


def _forgetter(key: int, memo: dict = _COMPILED):
    """The callback that drops ``memo[key]`` once its scenario is gone (the dict is bound here,
    not looked up as a global, which is gone at interpreter exit)."""

    def forget(ref: weakref.ref) -> None:
        entry = memo.get(key)
        if entry is not None and entry[0] is ref:
            del memo[key]

    return forget


def space_of(spec: Scenario) -> UtilitySpace:
    """The scenario's utility space: numeric, or a finite deal space when an issue is categorical
    (:class:`~model.categorical.DiscreteSpace`)."""
    if any(issue.categorical for issue in spec.issues.values()):
        return DiscreteSpace.from_spec(spec)
    return UtilitySpace.numeric(spec)


def _compile(spec: Scenario) -> Compiled:
    names = tuple(spec.actors)
    actors = tuple(spec.actors.values())
    # What space_of reads: the issues in order, and each actor's weights, directions, curvature,
    # shapes and (categorical issues) option values.
    space = _shared("space", (tuple(spec.issues.items()), names,
                              tuple((a.weights, a.prefers, a.curvature, a.shape, a.values)
                                    for a in actors)),
                    lambda: space_of(spec))
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
    power = np.array([a.lobbying_power for a in spec.actors.values()])
    # What rounds_of reads: the round cap, the calendar, and the kinds and dates of the
    # deadlines (the last one's date ends the cadence).
    rounds = _shared("rounds", (spec.protocol.max_rounds, spec.calendar,
                                tuple((d.kind, d.date) for d in spec.deadlines.values())),
                     lambda: rounds_of(spec))
    deadlines = deadlines_of(spec, rounds)
    position = {d.name: k for k, d in enumerate(deadlines)}
    moved = moved_indices(spec, rounds, deadlines)
    belief = tuple(
        expected_horizon(deadlines, position[a.deadline_belief] if a.deadline_belief else 0,
                         len(rounds) - 1, moved)
        for a in spec.actors.values()
    )
    issue_names = tuple(spec.issues)
    threats = tuple(sorted(
        (Threat(name, issue_names.index(t.issue), float(t.no_deal), t.date,
                None if t.round is None else t.round - 1, t.credibility, t.by, t.label or name)
         for name, t in spec.threats.items()),
        key=lambda t: (t.round_index if t.round_index is not None else -1, str(t.date)),
    ))
    order = tuple(names.index(n) for n in spec.protocol.order) if spec.protocol.order else gov
    # What Lobbying reads, its reservations aside: the coalition parameters, the lobbying rate,
    # the firms, their homes and powers, the pledges, and the space.
    lobbying = _shared("lobbying", (_Same(space), names, home, power.tobytes(),
                                    spec.coalitions, spec.protocol.lobbying_rate,
                                    tuple((a.kind, a.home, a.pledges) for a in actors)),
                       lambda: Lobbying(spec, space, names, firms, home, power, reservation))
    if lobbying.base_reservation is not reservation:  # built for another variant's
        lobbying = lobbying.with_reservation(reservation)
    ratification = _shared(
        "ratification",
        (_Same(space), _Same(rounds), names, gov,
         tuple(spec.actors[names[g]].ratification for g in gov), tuple(spec.events.items())),
        lambda: RatificationSetup.build(spec, space, names, gov, rounds))
    start = _shared("start", (_Same(space), lobbying.initial_weights.tobytes(), names, gov),
                    lambda: _run_start(space, lobbying.initial_weights, names, gov))
    compiled = Compiled(
        spec=spec,
        space=space,
        actor_names=names,
        governments=gov,
        firms=firms,
        home=home,
        lobbying_power=power,
        reservation=reservation,
        discount=np.array([a.discount for a in spec.actors.values()]),
        rounds=rounds,
        deadlines=deadlines,
        belief_index=belief,
        moved_index=moved,
        round_cap=round_cap(spec),
        threats=threats,
        proposer_order=order,
        lobbying=lobbying,
        coalitions=CoalitionSetup.build(spec, space, names, home, power),
        ratification=ratification,
        start=start,
    )
    for part in (compiled, space, lobbying, compiled.start):
        _read_only(part)
    return compiled


def _run_start(space: UtilitySpace, weights: np.ndarray, names: tuple[str, ...],
               governments: tuple[int, ...]) -> RunStart:
    weights.setflags(write=False)
    form = space.linear_form(weights) if space.linear else None
    plans = {}
    for g in governments:
        others = tuple(o for o in governments if o != g)
        plans[(g, others)] = space.plan(g, weights, others)
    keys = ("round", "date", "proposer", *space.issue_names, *(f"u_{name}" for name in names))
    return RunStart(weights, form, plans, keys)


def _read_only(obj: object) -> None:
    """Make every numpy array held by ``obj`` read-only: all runs of a scenario share them, so a
    run (or a user) writing into one would change every later run; it raises instead."""
    for value in vars(obj).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
        elif isinstance(value, tuple) and all(isinstance(v, np.ndarray) for v in value):
            for v in value:
                v.setflags(write=False)
