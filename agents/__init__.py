"""Mesa agents (governments and firms) and the strategy library governments negotiate with."""

from bargaining_chips.agents.actors import FirmAgent, GovernmentAgent

__all__ = ["FirmAgent", "GovernmentAgent"]
