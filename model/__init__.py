"""The negotiation world: scenarios, issues and offers, utilities, protocol and calendar, the
NegotiationModel (a mesa.Model) and its metrics."""

from model.errors import ScenarioError, UserError
from model.loader import load_scenario, scenario_names
from model.negotiation import NegotiationModel, Outcome
from model.scenario import Scenario

__all__ = [
    "NegotiationModel",
    "Outcome",
    "Scenario",
    "ScenarioError",
    "UserError",
    "load_scenario",
    "scenario_names",
]
