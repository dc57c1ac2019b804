"""The strategy library: one explicit registry of named, parameterised strategies.

Every strategy class is listed here once; ``tests/agents/test_registry.py`` checks that the names are
unique, every Strategy subclass is registered and every entry is documented.
"""

from bargaining_chips.agents.strategies.base import Game, LevelStrategy, ParameterError, Strategy
from bargaining_chips.agents.strategies.boa import Composition
from bargaining_chips.agents.strategies.concession import Boulware, Conceder, Linear, TimeDependent
from bargaining_chips.agents.strategies.equilibrium import BaronFerejohn, Rubinstein, Stahl
from bargaining_chips.agents.strategies.hardliner import Hardliner
from bargaining_chips.agents.strategies.noisy import Noisy
from bargaining_chips.agents.strategies.titfortat import TitForTat
from bargaining_chips.agents.strategies.zeuthen import Zeuthen

STRATEGIES: tuple[type[Strategy], ...] = (
    TimeDependent,
    Boulware,
    Linear,
    Conceder,
    TitForTat,
    Zeuthen,
    Hardliner,
    Noisy,
    Rubinstein,
    Stahl,
    BaronFerejohn,
    Composition,
)

REGISTRY: dict[str, type[Strategy]] = {cls.name: cls for cls in STRATEGIES}


def make_strategy(name: str, **params: object) -> Strategy:
    """Build a registered strategy by name (parameters are validated by the class)."""
    return REGISTRY[name](**params)


__all__ = [
    "REGISTRY", "STRATEGIES", "Game", "LevelStrategy", "ParameterError", "Strategy", "make_strategy",
]
