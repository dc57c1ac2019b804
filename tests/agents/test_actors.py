"""The Mesa agents (agents/actors.py): governments negotiate through their strategy, firms keep a
stance and lobby."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from bargaining_chips.agents.actors import FirmAgent, GovernmentAgent
from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies import REGISTRY
from bargaining_chips.model import NegotiationModel, load_scenario


def test_governments_get_the_strategy_named_in_the_scenario():
    model = NegotiationModel(
        load_scenario("us_japan_2025", {"actors.Japan.strategy.beta": 0.5}), seed=0
    )
    us, japan = model.governments
    assert isinstance(us, GovernmentAgent)
    assert type(us.strategy) is REGISTRY["boulware"] and us.strategy.beta == 0.3
    assert type(japan.strategy) is REGISTRY["noisy"]
    assert (japan.strategy.beta, japan.strategy.sigma) == (0.5, 0.08)
    assert japan.view.name == "Japan"
    assert japan.view.opponents == (model.setup.index("US"),)


def test_each_run_gets_its_own_strategy_objects():
    a, b = NegotiationModel("us_japan_2025", seed=0), NegotiationModel("us_japan_2025", seed=0)
    assert a.governments[0].strategy is not b.governments[0].strategy


def test_respond_returns_the_answer_and_the_threshold(fixture_path):
    """What the model records for an answer is the strategy's response and its threshold now."""
    model = NegotiationModel(load_scenario(fixture_path("bilateral")), seed=0)
    model.step()
    b = model.governments[1]
    assert model.rows[0]["responses"]["B"] == "reject"
    offer = model.offers[0]
    answer, threshold = b.respond(offer)
    assert answer is Response.REJECT is b.strategy.respond(b.view, offer)
    assert threshold == pytest.approx(b.strategy.acceptance_threshold(b.view, offer))
    assert threshold > b.view.utility(offer.terms)


def test_firms_know_their_home_and_power():
    model = NegotiationModel("us_japan_2025", seed=0)
    toyota = next(f for f in model.firms if f.actor_name == "Toyota")
    assert isinstance(toyota, FirmAgent)
    assert model.setup.actor_names[toyota.home] == "Japan"
    assert toyota.lobbying_power == 0.6
    assert toyota.stance == 0.0
    model.step()
    model.step()
    # After round 2 began only Japan's own opening is on the table: Toyota judges the other side's
    # offers, so it has no stance yet.
    assert toyota.stance == 0.0
    model.step()
    # After round 3 began: its utility of the US's offer of round 2 minus its reservation (0.4).
    us_offer = model.offers[1]
    assert us_offer.proposer == "US"
    t = model.setup.index("Toyota")
    assert toyota.stance == pytest.approx(model.utility(t, us_offer.terms) - 0.4)


class _Home:
    """A view scripted for the domestic constraint: home pulls every proposal to ``pulled`` and
    vetoes every offer at the table (only the members the agent and the strategy below use)."""

    name = "A"

    def __init__(self, pulled: np.ndarray) -> None:
        self.pulled = pulled
        self.asked: list[str] = []

    def keep_to_win_set(self, terms: np.ndarray) -> np.ndarray:
        self.asked.append("keep_to_win_set")
        return self.pulled

    def vetoes_at_table(self, offer: Offer) -> bool:
        self.asked.append("vetoes_at_table")
        return True


def test_a_government_applies_its_home_through_the_view_it_is_handed(scripted):
    """The agent needs no model of ours: any mesa.Model, the view it is handed and a strategy."""
    pulled = np.array([0.25])
    view = _Home(pulled)
    agent = GovernmentAgent(mesa.Model(rng=0), 0, view, scripted(terms=[[1.0]],
                                                                  responses=[Response.ACCEPT]))
    assert agent.actor_name == "A"
    assert agent.propose() is pulled
    answer, threshold = agent.respond(Offer("B", 1, np.array([0.5])))
    assert answer is Response.REJECT and threshold is None
    assert view.asked == ["keep_to_win_set", "vetoes_at_table"]
