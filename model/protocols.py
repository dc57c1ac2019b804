"""Negotiation protocols: how one round is played at the table.

A protocol is a small class with a registered ``name`` and one method, ``play_round(model)``, which
asks the governments' strategies for offers and answers (through the agents), records the round with
``model.record_offer`` and ends the talks with ``model.finish`` when a deal is struck or someone walks
away. Lobbying before the round and the calendar after it belong to the model, the same for every
protocol. ``protocol.type`` in the scenario picks the protocol from :data:`PROTOCOLS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from model.messages import Offer, Response

if TYPE_CHECKING:
    from model.negotiation import NegotiationModel


class Protocol:
    name: ClassVar[str] = ""

    def play_round(self, model: NegotiationModel) -> None:
        raise NotImplementedError


class AlternatingOffers(Protocol):
    """Rubinstein's (1982) alternating offers, generalised to any number of governments.

    The proposer rotates through ``protocol.order`` (by default the governments in file order);
    every other government answers. All must accept, and the deal must pass every government's
    ratification, for an agreement; one walking away ends the talks without a deal.
    """

    name = "alternating"

    def play_round(self, model: NegotiationModel) -> None:
        order = model.setup.proposer_order
        proposer = model.government(order[model.round_index % len(order)])
        space = model.setup.space
        terms = space.clip(proposer.propose())
        offer = Offer(proposer.actor_name, model.round_index + 1, terms)
        answers = {g.actor_name: g.respond(offer) for g in model.governments if g is not proposer}
        responses = {name: answer[0] for name, answer in answers.items()}
        thresholds = {name: answer[1] for name, answer in answers.items()}
        accepted = all(v is Response.ACCEPT for v in responses.values())
        ratified = accepted and model.ratify(offer)
        model.record_offer(offer, responses, thresholds, accepted, ratified)
        if any(v is Response.WALK_AWAY for v in responses.values()):
            model.finish(False, space.no_deal, "walked away")
        elif ratified:
            model.finish(True, terms, "accepted")


PROTOCOLS: dict[str, type[Protocol]] = {cls.name: cls for cls in (AlternatingOffers,)}
