"""Mesa agents (governments and firms) and the strategy library governments negotiate with.

The bottom layer of the package, above only :mod:`bargaining_chips.floats`: it imports nothing of
the model. The model builds the agents and hands each what it needs; a strategy sees the talks
only through the :class:`~agents.view.NegotiationView` it is handed (the model implements it), and
the messages it exchanges (:mod:`agents.messages`) are defined here, for both sides to use.
"""

from bargaining_chips.agents.actors import FirmAgent, GovernmentAgent

__all__ = ["FirmAgent", "GovernmentAgent"]
