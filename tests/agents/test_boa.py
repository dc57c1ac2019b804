"""BOA compositions (agents.strategies.boa): bidding × opponent model × acceptance condition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining_chips.agents.strategies import ParameterError
from bargaining_chips.agents.strategies.boa import Composition, trade_off
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.errors import ScenarioError


def play(strategy, scenario="us_japan_2025", seed=0, **over):
    m = NegotiationModel(load_scenario(scenario, {"actors.Japan.strategy": strategy, **over}
                                       if scenario == "us_japan_2025" else
                                       {"actors.Buyer.strategy": strategy, **over}), seed=seed)
    m.run()
    return m


@pytest.mark.parametrize("family", ["linear", "boulware", "conceder", "tit_for_tat", "time_dependent"])
def test_a_family_with_ac_next_plays_as_the_named_strategy(family):
    for seed in (0, 7):
        named = play({"name": family}, seed=seed)
        composed = play({"bidding": family, "accept": "ac_next"}, seed=seed)
        assert named.rows == composed.rows


def test_a_composition_names_its_opponent_model():
    m = play({"bidding": "boulware", "model": "frequency"}, **{"protocol.information": "private"})
    japan, us = m.setup.index("Japan"), m.setup.index("US")
    assert m.beliefs.model_of(japan, us).name == "frequency"
    assert m.beliefs.model_of(us, japan).name == "bayesian"  # the US's default prior


def test_acceptance_conditions():
    syn = "synthetic_5"
    const = play({"bidding": "hardliner", "accept": "ac_const", "accept_params": {"c": 0.3}},
                 scenario=syn)
    hard = play({"name": "hardliner"}, scenario=syn)
    assert const.outcome.agreement and not hard.outcome.agreement  # a low constant accepts
    buyer = const.setup.index("Buyer")
    assert const.prefs.utility(buyer, const.outcome.terms) >= 0.3
    late = play({"bidding": "hardliner", "accept": "ac_time", "accept_params": {"T": 0.5}},
                scenario=syn)
    assert late.outcome.agreement
    assert late.setup.relative_time(buyer, late.outcome.round_index) >= 0.5
    combi = play({"bidding": "boulware", "accept": "ac_combi", "accept_params": {"T": 0.0}},
                 scenario=syn)
    nxt = play({"bidding": "boulware", "accept": "ac_next"}, scenario=syn)
    assert combi.outcome.round_index <= nxt.outcome.round_index  # MAX accepts no later


def test_the_trade_off_is_at_the_level_and_at_least_as_similar_as_the_efficient_offer():
    m = NegotiationModel("us_japan_2025", seed=0, overrides={
        "actors.Japan.strategy": {"bidding": "trade_off"}})
    for _ in range(3):
        m.step()
    view = m.government(m.setup.index("Japan")).view
    their = view.last_offer_by(m.setup.index("US"))
    w = view.weights_of(m.setup.index("US"))
    _, span = view.issue_bounds
    eff = view.offer_at(0.7)
    y = trade_off(view, 0.7, eff, their)
    assert view.utility(y) >= 0.7 - 1e-9
    d = lambda x: float(np.sum(w * np.abs(x - their.terms) / span))  # noqa: E731
    assert d(y) <= d(eff)


def _full_trade_off(view, level, efficient, their):
    """The trade-off's search without its early stop: every anchor worth the level bisected for
    30 steps, the most similar point found kept (Faratin, Sierra & Jennings 2002)."""
    o = view.index_of(their.proposer)
    w, (_, span), x_o = view.weights_of(o), view.issue_bounds, their.terms
    best_terms = view.offer_at(1.0)
    anchors = [best_terms]
    for j in range(len(x_o)):
        one, rest = x_o.copy(), best_terms.copy()
        one[j], rest[j] = best_terms[j], x_o[j]
        anchors += [one, rest]
    best, best_d = efficient, float(np.sum(w * np.abs(efficient - x_o) / span))
    for anchor in anchors:
        if view.utility(anchor) < level:
            continue
        a, b = 0.0, 1.0
        for _ in range(30):
            mid = 0.5 * (a + b)
            a, b = (a, mid) if view.utility(x_o + mid * (anchor - x_o)) >= level else (mid, b)
        y = x_o + b * (anchor - x_o)
        d = float(np.sum(w * np.abs(y - x_o) / span))
        if d < best_d and view.utility(y) >= level - 1e-12:
            best, best_d = y, d
    return best


@settings(max_examples=40, deadline=None)
@given(synthetic=st.booleans(), private=st.booleans(), seed=st.integers(0, 50),
       rounds=st.integers(1, 6), above=st.floats(0.0, 0.7))
def test_the_trade_off_stops_early_only_where_it_could_not_win(synthetic, private, seed, rounds,
                                                              above):
    """The search drops an anchor once no point left on its way can be more similar than the
    best found: it returns what the full search returns, bit for bit. The level is ``above``
    of the way from the opponent's offer's utility to 1 (near it, an anchor's point wins)."""
    me, other = ("Seller", "Buyer") if synthetic else ("Japan", "US")
    over = {f"actors.{me}.strategy": {"bidding": "trade_off"},
            "protocol.information": "private" if private else "complete"}
    m = NegotiationModel(load_scenario("synthetic_5" if synthetic else "us_japan_2025", over),
                         seed=seed)
    for _ in range(rounds):
        if not m.running:
            break
        m.step()
    view = m.government(m.setup.index(me)).view
    their = view.last_offer_by(m.setup.index(other))
    if their is None:
        return
    level = view.utility(their.terms) + above * (1.0 - view.utility(their.terms))
    eff = view.offer_at(level)
    assert trade_off(view, level, eff, their).tolist() == _full_trade_off(
        view, level, eff, their).tolist()


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"bidding": "psychic"}, "bidding"), ({"accept": "ac_never"}, "accept"),
    ({"accept": "ac_const", "accept_params": {"c": 2.0}}, "accept_params.c"),
    ({"accept": "ac_time", "accept_params": {"c": 0.5}}, "accept_params"),
])
def test_bad_components_are_parameter_errors(kwargs, param):
    with pytest.raises(ParameterError) as err:
        Composition(**kwargs)
    assert err.value.param == param


def test_a_bad_composition_in_a_scenario_names_the_field():
    with pytest.raises(ScenarioError) as err:
        load_scenario("us_japan_2025", {"actors.Japan.strategy": {"bidding": "psychic"}})
    assert "actors.Japan.strategy.bidding" in str(err.value)
