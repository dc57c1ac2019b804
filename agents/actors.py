"""The Mesa agents: governments at the table and the firms behind them.

The model builds them and gives each what it needs; an agent imports nothing of the model. A
:class:`GovernmentAgent` negotiates through its strategy, which sees the talks only through the
:class:`~agents.view.NegotiationView` the government is handed. A :class:`FirmAgent` acts every
round before the offer is made: it re-evaluates the offer on the table against no deal (its
``stance``) and lobbies its home government. Firms push simultaneously, so the model applies their
pushes in one vectorised update (:mod:`model.lobbying` holds the dynamics).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from bargaining_chips.agents.messages import Offer, Response

if TYPE_CHECKING:
    import numpy as np

    from bargaining_chips.agents.strategies import Strategy
    from bargaining_chips.agents.view import NegotiationView


class GovernmentAgent(mesa.Agent):
    """A government at the table (actor ``index``): proposes and responds through ``strategy``,
    which sees the talks through ``view``."""

    def __init__(
        self, model: mesa.Model, index: int, view: NegotiationView, strategy: Strategy
    ) -> None:
        super().__init__(model)
        self.index = index
        self.actor_name = view.name
        self.view = view
        self.strategy = strategy

    def propose(self) -> np.ndarray:
        """The strategy's terms; a government that anticipates ratification keeps them inside
        its win-set (model.ratification)."""
        return self.view.keep_to_win_set(self.strategy.propose(self.view))

    def respond(self, offer: Offer) -> tuple[Response, float | None]:
        """The strategy's answer, and the threshold it judged by (None if it has none).

        A government that anticipates ratification turns down what home would not ratify.
        """
        answer, threshold = self.strategy.answer(self.view, offer)
        if answer is Response.ACCEPT and self.view.vetoes_at_table(offer):
            answer = Response.REJECT
        return answer, threshold


class FirmAgent(mesa.Agent):
    """A firm or domestic constituency (actor ``index``, called ``name``): it has preferences and
    pushes its home government (actor ``home``) with ``lobbying_power``."""

    def __init__(
        self, model: mesa.Model, index: int, name: str, home: int, lobbying_power: float
    ) -> None:
        super().__init__(model)
        self.index = index
        self.actor_name = name
        self.home = home
        self.lobbying_power = lobbying_power
        self.stance = 0.0  # utility of the offer on the table minus its reservation utility
