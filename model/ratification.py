"""Domestic ratification: the second level of Putnam's (1988) two-level game.

A government can only sign what home ratifies. Government g has domestic members M_g (itself and
firms whose home it is, listed in ``actors.<g>.ratification.weights``) with political weights p_m.
A member approves terms x when they are worth at least its reservation utility to it,
u_m(x) ≥ r_m (under its current weights: a government's lobbied weights and reservation count).
The deal is ratified at home when the approving share of political weight reaches the threshold θ_g:

    approval_g(x) = Σ_{m ∈ M_g, u_m(x) ≥ r_m} p_m / Σ_{m ∈ M_g} p_m  ≥  θ_g.

The *win-set* of g is the set of terms with approval_g ≥ θ_g. θ = 0 ratifies anything (no domestic
constraint), θ = 1 needs unanimity. A government without a ratification table signs what it accepts.

**Votes.** When every government accepts an offer at the table, each government with a ratification
table votes on it. A deal any of them rejects is recorded (:attr:`Domestic.votes`, an event shown in
the transcript) and the talks go on.

**Anticipation.** ``ratification.anticipate`` says whether g's negotiators keep to the win-set:
"always", "after_rejection" (from the round after home first rejected a deal) or "never". An
anticipating government turns down at the table any offer home would not ratify, and pulls its own
proposals back into the win-set, conceding as little as it can: it first moves only the issues the
dissenting members care about (and want the same way as g), then, if that is not enough, every
issue g cares about. Along each path from the strategy's terms x towards g's best terms b_g it
offers the first of x + λ(b_g − x), λ ∈ {1/16, 2/16, …, 1}, that home ratifies (discrete issues
rounded towards g's side); if none does, it offers x unchanged. This is Schelling's (1960) "power to bind oneself": a tighter θ_g shrinks
g's win-set, and the terms that can be agreed move in g's favour until the win-sets no longer meet.
Strategies see the same information through :class:`~agents.view.NegotiationView`
(``ratifiable``, ``approval``, ``within_win_set``); the agent applies the constraint to whatever
strategy it runs (:class:`~agents.actors.GovernmentAgent`).

**Public red lines.** ``ratification.public`` lists the members whose red lines were public (the
LDP's resolution against farm concessions): the negotiators know them from the first round. Until
they anticipate the whole of home's vote (by ``anticipate``), they keep to what is known — each
public member's vote and the government's own as they will fall, every other member counted as
approving,

    approval^pub_g(x) = Σ_{m public or m = g, u_m(x) ≥ r_m} p_m + Σ_{m not public, m ≠ g} p_m,

pulling their proposals back and turning down at the table, as above, whatever fails
approval^pub_g ≥ θ_g. A public member that is pivotal (without it approval < θ_g) is thus never
offered, nor accepted, terms it would vote down; home can still reject a deal for the reasons
nobody published, and "after_rejection" then learns those.

**Elections.** A dated event (``events.<name>``, kind "election") sets g's threshold from the first
round on or after its date: Japan's Upper House election of 20 July 2025 moves Japan's θ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.floats import dot
from bargaining_chips.model.events import (
    AnticipationBegins,
    ElectionHeld,
    Event,
    HomeVote,
    KeptToWinSet,
    TableVeto,
)

if TYPE_CHECKING:
    from bargaining_chips.agents.messages import Offer
    from bargaining_chips.model.calendar import Round
    from bargaining_chips.model.scenario import Scenario
    from bargaining_chips.model.utility import Preferences, UtilitySpace

GRID = np.linspace(0.0, 1.0, 17)
#: The steps of :data:`GRID` after 0, in the two groups of eight that are tried in turn.
_STEPS = (GRID[1:9, None], GRID[9:, None])


@dataclass(frozen=True)
class Constituency:
    """One government's ratifying side, compiled: member indices and normalised weights."""

    government: int
    members: np.ndarray
    weight: np.ndarray  # political weights, normalised to sum 1
    threshold: float
    anticipate: str
    body: str
    best: np.ndarray  # b_g: the government's best terms (other issues: NaN, left as offered)
    public: np.ndarray | None = None  # per member: its red line is known from the start


@dataclass(frozen=True)
class Election:
    name: str
    government: int
    round_index: int | None  # the first round on or after it (None: after the last round)
    threshold: float
    label: str
    date: object


@dataclass(frozen=True)
class Vote:
    """One domestic vote on a deal accepted at the table."""

    round_no: int
    government: str
    approval: float
    threshold: float
    passed: bool
    approve: tuple[str, ...]
    oppose: tuple[str, ...]


@dataclass(frozen=True)
class RatificationSetup:
    """Every government's ratifying side and the dated elections (built when the scenario is
    compiled, :mod:`model.compiled`)."""

    constituencies: dict[int, Constituency]
    elections: tuple[Election, ...]

    @classmethod
    def build(cls, spec: Scenario, space: UtilitySpace, names: tuple[str, ...],
              governments: tuple[int, ...], rounds: tuple[Round, ...]) -> RatificationSetup:
        out = {}
        for g in governments:
            name = names[g]
            rat = spec.actors[name].ratification
            if rat is None:
                continue
            members = np.array([names.index(m) for m in rat.weights], dtype=int)
            w = np.array(list(rat.weights.values()), dtype=float)
            sign = space.sign[g]
            best = np.where(sign > 0, space.lo + space.span, np.where(sign < 0, space.lo, np.nan))
            best = np.where(space.weights[g] > 0, best, np.nan)
            public = None
            if rat.public:
                public = np.array([m in rat.public or m == name for m in rat.weights])
            out[g] = Constituency(g, members, w / w.sum(), rat.threshold, rat.anticipate,
                                  rat.body or f"{name}'s domestic side", best, public)
        elections = []
        for name, ev in spec.events.items():
            if ev.date is not None:
                idx = next((r.number - 1 for r in rounds if r.date >= ev.date), None)
            else:
                idx = ev.round - 1 if ev.round <= len(rounds) else None
            elections.append(Election(name, names.index(ev.government), idx, ev.threshold,
                                      ev.label or name, ev.date))
        return cls(out, tuple(elections))


class Domestic:
    """The domestic side of every government in one run: thresholds, votes, anticipation.

    It reads the actors' current preferences and reservations (``prefs`` and ``reservation``: the
    run's own, which lobbying moves in place) and returns what happened as typed events
    (:mod:`model.events`) for the model to record.
    """

    def __init__(self, setup: RatificationSetup, names: tuple[str, ...], space: UtilitySpace,
                 prefs: Preferences, reservation: np.ndarray) -> None:
        self.rs = setup
        self.names, self.space = names, space
        self.prefs, self.reservation = prefs, reservation
        self.threshold = {g: c.threshold for g, c in setup.constituencies.items()}
        self.anticipating = {g: c.anticipate == "always" for g, c in setup.constituencies.items()}
        self.votes: list[Vote] = []
        self.rejections = 0

    # -- queries ------------------------------------------------------------------------------
    def has(self, g: int) -> bool:
        return g in self.rs.constituencies

    def approval(self, g: int, terms: np.ndarray) -> tuple[float, np.ndarray]:
        """Government g's domestic approval of ``terms`` and each member's yes/no."""
        c = self.rs.constituencies[g]
        yes = (self.prefs.utilities(terms) - self.reservation)[c.members] >= -1e-12
        return float(dot(c.weight, yes)), yes

    def ratifiable(self, g: int, terms: np.ndarray) -> bool:
        """Whether g's home would ratify ``terms`` now (True without a ratification table)."""
        if g not in self.rs.constituencies:
            return True
        return self.approval(g, terms)[0] >= self.threshold[g] - 1e-12

    def known(self, g: int) -> np.ndarray | None:
        """Per member of g's home, whether its negotiators know how it will vote: None when they
        know nothing (they do not anticipate, and no red line is public); all True once they
        anticipate; else the public members and g itself."""
        c = self.rs.constituencies.get(g)
        if c is None:
            return None
        if self.anticipating[g]:
            return np.ones(len(c.members), dtype=bool)
        return c.public

    def within_win_set(self, g: int, terms: np.ndarray,
                       known: np.ndarray | None = None) -> np.ndarray:
        """``terms`` pulled back towards g's best terms until g's home ratifies them (see the
        module docstring); ``terms`` unchanged if they already pass or if nothing on the way does.
        With ``known`` (per member), the members not known count as approving: the terms are
        kept to the red lines that are known."""
        c = self.rs.constituencies.get(g)
        if c is None:
            return terms
        share, yes = self.approval(g, terms)
        if known is not None:
            yes = yes | ~known
            share = float(dot(c.weight, yes))
        if share >= self.threshold[g] - 1e-12:
            return terms
        space, prefs = self.space, self.prefs
        best = np.where(np.isnan(c.best), terms, c.best)
        dissent = c.members[~yes]
        cares = ((prefs.weights[dissent] > 0) & (space.sign[dissent] == space.sign[g])).any(axis=0)
        targeted = np.where(cares, best, terms)
        members = c.members
        floor, needed = self.reservation[members][None] - 1e-12, self.threshold[g] - 1e-12
        # The first candidate that passes, on the way to the targeted terms, else on the way to
        # the best ones, tried eight steps at a time: each candidate's vote is its own, so the
        # answer is the one of trying all 32 at once, and the steps after the first that passes
        # are left undone (on the default scenario it is always among the first eight towards
        # the targeted terms: 16.78M -> 16.29M instructions per run for taking the two ways
        # apart, counted over seeds 0-19).
        for end in (targeted, best):
            for step in _STEPS:
                cand = _snap(terms + step * (end - terms), space, space.sign[g])
                yes = prefs.utilities_of(cand, members) >= floor
                if known is not None:
                    yes = yes | ~known[None]
                passing = np.nonzero(dot(yes, c.weight) >= needed)[0]
                if len(passing):
                    return cand[passing[0]]
        return terms

    # -- the round ----------------------------------------------------------------------------
    def begin_round(self, round_index: int) -> list[Event]:
        """Fire the elections dated in round ``round_index``: they set their government's
        threshold."""
        return [self.hold(ev, round_index) for ev in self.rs.elections
                if ev.round_index == round_index]

    def hold(self, ev: Election, round_index: int) -> ElectionHeld:
        """Hold election ``ev`` in round ``round_index``: it sets its government's threshold (also
        an election dated after the scheduled calendar, once extended talks reach its date)."""
        old = self.threshold[ev.government]
        self.threshold[ev.government] = ev.threshold
        return ElectionHeld(round_index, self.names[ev.government], ev.name, old, ev.threshold)

    def keep_to_win_set(self, g: int, terms: np.ndarray,
                        round_index: int) -> tuple[np.ndarray, Event | None]:
        """An anticipating government's proposal, pulled into its win-set, and the event that
        records the change (None when nothing changed)."""
        known = self.known(g)
        if known is None:
            return terms, None
        inside = self.within_win_set(g, terms, known)
        if inside is terms:
            return terms, None
        return inside, KeptToWinSet(round_index, self.names[g], tuple(terms.tolist()),
                                    tuple(inside.tolist()))

    def vetoes_at_table(self, g: int, offer: Offer, round_index: int) -> TableVeto | None:
        """The veto of an anticipating government that must turn ``offer`` down because home
        would not ratify it (None when it may accept)."""
        known = self.known(g)
        if known is None:
            return None
        share, yes = self.approval(g, offer.terms)
        c = self.rs.constituencies[g]
        yes = yes | ~known
        share = float(dot(c.weight, yes))
        if share >= self.threshold[g] - 1e-12:
            return None
        against = tuple(self.names[i] for i in c.members[~yes].tolist())
        return TableVeto(round_index, self.names[g], share, self.threshold[g], against)

    def ratify(self, offer: Offer, round_index: int) -> tuple[bool, list[Event]]:
        """Every ratifying government votes on ``offer``: whether all pass, and the votes (and any
        change of anticipation they cause) as events."""
        names = self.names
        passed_all = True
        events: list[Event] = []
        for g, c in self.rs.constituencies.items():
            share, yes = self.approval(g, offer.terms)
            passed = share >= self.threshold[g] - 1e-12
            said = list(zip((names[m] for m in c.members.tolist()), yes.tolist(), strict=True))
            vote = Vote(round_index + 1, names[g], share, self.threshold[g], passed,
                        tuple(n for n, y in said if y), tuple(n for n, y in said if not y))
            self.votes.append(vote)
            if not passed:
                passed_all = False
                self.rejections += 1
            events.append(HomeVote(round_index, names[g], share, self.threshold[g], passed,
                                   vote.oppose))
            if not passed and c.anticipate == "after_rejection" and not self.anticipating[g]:
                self.anticipating[g] = True
                events.append(AnticipationBegins(round_index, names[g]))
        return passed_all, events


def _snap(cand: np.ndarray, space, sign: np.ndarray) -> np.ndarray:
    """Round discrete issues to their grid, towards the government's preferred side: up
    (ceil) where it prefers high, down (floor) otherwise, as ``UtilitySpace.offer_at`` does.
    With s = ±1 for up/down, ceil(k − ε) and floor(k + ε) are both −s · floor(−s · k + ε)."""
    step = space.step
    discrete = ~np.isnan(step)
    if not discrete.any():
        return cand
    unit = np.where(discrete, step, 1.0)
    s = np.where(sign > 0, -1.0, 1.0)  # −s of the docstring
    k = np.floor((cand - space.lo) * (s / unit) + 1e-9) * s
    snapped = np.minimum(space.lo + k * unit, space.lo + space.span)
    return np.where(discrete, snapped, cand)
