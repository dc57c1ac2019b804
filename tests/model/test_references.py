"""Cross-reference checks (model/references.py): a strategy's declared games against the scenario.

The messages name the strategy, what its game needs and the fix; the fields are checked through
``load_scenario`` in tests/agents/test_equilibrium.py and tests/model/test_theory_protocols.py.
"""

from __future__ import annotations

import pytest

from bargaining_chips.agents.strategies import Game, Strategy
from bargaining_chips.model import load_scenario
from bargaining_chips.model.references import game_problem


class _Bilateral(Strategy):
    name = "bilateral_only"
    games = (Game("alternating", governments=2),)


class _Either(Strategy):
    name = "either"
    games = (Game("majority", common_discount=True), Game("alternating", governments=2))


@pytest.fixture(scope="module")
def scenarios(fixture_path):
    return {
        "two alternating": load_scenario("rubinstein"),
        "two monotonic": load_scenario("nash_split"),
        "three majority": load_scenario("baron_ferejohn_3"),
        "three alternating": load_scenario(fixture_path("three_governments")),
    }


def test_a_strategy_without_declared_games_plays_anywhere(scenarios):
    assert all(game_problem(Strategy, spec) is None for spec in scenarios.values())


def test_a_declared_game_is_played(scenarios):
    assert game_problem(_Bilateral, scenarios["two alternating"]) is None
    assert game_problem(_Either, scenarios["two alternating"]) is None
    assert game_problem(_Either, scenarios["three majority"]) is None


def test_the_wrong_protocol_names_the_protocol_to_set(scenarios):
    problem = game_problem(_Bilateral, scenarios["two monotonic"])
    assert problem == ("the strategy 'bilateral_only' is an equilibrium of alternating offers; "
                       'set protocol.type = "alternating"')


def test_the_wrong_table_names_the_number_of_governments(scenarios):
    problem = game_problem(_Bilateral, scenarios["three alternating"])
    assert problem == ("the strategy 'bilateral_only' is an equilibrium between two governments; "
                       "the scenario has 3")


def test_the_fix_suggested_is_a_game_the_table_can_be(scenarios):
    """Three governments cannot play the bilateral game, so majority rule is suggested."""
    problem = game_problem(_Either, scenarios["three alternating"])
    assert problem == ("the strategy 'either' is an equilibrium of majority rule (or, between two "
                       'governments, of alternating offers); set protocol.type = "majority"')


def test_a_game_that_needs_one_discount_factor_refuses_several(scenarios):
    heuristic = {f"actors.L{k}.strategy.name": "hardliner" for k in (1, 2, 3)}
    spec = load_scenario("baron_ferejohn_3", {**heuristic, "actors.L1.discount": 0.5})
    assert "common discount factor" in game_problem(_Either, spec)
    assert game_problem(_Either, scenarios["three majority"]) is None
