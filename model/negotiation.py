"""NegotiationModel: the talks as a Mesa model, one ``step()`` per dated round.

A round (Putnam's two-level game, played on Rubinstein's alternating-offers protocol):

1. the coalition graph is updated on the offer on the table (:mod:`model.coalitions`), elections
   dated this round move ratification thresholds, and every firm lobbies its home government with
   the weight of its coalition behind it (:mod:`model.lobbying`);
2. the government whose turn it is proposes terms (a value for every issue), chosen by its strategy;
3. every other government responds: accept, reject or walk away. If all accept, the deal must pass
   each government's domestic ratification (:mod:`model.ratification`); a deal that passes ends
   the talks with agreement, one rejected at home is recorded and the talks go on;
4. the round is recorded; then the calendar: a hard deadline passed without a deal ends the talks
   with the no-deal outcome; a soft one is extended to the next deadline with its probability
   (one draw from the model's generator), otherwise the talks end there too.

The model owns a run's state — the actors' preferences under lobbying (:class:`~model.utility.
Preferences`), their reservations, the round, the records — and hands each subsystem the compiled
scenario's part and the state it needs. Records are tidy lists (one per offer, per lobbying round,
per typed event of :mod:`model.events`), turned into tables only when asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from bargaining_chips.agents.actors import FirmAgent, GovernmentAgent
from bargaining_chips.agents.messages import Offer
from bargaining_chips.agents.strategies import make_strategy
from bargaining_chips.model.calendar import (
    cadence_rounds,
    expected_horizon,
    index_on,
    moved,
    sort_deadlines,
)
from bargaining_chips.model.coalitions import CoalitionTracker
from bargaining_chips.model.collect import make_datacollector
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.events import (
    DeadlineMoved,
    DeadlinePassed,
    EndReason,
    Event,
    TargetMissed,
    ThreatResolved,
)
from bargaining_chips.model.information import Beliefs
from bargaining_chips.model.loader import load_scenario, scenario_from_dict
from bargaining_chips.model.lobbying import LobbyChoice, LobbyMove, LobbyRound
from bargaining_chips.model.overrides import scenario_tables
from bargaining_chips.model.protocols import PROTOCOLS
from bargaining_chips.model.ratification import Domestic
from bargaining_chips.model.scenario import Scenario
from bargaining_chips.model.utility import Preferences
from bargaining_chips.model.view import BeliefView, TableView


def _root_seed(seed: Any, rng: Any) -> Any:
    """Mesa's two names for one seed → the seed (a fresh one from OS entropy if neither is given)."""
    if seed is not None and rng is not None and not (seed is rng or _same(seed, rng)):
        raise ValueError("give the seed as rng= or seed=, not both")
    root = rng if rng is not None else seed
    if root is None:  # not the global random state: a new seed, recorded in model.seed
        root = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))
    return root


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def override_paths(overrides: Mapping[str, Any] | None, paths: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword overrides → dotted ``--set`` paths: ``actors__Japan__strategy__beta`` and
    ``"actors.Japan.strategy.beta"`` both name ``actors.Japan.strategy.beta``. A keyword with
    neither a dot nor ``__`` is no path: TypeError, as for any unknown keyword."""
    out = dict(overrides or {})
    for key, value in paths.items():
        if "." not in key and "__" not in key:
            raise TypeError(
                f"NegotiationModel() got an unexpected keyword argument {key!r}; scenario "
                "overrides are --set paths, with __ for the dots (actors__Japan__strategy__beta=0.5)"
            )
        out[key.replace("__", ".")] = value
    return out


def _scenario(scenario: Scenario | str, overrides: dict[str, Any]) -> Scenario:
    """The scenario to play: loaded by name or path, with ``overrides`` applied (a loaded
    :class:`Scenario` is overridden through its fields, validated again as a file would be)."""
    if isinstance(scenario, str):
        return load_scenario(scenario, overrides)
    if not overrides:
        return scenario
    return scenario_from_dict(scenario_tables(scenario), scenario.origin, overrides,
                              raw_checked=True)


@dataclass(frozen=True)
class Outcome:
    """How the talks ended: ``terms`` are the agreed terms, or the no-deal values without a deal."""

    agreement: bool
    round_index: int  # 0-based index of the last round played
    terms: np.ndarray
    reason: EndReason
    deadline: str | None  # the deadline in force when talks ended


class NegotiationModel(mesa.Model):
    """The negotiation world for one scenario and one seed.

    ``scenario`` is a loaded :class:`~model.scenario.Scenario` or a name/path to load. The seed is
    Mesa's: ``rng=`` (or ``seed=``, the same thing; give one of them), an int or anything
    ``numpy.random.default_rng`` takes. With neither, a fresh seed is drawn from the operating
    system's entropy and kept in :attr:`seed`, so every run can be replayed.

    Scenario overrides are keyword arguments named by their ``--set`` paths, with ``__`` for
    the dots where the name must be a Python identifier, or a mapping ``overrides=``::

        NegotiationModel(actors__Japan__strategy__beta=0.5, rng=3)
        NegotiationModel(overrides={"actors.Japan.strategy.beta": 0.5}, rng=3)
        mesa.batch_run(NegotiationModel, parameters={"actors__Japan__strategy__beta": [0.2, 5.0]},
                       iterations=3, max_steps=20)

    ``datacollector`` is a ``mesa.DataCollector`` (:mod:`model.collect` lists its columns),
    collected when the model is built and after every round, so ``mesa.batch_run`` and Mesa's plot
    components read it. ``collect=False`` leaves it out (``datacollector`` is None): the
    sweeps' path, where a run's summary is all that is kept.

    Attributes a user reads: ``rows`` (per-offer records), ``lobby_moves``, ``events`` (typed,
    :mod:`model.events`), ``offers``, ``outcome`` (None while talks go on), ``weights`` and
    ``reservation`` (current, after lobbying), ``prefs`` (the actors' utility functions now),
    ``coalition_tracker`` (the coalition graph's snapshots) and ``domestic`` (thresholds and
    votes).
    """

    def __init__(
        self,
        scenario: Scenario | str = "us_japan_2025",
        seed: Any = None,
        rng: Any = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        collect: bool = True,
        **paths: Any,
    ) -> None:
        root = _root_seed(seed, rng)
        super().__init__(rng=root)
        self.seed = int(root) if isinstance(root, int | np.integer) else None
        self.spec = _scenario(scenario, override_paths(overrides, paths))
        self.setup = setup = compile_scenario(self.spec)
        start = setup.start
        # Until lobbying moves the weights, a run shares the utility form and the offer plans of
        # the scenario's start (Preferences re-derives its own when they move).
        self.prefs = Preferences(setup.space, start.weights.copy(), start.form, start.plans)
        self.reservation = setup.reservation.copy()
        self.prefs.floors = self.reservation  # the thresholds of offers to several governments
        self.round_index = 0
        # The calendar as it unfolds: the compiled rounds, and those the cadence adds when an owner
        # moves a deadline past them; the targets and deadlines, moved ones replaced in place and
        # kept in the order they fall.
        self.rounds = list(setup.rounds)
        self.deadlines = list(setup.deadlines)
        self.deadline_index = 0  # index into deadlines of the first one not yet passed
        self.no_deal = setup.space.no_deal.copy()  # the no-deal terms now (threats move them)
        self._threat_next = 0  # index into setup.threats of the next one to fall due
        self._reservation_shift: np.ndarray | None = None  # what threats and targets moved
        self._clock: dict[int, tuple[int, float, float]] = {}  # actor → (r0, t0, H) once retimed
        # Elections dated after the scheduled calendar: held if moved deadlines bring talks there.
        self._late_elections = [e for e in setup.ratification.elections
                                if e.round_index is None and e.date is not None]
        self.offers: list[Offer] = []
        self._last_offer_from: dict[str, int] = {}  # proposer → index of its last offer in
        self._offers_seen = 0  # offers[:_offers_seen] (brought up to date when firms lobby)
        self.events: list[Event] = []
        self.lobby_log: list[LobbyRound] = []  # one entry per round in which firms lobbied
        self.outcome: Outcome | None = None
        self._rows: list[dict] = []  # built from _raw_rows when read (see rows)
        self._raw_rows: list[tuple] = []
        self._offer_reservations: list[np.ndarray] = []  # every actor's, as each offer was judged
        self._lobby_moves: list[LobbyMove] = []
        self.lobbying = setup.lobbying
        # People in firms' seats (the dashboard's classroom mode): actor index → a function of the
        # round number giving that firm's LobbyChoice, or None to lobby by its rule. Empty in a
        # model run: lobbying is then the rule's, bit for bit.
        self.lobbyists: dict[int, Callable[[int], LobbyChoice | None]] = {}
        self.protocol = PROTOCOLS[self.spec.protocol.type]()
        self.coalition_tracker = CoalitionTracker(setup.coalitions)
        self.domestic = Domestic(setup.ratification, setup.actor_names, setup.space, self.prefs,
                                 self.reservation)
        # The model builds its agents and hands each what it needs (the agents import nothing of
        # the model): a government its view of the talks and a fresh strategy object from the
        # scenario's strategy table, a firm its home and lobbying power.
        # Under private information each government plays by its beliefs about the others
        # (model.information); ``beliefs`` is None under complete information.
        self.beliefs: Beliefs | None = None
        if self.spec.protocol.information == "private":
            self.beliefs = Beliefs(self.spec, setup, self.prefs, self.reservation, self.rng)
        names, actors = setup.actor_names, self.spec.actors
        self.governments: list[GovernmentAgent] = []
        for i in setup.governments:
            plan = actors[names[i]].strategy
            strategy = make_strategy(plan.name, **plan.params)
            view = TableView(self, i) if self.beliefs is None else BeliefView(self, i, self.beliefs)
            self.governments.append(GovernmentAgent(self, i, view, strategy))
        self.firms = [
            FirmAgent(self, i, names[i], setup.home[i], float(setup.lobbying_power[i]))
            for i in setup.firms
        ]
        self._by_index = {g.index: g for g in self.governments}
        self.datacollector: mesa.DataCollector | None = None
        if collect:
            self.datacollector = make_datacollector(self)
            self.datacollector.collect(self)

    @property
    def weights(self) -> np.ndarray:
        """Every actor's issue weights now (the scenario's, pledges applied, moved by lobbying)."""
        return self.prefs.weights

    @property
    def reservation_shift(self) -> np.ndarray:
        """What threats carried out and missed targets have moved each actor's reservation by
        (lobbying's moves aside): zeros until one does."""
        if self._reservation_shift is None:
            return np.zeros(len(self.reservation))
        return self._reservation_shift.copy()

    def relative_time(self, actor: int, round_index: int) -> float:
        """Relative time of ``actor`` in round ``round_index``, on the calendar as it unfolds.

        Until a deadline the actor plans for moves, or a target it aims at is missed, it is the
        compiled definition (:meth:`~model.compiled.Compiled.relative_time`: t = r / H). From
        such a change in round r₀, where its time stood at t₀, the actor runs on to its new
        expected horizon H′ (:meth:`_retime`) from where it was — time never runs backwards:

            t(r) = t₀ + (1 − t₀) · (r − r₀) / (H′ − r₀),   capped at 1.
        """
        clock = self._clock.get(actor)
        if clock is None:
            return self.setup.relative_time(actor, round_index)
        r0, t0, horizon = clock
        if horizon <= r0:
            return 1.0
        return min(1.0, t0 + (1.0 - t0) * (round_index - r0) / (horizon - r0))

    # -- the round ----------------------------------------------------------------------------
    def step(self) -> None:
        """One dated round: lobbying, the protocol's play at the table, then the calendar; the
        data collector (if any) records the round's end."""
        if self.outcome is not None:
            return
        self._play_round()
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _play_round(self) -> None:
        if self.outcome is not None:
            return
        self.events.extend(self.domestic.begin_round(self.round_index))
        if self._late_elections and self.round_index >= len(self.setup.rounds):
            self._hold_late_elections()
        if self._threat_next < len(self.setup.threats):
            self._threats_due()
        self.lobby()
        self.protocol.play_round(self)
        if self.outcome is None:
            self._check_calendar()
        self.round_index += 1

    def run(self, max_steps: int | None = None) -> Outcome:
        """Play rounds until the talks end (at most ``max_steps``); returns the outcome.

        The rounds are the ones :meth:`step` plays, called directly: ``steps`` counts them as
        Mesa counts calls of ``step()``, but Mesa's scheduler (its ``time`` on Mesa ≥ 3.5) is
        not involved — a run to the end needs no event list, and goes faster without it. A
        subclass that overrides ``step()``, and a model with a data collector (which Mesa 3.5
        keys by ``time``), are run through ``step()``.
        """
        limit = self.setup.round_cap if max_steps is None else max_steps
        # else a subclass's step() is honoured, and the collector sees Mesa's own clock
        direct = type(self).step is NegotiationModel.step and self.datacollector is None
        for _ in range(limit):
            if self.outcome is not None:
                break
            if direct:
                self.steps += 1
                self._play_round()
            else:
                self.step()
        return self.outcome

    # -- lobbying -----------------------------------------------------------------------------
    def lobby(self) -> None:
        """Step 1 of a round: update the coalition graph on the offer on the table, then let every
        firm lobby its home government through its coalition (:mod:`model.lobbying`).

        The round's pushes are logged (:attr:`lobby_log`); :attr:`lobby_moves` turns the log into
        :class:`~model.lobbying.LobbyMove` records when asked.
        """
        on_table = bool(self.offers)
        terms = self.offers[-1].terms if on_table else None
        tracker, lob, prefs = self.coalition_tracker, self.lobbying, self.prefs
        round_no = self.round_index + 1
        through_graph = on_table and len(lob.firms) and lob.boost != 0
        if through_graph:  # the pushes need this round's edge weights and coalitions now
            snap = tracker.observe(round_no, terms, prefs, self.reservation)
            stance = snap.stance
        else:  # the graph is computed when first read; the stances now if a firm needs them
            stance = tracker.record(round_no, terms, prefs, self.reservation,
                                    stance=bool(self.firms))
        if not self.firms:
            return
        judged, stance = self._judged_stance(terms, stance)
        stances = stance.tolist()
        for firm in self.firms:
            firm.stance = stances[firm.index]
        if not len(lob.firms):
            return
        choices = self._lobby_choices(round_no) if self.lobbyists else None
        before = prefs.weights.copy()
        moved_by = self._reservation_shift  # lobbying bounds reservations around the scenario's:
        if moved_by is not None:  # it works on them without what threats and targets moved
            self.reservation -= moved_by
        if through_graph:
            eta, boost, shift = lob.step_graph(
                prefs.weights, self.reservation, stance, snap.labels, snap.align, choices=choices
            )
        elif on_table:  # κ = 0: the coalitions do not boost anyone
            eta, boost, shift = lob.step_graph(prefs.weights, self.reservation, stance,
                                               choices=choices)
        else:
            eta, boost, shift = lob.step_graph(prefs.weights, choices=choices)
        if moved_by is not None:
            self.reservation += moved_by
        prefs.moved()  # the weights changed: re-derive the utility form and the offer plans
        self.lobby_log.append(LobbyRound(round_no, before, eta, boost, shift, stance,
                                         [judged[f] for f in lob.firms.tolist()],
                                         prefs.weights.copy(),
                                         lob.chosen_targets(choices) if choices else None))

    def _lobby_choices(self, round_no: int) -> dict[int, tuple[np.ndarray | None, float]]:
        """The choices of the people in firms' seats this round (:attr:`lobbyists`), by the
        firm's position among the lobbying firms, as :meth:`Lobbying.step_graph` takes them; a
        firm whose lobbyist answers None lobbies by its rule. Asked in actor order."""
        lob, choices = self.lobbying, {}
        for f in sorted(self.lobbyists):
            choice = self.lobbyists[f](round_no)
            if choice is not None:
                resolved = lob.resolve(f, choice)
                choices[lob.position(f)] = resolved
        return choices

    def _judged_stance(self, table: np.ndarray | None,
                       table_stance: np.ndarray | None) -> tuple[dict, np.ndarray]:
        """Per firm, the offer it judges — the last one made by a government other than its
        home, as (round, proposer), or None before the other side has offered — and every
        actor's stance for lobbying: a firm's u_f of that offer minus r_f (0 without one),
        a government's and the rest 0. ``table_stance`` is the stance on the offer on the
        table (``table``), reused where that offer is the one judged."""
        names = self.setup.actor_names
        stance = np.zeros(len(names))
        judged: dict[int, tuple[int, str] | None] = {}
        last = len(self.offers) - 1
        for k in range(self._offers_seen, last + 1):
            self._last_offer_from[self.offers[k].proposer] = k
        self._offers_seen = last + 1
        judged_by_home: dict[int, int | None] = {}
        for firm in self.firms:
            h = firm.home
            if h not in judged_by_home:
                home = names[h]
                judged_by_home[h] = max(
                    (k for p, k in self._last_offer_from.items() if p != home), default=None)
            k = judged_by_home[h]
            if k is None:
                judged[firm.index] = None
                continue
            offer = self.offers[k]
            judged[firm.index] = (offer.round_no, offer.proposer)
            if k == last and table_stance is not None:
                stance[firm.index] = table_stance[firm.index]
            else:
                stance[firm.index] = (self.prefs.utility(firm.index, offer.terms)
                                      - self.reservation[firm.index])
        return judged, stance

    @property
    def lobby_moves(self) -> list[LobbyMove]:
        """One :class:`~model.lobbying.LobbyMove` per lobbying firm and round, oldest first
        (built from the log when asked: records cost nothing while a run is playing)."""
        if len(self._lobby_moves) != len(self.lobby_log) * len(self.lobbying.firms):
            self._lobby_moves = self.lobbying.moves(self.lobby_log)
        return self._lobby_moves

    # -- utilities under the current weights ------------------------------------------------
    def utilities(self, terms: np.ndarray) -> np.ndarray:
        """Every actor's utility of ``terms`` under the current weights."""
        return self.prefs.utilities(terms)

    def utility(self, actor: int, terms: np.ndarray) -> float:
        """One actor's utility of ``terms`` under the current weights."""
        return self.prefs.utility(actor, terms)

    def offer_at(self, actor: int, level: float, others: tuple[int, ...]) -> np.ndarray:
        """Efficient terms worth ``level`` to ``actor`` (:meth:`Preferences.offer_at`)."""
        return self.prefs.offer_at(actor, level, others)

    # -- the domestic side --------------------------------------------------------------------
    def ratify(self, offer: Offer) -> bool:
        """Whether every government's domestic side ratifies ``offer`` (model.ratification); the
        votes are recorded as events. A government without a ratification table signs what it
        accepts at the table."""
        passed, events = self.domestic.ratify(offer, self.round_index)
        self.events.extend(events)
        return passed

    def keep_to_win_set(self, g: int, terms: np.ndarray) -> np.ndarray:
        """Government ``g``'s proposal, kept to what home will ratify if it anticipates that."""
        inside, event = self.domestic.keep_to_win_set(g, terms, self.round_index)
        if event is not None:
            self.events.append(event)
        return inside

    def vetoes_at_table(self, g: int, offer: Offer) -> bool:
        """Whether anticipating government ``g`` must turn ``offer`` down (recorded as an event)."""
        veto = self.domestic.vetoes_at_table(g, offer, self.round_index)
        if veto is None:
            return False
        self.events.append(veto)
        return True

    # -- calendar -----------------------------------------------------------------------------
    def active_deadline(self):
        """The first target or deadline not yet passed (None after the last)."""
        deadlines = self.deadlines
        return deadlines[self.deadline_index] if self.deadline_index < len(deadlines) else None

    def final_deadline_index(self) -> int | None:
        """The round index of the first deadline still ahead that surely ends the talks (hard,
        soft with extension probability 0, or moved as often as it may be); None if none."""
        for d in self.deadlines[self.deadline_index:]:
            if d.certain and d.index >= self.round_index:
                return d.index
        return None

    def is_last_round(self) -> bool:
        """No round can follow this one: the calendar ends, or a deadline falls here that is
        certain to end the talks (targets, which do not end them, are looked past)."""
        r = self.round_index
        if r >= len(self.rounds) - 1:
            return True
        for d in self.deadlines[self.deadline_index:]:
            if d.index != r:
                return False
            if not d.target:
                return d.certain
        return False

    def _check_calendar(self) -> None:
        """After a round without a deal: the targets and deadlines that fall on it, in order."""
        r = self.round_index
        d = self.active_deadline()
        while d is not None and d.index == r and self.outcome is None:
            if d.target:
                self._miss_target(d)
            elif d.kind == "hard" or (d.extension_days is not None and not d.movable):
                self.events.append(DeadlinePassed(r, d.name, hard=d.kind == "hard", extended=False))
                self.finish(False, self.no_deal, EndReason.HARD_DEADLINE if d.kind == "hard"
                            else EndReason.NOT_EXTENDED)
                return
            elif d.extension_days is not None:
                if not self._move_deadline(d):
                    return
            else:  # extended to the next deadline (the meaning soft has always had)
                extended = bool(self.rng.random() < d.extension_probability)
                self.events.append(DeadlinePassed(r, d.name, hard=False, extended=extended))
                if not extended:
                    self.finish(False, self.no_deal, EndReason.NOT_EXTENDED)
                    return
                self.deadline_index += 1
            d = self.active_deadline()
        if self.outcome is None and r >= len(self.rounds) - 1:
            self.finish(False, self.no_deal, EndReason.CALENDAR_END)

    def _miss_target(self, d) -> None:  # noqa: ANN001 - a calendar Deadline
        """Target ``d`` passed with no deal: its owner pays its cost; the talks go on."""
        r = self.round_index
        before = after = None
        if d.owner is not None:
            g = self.setup.index(d.owner)
            before = float(self.reservation[g])
            if d.cost:
                self._shift_reservation(g, -d.cost)
            after = float(self.reservation[g])
        self.events.append(TargetMissed(r, d.name, d.owner, before, after))
        self.deadline_index += 1
        self._retime()

    def _move_deadline(self, d) -> bool:  # noqa: ANN001 - a calendar Deadline
        """Soft deadline ``d`` falls with no deal: its owner's rule decides whether it moves by
        its ``extension_days``. Returns whether the talks go on (False: they ended)."""
        r = self.round_index
        worth = None
        if d.rule == "strategic":
            worth = self._worth_of_deal_in_reach(d.owner)
            go_on = worth is not None and worth >= d.margin
        else:
            go_on = bool(self.rng.random() < d.extension_probability)
        if not go_on:
            self.events.append(DeadlinePassed(r, d.name, hard=False, extended=False))
            self.finish(False, self.no_deal, EndReason.NOT_EXTENDED)
            return False
        new_date = d.date + dt.timedelta(days=d.extension_days)
        self._extend_calendar(new_date)
        index = index_on(self.rounds, new_date, None, self.setup.round_cap)
        new = moved(d, max(index, r))
        self.events.append(DeadlineMoved(r, d.name, d.owner, d.rule, d.date, new.date, new.index,
                                         worth))
        pending = [*self.deadlines[self.deadline_index + 1:], new]
        self.deadlines[self.deadline_index:] = sort_deadlines(pending)
        self._retime()
        return True

    def _worth_of_deal_in_reach(self, owner: str | None) -> float | None:
        """The strategic rule's test: what the best offer the other governments have on the
        table (the last one of each) is worth to ``owner`` more than the no-deal terms now;
        None before any."""
        g = self.setup.index(owner)
        best = None
        seen: set[str] = set()
        for offer in reversed(self.offers):
            if offer.proposer == owner or offer.proposer in seen:
                continue
            seen.add(offer.proposer)
            u = self.prefs.utility(g, offer.terms)
            best = u if best is None or u > best else best
        return None if best is None else best - self.prefs.utility(g, self.no_deal)

    def _extend_calendar(self, until: dt.date) -> None:
        """Add the rounds the cadence gives after the last one, up to ``until``."""
        cal = self.spec.calendar
        if cal.cadence_days and self.rounds[-1].date is not None:
            self.rounds.extend(cadence_rounds(self.rounds[-1], until, cal.cadence_days,
                                              cal.cadence_place, self.setup.round_cap))

    def _retime(self) -> None:
        """Each actor's expected horizon on the calendar as it now stands (after a move of a
        deadline or a missed target), its relative time running on from where it is
        (:meth:`relative_time`)."""
        r = self.round_index
        pending = tuple(self.deadlines[self.deadline_index:])
        names = [d.name for d in pending]
        moved_index = {
            d.name: index_on(self.rounds, d.date + dt.timedelta(days=d.extension_days),
                             self.spec.calendar.cadence_days, self.setup.round_cap)
            for d in pending if d.movable and d.date is not None
        }
        last = len(self.rounds) - 1
        for i, actor in enumerate(self.spec.actors.values()):
            belief = actor.deadline_belief
            position = names.index(belief) if belief in names else 0
            horizon = expected_horizon(pending, position, last, moved_index) if pending else last
            self._clock[i] = (r, self.relative_time(i, r), float(horizon))

    def _hold_late_elections(self) -> None:
        """In a round the cadence added, hold the elections dated on or before it."""
        date = self.rounds[self.round_index].date
        for ev in [e for e in self._late_elections if e.date <= date]:
            self._late_elections.remove(ev)
            self.events.append(self.domestic.hold(ev, self.round_index))

    def _threats_due(self) -> None:
        """Threats falling due by this round (before its offers): each carried out with its
        credibility (one draw, none at 0 or 1) moves the no-deal terms, and every actor's
        reservation by the change in its utility of them."""
        r, threats = self.round_index, self.setup.threats
        date = self.rounds[r].date
        while self._threat_next < len(threats):
            t = threats[self._threat_next]
            due = t.round_index <= r if t.round_index is not None else date >= t.date
            if not due:
                return
            self._threat_next += 1
            c = t.credibility
            carried = c == 1.0 or (c > 0.0 and bool(self.rng.random() < c))
            before = float(self.no_deal[t.issue])
            if carried:
                old = self.utilities(self.no_deal)
                self.no_deal[t.issue] = t.no_deal
                delta = self.utilities(self.no_deal) - old
                for i in range(len(delta)):
                    self._shift_reservation(i, float(delta[i]))
            self.events.append(ThreatResolved(r, t.name, self.setup.space.issue_names[t.issue],
                                              carried, before, float(self.no_deal[t.issue])))

    def _shift_reservation(self, actor: int, delta: float) -> None:
        """Move ``actor``'s reservation by ``delta`` (kept in [0, 1]), remembered apart from what
        lobbying moves."""
        if self._reservation_shift is None:
            self._reservation_shift = np.zeros(len(self.reservation))
        before = float(self.reservation[actor])
        after = min(1.0, max(0.0, before + delta))
        self.reservation[actor] = after
        self._reservation_shift[actor] += after - before

    # -- records ------------------------------------------------------------------------------
    def government(self, index: int) -> GovernmentAgent:
        """The government agent of actor ``index``."""
        return self._by_index[index]

    def record_offer(
        self, offer: Offer, responses: dict, thresholds: dict, accepted: bool, ratified: bool
    ) -> None:
        """Record one offer and the answers to it (protocols call this once per offer).

        Every actor's utility of the offer is taken now, under the weights of the moment; the
        row's dict is built when :attr:`rows` is first read.
        """
        self.offers.append(offer)
        if self.beliefs is not None:  # the others learn from it (model.information)
            self.beliefs.observe(offer, self.round_index)
        self._raw_rows.append(
            (self.round_index, offer, self.utilities(offer.terms), responses, thresholds,
             accepted, ratified)
        )
        self._offer_reservations.append(self.reservation.copy())

    def last_answers(self) -> tuple[int, bool, bool, dict[str, str]] | None:
        """The latest offer's round number, whether it was accepted and ratified, and each
        responder's answer (None before any offer): :attr:`rows`' last record, without building
        the rows."""
        if not self._raw_rows:
            return None
        r, _, _, responses, _, accepted, ratified = self._raw_rows[-1]
        return (self.rounds[r].number, accepted, ratified,
                {k: v.value for k, v in responses.items()})

    @property
    def offer_reservations(self) -> list[np.ndarray]:
        """Every actor's reservation utility as each offer was judged, one array per offer
        (oldest first, as :attr:`rows`): what lobbying, threats and missed targets had made of it
        by then. :attr:`reservation` is the one at the end."""
        return list(self._offer_reservations)

    @property
    def table_utilities(self) -> np.ndarray | None:
        """Every actor's utility of the offer on the table, as recorded when it was made (under
        the weights of that moment, as in :attr:`rows`); None before the first offer."""
        return self._raw_rows[-1][2] if self._raw_rows else None

    @property
    def rows(self) -> list[dict]:
        """One record per offer, oldest first: round, date, proposer, the terms per issue, every
        actor's utility of them (``u_<name>``), the responses and the thresholds they were judged
        by, and whether the offer was accepted and ratified."""
        rows, raw = self._rows, self._raw_rows
        if len(rows) < len(raw):
            space, keys = self.setup.space, self.setup.start.row_keys
            for r, offer, utilities, responses, thresholds, accepted, ratified in raw[len(rows):]:
                rnd = self.rounds[r]
                values = [rnd.number, rnd.iso_date, offer.proposer,
                          *space.row_values(offer.terms), *utilities.tolist()]
                row = dict(zip(keys, values, strict=True))
                row["responses"] = {k: v.value for k, v in responses.items()}
                row["thresholds"] = thresholds
                row["accepted"] = accepted
                row["ratified"] = ratified
                rows.append(row)
        return rows

    def record_event(self, event: Event) -> None:
        """Record something that happened this round (a protocol's event, :mod:`model.events`)."""
        self.events.append(event)

    def finish(self, agreement: bool, terms: np.ndarray, reason: EndReason) -> None:
        """End the talks: ``terms`` agreed, or without a deal the no-deal terms in force now
        (:attr:`no_deal`, as threats carried out have left them, whatever ``terms`` says)."""
        if not agreement:
            terms = self.no_deal
        d = self.active_deadline()
        self.outcome = Outcome(agreement, self.round_index, terms, reason, d.name if d else None)
        self.running = False
        final = terms if agreement else (self.offers[-1].terms if self.offers else None)
        self.coalition_tracker.record(self.round_index + 1, final, self.prefs, self.reservation,
                                      phase="final", stance=False)

    def release(self) -> None:
        """Drop Mesa 3.3's class-level reference to this model (a no-op on Mesa ≥ 3.4.2).

        Mesa 3.3 keeps every model alive in ``Agent._ids``; sweeps call this after each run so
        memory stays flat.
        """
        ids = getattr(mesa.Agent, "_ids", None)  # gone in Mesa 3.5
        if ids is not None:
            ids.pop(self, None)

    # -- tables -------------------------------------------------------------------------------
    def rounds_table(self):
        """The per-round records as a pandas DataFrame (one row per round)."""
        import pandas as pd

        frame = pd.DataFrame(self.rows)
        for name in self.setup.actor_names:
            if self.setup.actor_names.index(name) not in self.setup.governments:
                continue
            frame[f"response_{name}"] = [r["responses"].get(name) for r in self.rows]
            frame[f"threshold_{name}"] = [r["thresholds"].get(name) for r in self.rows]
        return frame.drop(columns=["responses", "thresholds"])
