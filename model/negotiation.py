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

Records are tidy lists (one dict per round, per lobbying move, per event), turned into tables by
:meth:`rounds_table` only when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np
from bargaining_chips.agents.actors import FirmAgent, GovernmentAgent
from bargaining_chips.agents.messages import Offer
from bargaining_chips.agents.strategies import make_strategy
from bargaining_chips.model import lobbying
from bargaining_chips.model.coalitions import CoalitionTracker
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.protocols import PROTOCOLS
from bargaining_chips.model.ratification import Domestic
from bargaining_chips.model.scenario import Scenario
from bargaining_chips.model.view import TableView

from bargaining_chips.floats import dot

if TYPE_CHECKING:
    from bargaining_chips.model.compiled import Compiled


@dataclass(frozen=True)
class Outcome:
    """How the talks ended: ``terms`` are the agreed terms, or the no-deal values without a deal."""

    agreement: bool
    round_index: int  # 0-based index of the last round played
    terms: np.ndarray
    reason: str  # "accepted", "hard deadline", "deadline not extended", "walked away", "calendar end"
    deadline: str | None  # the deadline in force when talks ended


@dataclass(frozen=True)
class RunStart:
    """What every run of a compiled scenario starts from, built once and cached on it: the
    initial weights (pledges applied), their utility form (A, b) in a linear space (read-only:
    a model replaces the pair when lobbying moves its weights, never edits it), the offer plans
    under them (filled as runs ask for them; a plan depends only on the weights), and the keys of
    a per-offer row."""

    weights: np.ndarray
    linear_form: tuple[np.ndarray, np.ndarray] | None
    plans: dict
    row_keys: tuple[str, ...]

    @classmethod
    def of(cls, setup: Compiled) -> RunStart:
        cached = setup.__dict__.get("_run_start")
        if cached is None:
            weights = setup.lobbying.initial_weights
            form = None
            if setup.space.linear:
                form = setup.space.linear_form(weights)
                for array in form:
                    array.setflags(write=False)
            keys = ("round", "date", "proposer", *setup.space.issue_names,
                    *(f"u_{name}" for name in setup.actor_names))
            cached = cls(weights, form, {}, keys)
            object.__setattr__(setup, "_run_start", cached)
        return cached


class NegotiationModel(mesa.Model):
    """The negotiation world for one scenario and one seed.

    ``scenario`` is a loaded :class:`~model.scenario.Scenario` or a name/path to load. Attributes a
    user reads: ``rows`` (per-round records), ``lobby_moves``, ``events``, ``offers``, ``outcome``
    (None while talks go on), ``weights`` and ``reservation`` (current, after lobbying),
    ``coalition_tracker`` (the coalition graph's snapshots) and ``domestic`` (thresholds and votes).
    """

    def __init__(self, scenario: Scenario | str = "us_japan_2025", seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.spec = load_scenario(scenario) if isinstance(scenario, str) else scenario
        self.setup = self.spec.compiled
        self.seed = seed
        start = RunStart.of(self.setup)
        self.weights = start.weights.copy()  # pledges applied
        # Until lobbying moves the weights, every run of the scenario shares the utility form
        # and the offer plans of the initial weights (_refresh gives a model its own).
        self._plans = start.plans
        if self.setup.space.linear:
            self._lin_a, self._lin_b = start.linear_form
        self.reservation = self.setup.reservation.copy()
        self.round_index = 0
        self.deadline_index = 0  # index into setup.deadlines of the deadline in force
        self.offers: list[Offer] = []
        self._rows: list[dict] = []  # built from _raw_rows when read (see rows)
        self._raw_rows: list[tuple] = []
        self._lobby_log: list[tuple] = []  # one entry per round: see lobbying.lobby_round
        self._lobby_moves: list[lobbying.LobbyMove] = []
        self.events: list[dict] = []
        self.outcome: Outcome | None = None
        # The model builds its agents and hands each what it needs (the agents import nothing of
        # the model): a government its view of the talks and a fresh strategy object from the
        # scenario's strategy table, a firm its home and lobbying power.
        names, actors = self.setup.actor_names, self.spec.actors
        self.governments: list[GovernmentAgent] = []
        for i in self.setup.governments:
            plan = actors[names[i]].strategy
            strategy = make_strategy(plan.name, **plan.params)
            self.governments.append(GovernmentAgent(self, i, TableView(self, i), strategy))
        self.firms = [
            FirmAgent(self, i, names[i], self.setup.home[i], float(self.setup.lobbying_power[i]))
            for i in self.setup.firms
        ]
        self._by_index = {g.index: g for g in self.governments}
        self._row_keys = start.row_keys
        self.lobbying = self.setup.lobbying
        self.protocol = PROTOCOLS[self.spec.protocol.type]()
        self.coalition_tracker = CoalitionTracker(self)
        self.domestic = Domestic(self)

    # -- the round ----------------------------------------------------------------------------
    def step(self) -> None:
        """One dated round: lobbying, the protocol's play at the table, then the calendar."""
        self._play_round()

    def _play_round(self) -> None:
        if self.outcome is not None:
            return
        self.domestic.begin_round()
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
        subclass that overrides ``step()`` is run through its ``step()``.
        """
        limit = len(self.setup.rounds) if max_steps is None else max_steps
        direct = type(self).step is NegotiationModel.step  # else a subclass's step() is honoured
        for _ in range(limit):
            if self.outcome is not None:
                break
            if direct:
                self.steps += 1
                self._play_round()
            else:
                self.step()
        return self.outcome

    # -- lobbying and ratification ------------------------------------------------------------
    def lobby(self) -> None:
        """Update the coalition graph and let firms push their governments (model.lobbying)."""
        lobbying.lobby_round(self)

    @property
    def lobby_moves(self) -> list[lobbying.LobbyMove]:
        """One :class:`~model.lobbying.LobbyMove` per lobbying firm and round, oldest first
        (built from the per-round log when asked: records cost nothing while a run is playing)."""
        if len(self._lobby_moves) != len(self._lobby_log) * len(self.lobbying.firms):
            self._lobby_moves = lobbying.moves_from_log(self)
        return self._lobby_moves

    # -- utilities under the current weights ------------------------------------------------
    def _refresh(self) -> None:
        """Re-derive what depends on the weights; call after anything changes ``weights``."""
        self._plans = {}
        if self.setup.space.linear:
            self._lin_a, self._lin_b = self.setup.space.linear_form(self.weights)

    def utilities(self, terms: np.ndarray) -> np.ndarray:
        """Every actor's utility of ``terms`` under the current weights."""
        if self.setup.space.linear:
            return dot(self._lin_a, terms) + self._lin_b
        return self.setup.space.utilities(terms, self.weights)

    def utility(self, actor: int, terms: np.ndarray) -> float:
        """One actor's utility of ``terms`` under the current weights."""
        if self.setup.space.linear:
            return float(dot(self._lin_a[actor], terms) + self._lin_b[actor])
        return self.setup.space.utility(actor, terms, self.weights)

    def offer_at(self, actor: int, level: float, others: tuple[int, ...]) -> np.ndarray:
        """Efficient terms worth ``level`` to ``actor`` (UtilitySpace.offer_at, plan cached)."""
        key = (actor, others)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self.setup.space.plan(actor, self.weights, others)
        return self.setup.space.offer_from_plan(plan, level)

    def ratify(self, offer: Offer) -> bool:
        """Whether every government's domestic side ratifies ``offer`` (model.ratification).

        A government without a ratification table signs what it accepts at the table.
        """
        return self.domestic.ratify(offer)

    # -- calendar -----------------------------------------------------------------------------
    def active_deadline(self):
        deadlines = self.setup.deadlines
        return deadlines[self.deadline_index] if self.deadline_index < len(deadlines) else None

    def is_last_round(self) -> bool:
        """No round can follow this one: the calendar ends, or a deadline falls here that is hard or
        soft with extension probability 0 (certain to end the talks)."""
        r = self.round_index
        if r >= len(self.setup.rounds) - 1:
            return True
        d = self.active_deadline()
        return (
            d is not None and d.index == r
            and (d.kind == "hard" or d.extension_probability == 0.0)
        )

    def _check_calendar(self) -> None:
        r = self.round_index
        d = self.active_deadline()
        while d is not None and d.index == r and self.outcome is None:
            if d.kind == "hard":
                self.event("deadline", deadline=d.name, extended=False, hard=True)
                self.finish(False, self.setup.space.no_deal, "hard deadline")
                return
            extended = bool(self.rng.random() < d.extension_probability)
            self.event("deadline", deadline=d.name, extended=extended, hard=False)
            if not extended:
                self.finish(False, self.setup.space.no_deal, "deadline not extended")
                return
            self.deadline_index += 1
            d = self.active_deadline()
        if self.outcome is None and r >= len(self.setup.rounds) - 1:
            self.finish(False, self.setup.space.no_deal, "calendar end")

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
        self._raw_rows.append(
            (self.round_index, offer, self.utilities(offer.terms), responses, thresholds,
             accepted, ratified)
        )

    def last_answers(self) -> tuple[int, bool, bool, dict[str, str]] | None:
        """The latest offer's round number, whether it was accepted and ratified, and each
        responder's answer (None before any offer): :attr:`rows`' last record, without building
        the rows."""
        if not self._raw_rows:
            return None
        r, _, _, responses, _, accepted, ratified = self._raw_rows[-1]
        return (self.setup.rounds[r].number, accepted, ratified,
                {k: v.value for k, v in responses.items()})

    @property
    def rows(self) -> list[dict]:
        """One record per offer, oldest first: round, date, proposer, the terms per issue, every
        actor's utility of them (``u_<name>``), the responses and the thresholds they were judged
        by, and whether the offer was accepted and ratified."""
        rows, raw = self._rows, self._raw_rows
        if len(rows) < len(raw):
            space, keys = self.setup.space, self._row_keys
            for r, offer, utilities, responses, thresholds, accepted, ratified in raw[len(rows):]:
                rnd = self.setup.rounds[r]
                values = [rnd.number, rnd.iso_date, offer.proposer,
                          *space.row_values(offer.terms), *utilities.tolist()]
                row = dict(zip(keys, values, strict=True))
                row["responses"] = {k: v.value for k, v in responses.items()}
                row["thresholds"] = thresholds
                row["accepted"] = accepted
                row["ratified"] = ratified
                rows.append(row)
        return rows

    def event(self, kind: str, **data) -> None:
        self.events.append({"round": self.round_index + 1, "type": kind, **data})

    def finish(self, agreement: bool, terms: np.ndarray, reason: str) -> None:
        d = self.active_deadline()
        self.outcome = Outcome(agreement, self.round_index, terms, reason, d.name if d else None)
        self.running = False
        final = terms if agreement else (self.offers[-1].terms if self.offers else None)
        self.coalition_tracker.record(self, final, phase="final", stance=False)

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
