"""The model's side of what a strategy sees: :class:`TableView`, a government's window on the talks.

:class:`~agents.view.NegotiationView` (on the agents' side) declares what a strategy may read;
:class:`TableView` implements it by reading the model's public state, live (the round, the offers,
the weights and reservations lobbying has moved, the domestic side) and never writing it. The model
builds one per government and hands it to the government's agent. Under private information
(``protocol.information = "private"``) it builds a :class:`BeliefView` instead, which reads the other
governments off the government's beliefs (:mod:`model.information`).

The view reads the model through :class:`Viewed`, a structural type that declares the members it
uses, so this module does not import the model's (which imports this one). Its utility and offer
calls are on every run's hot path: each is one call into the model, nothing cached here.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.agents.view import NegotiationView
from bargaining_chips.model.protocols import Protocol, Table

if TYPE_CHECKING:
    from bargaining_chips.agents.messages import Offer
    from bargaining_chips.model.information import Beliefs
    from bargaining_chips.model.ratification import Domestic
    from bargaining_chips.model.utility import Preferences


class Viewed(Table, typing.Protocol):
    """What a view reads of the model beyond what a protocol uses (:class:`~model.protocols.Table`):
    the current weights and reservations, the offers so far, the deadline in force, the protocol
    and the domestic side, and the model's offer and calendar queries."""

    weights: np.ndarray
    reservation: np.ndarray
    offers: list[Offer]
    deadline_index: int  # index into deadlines of the first not yet passed
    rounds: list  # the calendar as it unfolds (model.calendar.Round)
    protocol: Protocol
    domestic: Domestic

    prefs: Preferences  # the actors' utility functions now

    def is_last_round(self) -> bool: ...

    def relative_time(self, actor: int, round_index: int) -> float: ...

    def final_deadline_index(self) -> int | None: ...

    def keep_to_win_set(self, g: int, terms: np.ndarray) -> np.ndarray: ...

    def vetoes_at_table(self, g: int, offer: Offer) -> bool: ...


class TableView(NegotiationView):
    """Government ``actor``'s view of the model ``model`` (see :class:`~agents.view.NegotiationView`
    for what each member means)."""

    def __init__(self, model: Viewed, actor: int) -> None:
        self._model = model
        self._prefs = model.prefs  # the run's one Preferences object (lobbying moves it in place)
        self.actor = actor
        self.name = model.setup.actor_names[actor]
        self.opponents = tuple(g for g in model.setup.governments if g != actor)

    def index_of(self, name: str) -> int:
        return self._model.setup.index(name)

    # -- time ---------------------------------------------------------------------------------
    @property
    def round_index(self) -> int:
        return self._model.round_index

    def relative_time(self, round_index: int | None = None) -> float:
        r = self._model.round_index if round_index is None else round_index
        return self._model.relative_time(self.actor, r)

    @property
    def t(self) -> float:
        return self.relative_time()

    @property
    def is_last_round(self) -> bool:
        return self._model.is_last_round()

    @property
    def last_round_index(self) -> int:
        last = len(self._model.rounds) - 1
        final = self._model.final_deadline_index()
        return last if final is None else min(last, final)

    # -- the protocol -------------------------------------------------------------------------
    def proposer_at(self, round_index: int) -> int | None:
        return self._model.protocol.proposer(self._model.setup, round_index)

    @property
    def governments(self) -> tuple[int, ...]:
        return self._model.setup.governments

    def recognition_probability(self, actor: int) -> float:
        return self._model.protocol.recognition(self._model.setup).get(actor, 0.0)

    @property
    def votes_needed(self) -> int:
        return self._model.protocol.votes_needed(self._model.setup)

    @property
    def rng(self) -> np.random.Generator:
        return self._model.rng

    # -- preferences --------------------------------------------------------------------------
    @property
    def issue_names(self) -> tuple[str, ...]:
        return self._model.setup.space.issue_names

    @property
    def weights_key(self) -> bytes:
        return self._model.weights.tobytes()

    @property
    def reservation(self) -> float:
        return float(self._model.reservation[self.actor])

    def reservation_of(self, actor: int) -> float:
        return float(self._model.reservation[actor])

    @property
    def discount(self) -> float:
        return float(self._model.setup.discount[self.actor])

    def discount_of(self, actor: int) -> float:
        return float(self._model.setup.discount[actor])

    @property
    def budget(self) -> float | None:
        return self._model.spec.protocol.budget

    def share_issue_of(self, actor: int) -> int | None:
        row = self._model.weights[actor]
        top = int(np.argmax(row))
        return top if row[top] >= 1.0 - 1e-12 else None

    def bargaining_power_of(self, actor: int) -> float:
        name = self._model.setup.actor_names[actor]
        return float(self._model.spec.actors[name].bargaining_power)

    def utility(self, terms: np.ndarray) -> float:
        return self.utility_of(self.actor, terms)

    def weights_of(self, actor: int) -> np.ndarray:
        return self._model.weights[actor]

    @property
    def issue_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        space = self._model.setup.space
        return space.lo, space.span

    def utility_of(self, actor: int, terms: np.ndarray) -> float:
        return self._prefs.utility(actor, terms)

    def offer_at(self, level: float) -> np.ndarray:
        return self._prefs.offer_at(self.actor, level, self.opponents)

    def offer_for(self, actor: int, level: float) -> np.ndarray:
        others = tuple(g for g in self._model.setup.governments if g != actor)
        return self._prefs.offer_at(actor, level, others)

    # -- history ------------------------------------------------------------------------------
    @property
    def history(self) -> list[Offer]:
        return self._model.offers

    def last_offer_by(self, actor: int | None = None, before: int = 0) -> Offer | None:
        name = self.name if actor is None else self._model.setup.actor_names[actor]
        seen = 0
        for offer in reversed(self._model.offers):
            if offer.proposer == name:
                if seen == before:
                    return offer
                seen += 1
        return None

    # -- the domestic side (model.ratification) -----------------------------------------------
    @property
    def anticipates_ratification(self) -> bool:
        return self._model.domestic.anticipating.get(self.actor, False)

    def approval(self, terms: np.ndarray) -> float | None:
        domestic = self._model.domestic
        return domestic.approval(self.actor, terms)[0] if domestic.has(self.actor) else None

    def ratifiable(self, terms: np.ndarray) -> bool:
        return self._model.domestic.ratifiable(self.actor, terms)

    def within_win_set(self, terms: np.ndarray) -> np.ndarray:
        return self._model.domestic.within_win_set(self.actor, terms)

    def keep_to_win_set(self, terms: np.ndarray) -> np.ndarray:
        return self._model.keep_to_win_set(self.actor, terms)

    def vetoes_at_table(self, offer: Offer) -> bool:
        return self._model.vetoes_at_table(self.actor, offer)


class BeliefView(TableView):
    """Government ``actor``'s view under private information: its own utility, reservation and
    domestic side as in :class:`TableView`; of every other government, what it believes
    (:class:`~model.information.Beliefs`): their utilities, reservations and the efficient offers
    between them are read off its belief, which learns from their offers."""

    def __init__(self, model: Viewed, actor: int, beliefs: Beliefs) -> None:
        super().__init__(model, actor)
        self._beliefs = beliefs

    @property
    def weights_key(self) -> bytes:
        version = self._beliefs.version(self.actor).to_bytes(8, "little")
        return self._model.weights.tobytes() + version

    def reservation_of(self, actor: int) -> float:
        if actor == self.actor:
            return float(self._model.reservation[actor])
        return float(self._beliefs.view_of(self.actor)[1][actor])

    def share_issue_of(self, actor: int) -> int | None:
        row = self._beliefs.view_of(self.actor)[0].weights[actor]
        top = int(np.argmax(row))
        return top if row[top] >= 1.0 - 1e-12 else None

    def utility_of(self, actor: int, terms: np.ndarray) -> float:
        if actor == self.actor:
            return self._prefs.utility(actor, terms)
        return self._beliefs.view_of(self.actor)[0].utility(actor, terms)

    def weights_of(self, actor: int) -> np.ndarray:
        if actor == self.actor:
            return self._model.weights[actor]
        return self._beliefs.view_of(self.actor)[0].weights[actor]

    def offer_at(self, level: float) -> np.ndarray:
        return self._beliefs.view_of(self.actor)[0].offer_at(self.actor, level, self.opponents)

    def offer_for(self, actor: int, level: float) -> np.ndarray:
        others = tuple(g for g in self._model.setup.governments if g != actor)
        return self._beliefs.view_of(self.actor)[0].offer_at(actor, level, others)
