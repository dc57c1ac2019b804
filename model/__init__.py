"""The negotiation world: scenarios, issues and offers, utilities, protocol and calendar, the
NegotiationModel (a mesa.Model) and its metrics."""

from bargaining_chips.model.errors import ScenarioError, UserError
from bargaining_chips.model.loader import load_scenario, scenario_names
from bargaining_chips.model.negotiation import NegotiationModel, Outcome
from bargaining_chips.model.scenario import Scenario

__all__ = [
    "NegotiationModel",
    "Outcome",
    "Scenario",
    "ScenarioError",
    "UserError",
    "load_scenario",
    "scenario_names",
]
