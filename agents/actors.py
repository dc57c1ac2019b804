"""The Mesa agents: governments at the table and the firms behind them.

A :class:`GovernmentAgent` negotiates through its strategy. A :class:`FirmAgent` acts every round
before the offer is made: it re-evaluates the offer on the table against no deal (its ``stance``)
and lobbies its home government. Firms push simultaneously, so the model applies their pushes in one
vectorised update (:mod:`model.lobbying` holds the dynamics).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies import Strategy, make_strategy
from bargaining_chips.agents.view import NegotiationView

if TYPE_CHECKING:
    from bargaining_chips.model.negotiation import NegotiationModel


class GovernmentAgent(mesa.Agent):
    """A government at the table: proposes and responds through its strategy."""

    def __init__(self, model: NegotiationModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.actor_name = model.setup.actor_names[index]
        spec = model.spec.actors[self.actor_name].strategy
        self.strategy: Strategy = make_strategy(spec.name, **spec.params)
        self.view = NegotiationView(model, index)

    def propose(self) -> np.ndarray:
        """The strategy's terms; a government that anticipates ratification keeps them inside
        its win-set (model.ratification)."""
        return self.model.domestic.keep_to_win_set(self.index, self.strategy.propose(self.view))

    def respond(self, offer: Offer) -> tuple[Response, float | None]:
        """The strategy's answer, and the threshold it judged by (None if it has none).

        A government that anticipates ratification turns down what home would not ratify.
        """
        answer, threshold = self.strategy.answer(self.view, offer)
        if answer is Response.ACCEPT and self.model.domestic.vetoes_at_table(self.index, offer):
            answer = Response.REJECT
        return answer, threshold


class FirmAgent(mesa.Agent):
    """A firm or domestic constituency: it has preferences and pushes its home government."""

    def __init__(self, model: NegotiationModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.actor_name = model.setup.actor_names[index]
        self.home = model.setup.home[index]
        self.lobbying_power = float(model.setup.lobbying_power[index])
        self.stance = 0.0  # utility of the offer on the table minus its reservation utility
