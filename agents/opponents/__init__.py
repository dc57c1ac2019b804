"""Opponent models: one explicit registry of what a government may believe of another, and how
the belief learns from offers (``tests/agents/test_opponents.py`` checks the registry as
``test_registry.py`` checks the strategies')."""

from bargaining_chips.agents.opponents.base import (
    OpponentModel,
    Prior,
    kendall_tau,
    weight_distance,
)
from bargaining_chips.agents.opponents.bayesian import BayesianModel
from bargaining_chips.agents.opponents.frequency import FrequencyModel
from bargaining_chips.agents.opponents.perfect import PerfectModel

OPPONENT_MODELS: tuple[type[OpponentModel], ...] = (FrequencyModel, BayesianModel, PerfectModel)

MODEL_REGISTRY: dict[str, type[OpponentModel]] = {cls.name: cls for cls in OPPONENT_MODELS}


def make_opponent_model(name: str, **params: object) -> OpponentModel:
    """Build a registered opponent model by name (parameters are validated by the class)."""
    return MODEL_REGISTRY[name](**params)


__all__ = [
    "MODEL_REGISTRY", "OPPONENT_MODELS", "BayesianModel", "FrequencyModel", "OpponentModel",
    "PerfectModel", "Prior", "kendall_tau", "make_opponent_model", "weight_distance",
]
