"""What a strategy sees: a read-only window on the negotiation for one government.

Strategies never reach into the model. They see the round, their relative time, the offers made so
far, their own and the other governments' current utilities (information is complete: preferences
at the table are common knowledge, a stated assumption of the model, see docs/ODD.md), their
reservation utility, and the model's seeded random generator for stochastic play.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from bargaining_chips.agents.messages import Offer

if TYPE_CHECKING:
    from bargaining_chips.model.negotiation import NegotiationModel


class NegotiationView:
    def __init__(self, model: NegotiationModel, actor: int) -> None:
        self._model = model
        self.actor = actor
        self.name = model.setup.actor_names[actor]
        self.opponents = tuple(g for g in model.setup.governments if g != actor)

    def index_of(self, name: str) -> int:
        """The index of the actor called ``name``."""
        return self._model.setup.index(name)

    # -- time ---------------------------------------------------------------------------------
    @property
    def round_index(self) -> int:
        """0-based index of the current round."""
        return self._model.round_index

    def relative_time(self, round_index: int | None = None) -> float:
        """This actor's relative time (0 at the first round, 1 at its believed deadline)."""
        r = self._model.round_index if round_index is None else round_index
        return self._model.setup.relative_time(self.actor, r)

    @property
    def t(self) -> float:
        return self.relative_time()

    @property
    def is_last_round(self) -> bool:
        """True when no round can follow this one (a hard deadline or the calendar's end)."""
        return self._model.is_last_round()

    @property
    def last_round_index(self) -> int:
        """The latest round (0-based) the talks can reach: the calendar's end or the first deadline
        still ahead that is certain to end them (hard, or soft with extension probability 0),
        whichever comes first. (Any other soft deadline may end the talks earlier with its
        probability; strategies that plan to a horizon treat it as extended.)"""
        setup = self._model.setup
        last = len(setup.rounds) - 1
        for d in setup.deadlines[self._model.deadline_index:]:
            certain = d.kind == "hard" or d.extension_probability == 0.0
            if certain and d.index >= self._model.round_index:
                return min(last, d.index)
        return last

    def proposer_at(self, round_index: int) -> int | None:
        """Who proposes in round ``round_index``, if the protocol fixes it in advance (None when
        every government proposes each round, or when the proposer is drawn at random)."""
        return self._model.protocol.proposer(self._model, round_index)

    @property
    def governments(self) -> tuple[int, ...]:
        """The indices of the governments at the table, this one included, in file order."""
        return self._model.setup.governments

    def recognition_probability(self, actor: int) -> float:
        """The probability that ``actor`` is the proposer in a round (the protocol's rule)."""
        return self._model.protocol.recognition(self._model).get(actor, 0.0)

    @property
    def votes_needed(self) -> int:
        """How many governments, the proposer included, must accept a proposal."""
        return self._model.protocol.votes_needed(self._model)

    @property
    def rng(self) -> np.random.Generator:
        """The model's seeded generator: the only source of randomness a strategy may use."""
        return self._model.rng

    # -- preferences --------------------------------------------------------------------------
    @property
    def issue_names(self) -> tuple[str, ...]:
        """The issues, in the order of every terms array."""
        return self._model.setup.space.issue_names

    @property
    def weights_key(self) -> bytes:
        """A fingerprint of every actor's current weights: equal while lobbying has not moved
        them, so a strategy may cache what it derives from the utilities under it."""
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
        """Actor ``actor``'s discount factor δ (an agreement in round r is worth δ^(r−1))."""
        return float(self._model.setup.discount[actor])

    @property
    def budget(self) -> float | None:
        """The size of the budget in a division game (``protocol.budget``), else None."""
        return self._model.spec.protocol.budget

    def share_issue_of(self, actor: int) -> int | None:
        """The issue ``actor``'s utility rests on entirely (its share in a division game), or None
        when it weights several issues."""
        row = self._model.weights[actor]
        top = int(np.argmax(row))
        return top if row[top] >= 1.0 - 1e-12 else None

    def bargaining_power_of(self, actor: int) -> float:
        """Actor ``actor``'s weight in the generalised Nash product (``bargaining_power``)."""
        name = self._model.setup.actor_names[actor]
        return float(self._model.spec.actors[name].bargaining_power)

    def utility(self, terms: np.ndarray) -> float:
        return self.utility_of(self.actor, terms)

    def utility_of(self, actor: int, terms: np.ndarray) -> float:
        return self._model.utility(actor, terms)

    def offer_at(self, level: float) -> np.ndarray:
        """Efficient terms worth ``level`` to this actor (see UtilitySpace.offer_at)."""
        return self._model.offer_at(self.actor, level, self.opponents)

    def offer_for(self, actor: int, level: float) -> np.ndarray:
        """The efficient terms ``actor`` would offer at ``level``: worth ``level`` to it, as much as
        possible to the other governments. Lets a strategy reason about the others' offers
        (backward induction needs what each side would propose in each round)."""
        others = tuple(g for g in self._model.setup.governments if g != actor)
        return self._model.offer_at(actor, level, others)

    # -- history ------------------------------------------------------------------------------
    @property
    def history(self) -> list[Offer]:
        """Every offer made so far, oldest first."""
        return self._model.offers

    def last_offer_by(self, actor: int | None = None, before: int = 0) -> Offer | None:
        """The latest offer by ``actor`` (default: this actor), skipping ``before`` newer ones."""
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
        """Whether this government's negotiators keep to what home will ratify (its agent then
        pulls proposals into the win-set and turns down what home would reject)."""
        return self._model.domestic.anticipating.get(self.actor, False)

    def approval(self, terms: np.ndarray) -> float | None:
        """The share of political weight at home that would approve ``terms`` (None without a
        ratification table)."""
        domestic = self._model.domestic
        return domestic.approval(self.actor, terms)[0] if domestic.has(self.actor) else None

    def ratifiable(self, terms: np.ndarray) -> bool:
        """Whether home would ratify ``terms`` now (always True without a ratification table)."""
        return self._model.domestic.ratifiable(self.actor, terms)

    def within_win_set(self, terms: np.ndarray) -> np.ndarray:
        """``terms`` pulled towards this government's side until home would ratify them."""
        return self._model.domestic.within_win_set(self.actor, terms)
