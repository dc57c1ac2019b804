"""Mesa agents (governments and firms) and the strategy library governments negotiate with."""

from agents.actors import FirmAgent, GovernmentAgent

__all__ = ["FirmAgent", "GovernmentAgent"]
