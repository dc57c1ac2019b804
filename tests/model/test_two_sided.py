"""Constituencies that pull the other way, and a two-sided domestic game (model/lobbying.py,
model/ratification.py).

``tests/fixtures/holdout.toml``: G wants its tariff kept and H's purchases; an Exporter at home gains
from the purchases, a Union wants the tariff kept (the same direction as G, but it holds out). With
H's offer x = (tariff 0, purchases 1) on the table, σ_Exporter = 1 − ½ = ½ and σ_Union = 0 − ½ = −½;
both push with η = 0.1 · 0.5 = 0.05 (no coalition boost), so

    r_G = 0.5 − ρ · (0.05 · ½ − 0.05 · ½) = 0.5,      w_G = 0.9 · (½, ½) + 0.05 · (1, 0) + 0.05 · (0, 1),

and each alone moves r_G by ∓ ½ · 0.05 · ½ = ∓ 0.0125 and w_G by 0.025 towards its issue. At home G
needs 0.7 of the political weight: G (0.4) and the Exporter (0.2) together fall short, so a deal
that gives the tariff away fails on the Union's vote.
"""

from __future__ import annotations

import numpy as np
import pytest

from bargaining_chips.agents.messages import Offer
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.events import HomeVote

GIVE_TARIFF = (0.0, 1.0)  # G's tariff abolished, H buys everything




def test_a_holdout_constituency_cancels_a_pro_deal_firms_push(lobby_once):
    both = lobby_once("holdout", terms=GIVE_TARIFF)
    g = both.setup.index("G")
    stance = {m.firm: m.stance for m in both.lobby_moves}
    assert stance == pytest.approx({"Exporter": 0.5, "Union": -0.5})
    assert both.reservation[g] == 0.5
    assert both.weights[g] == pytest.approx([0.5, 0.5])


def test_alone_the_pro_deal_firm_lowers_the_reservation(lobby_once):
    model = lobby_once("holdout", {"actors.Union.lobbying_power": 0.0}, terms=GIVE_TARIFF)
    g = model.setup.index("G")
    assert model.reservation[g] == pytest.approx(0.4875)
    assert model.weights[g] == pytest.approx([0.475, 0.525])


def test_alone_the_holdout_raises_the_reservation_and_the_weight_of_its_issue(lobby_once):
    model = lobby_once("holdout", {"actors.Exporter.lobbying_power": 0.0}, terms=GIVE_TARIFF)
    g = model.setup.index("G")
    assert model.reservation[g] == pytest.approx(0.5125)
    assert model.weights[g] == pytest.approx([0.525, 0.475])  # the tariff weighs more


def test_a_deal_that_gives_the_tariff_away_fails_at_home_on_the_unions_vote(fixture_path):
    model = NegotiationModel(load_scenario(fixture_path("holdout")), seed=0)
    g = model.setup.index("G")
    give, keep = np.array(GIVE_TARIFF), np.array([0.6, 1.0])
    share, yes = model.domestic.approval(g, give)
    assert share == pytest.approx(0.6) and yes.tolist() == [True, True, False]
    own = model.setup.ratification.constituencies[g].weight  # G, Exporter, Union
    assert own[0] < 0.7 and own[0] + own[1] < 0.7  # G's own weight does not clear it alone
    passed, events = model.domestic.ratify(Offer("H", 1, give), 0)
    assert not passed and events[0].against == ("Union",)
    assert model.domestic.ratify(Offer("H", 1, keep), 0)[0]


def test_every_deal_ratified_keeps_the_unions_red_line(fixture_path):
    for seed in range(10):
        model = NegotiationModel(load_scenario(fixture_path("holdout")), seed=seed)
        model.run()
        if model.outcome.agreement:
            assert model.outcome.terms[0] >= 0.5  # the Union's reservation: tariff ≥ ½


def test_a_public_red_line_is_kept_from_the_first_round(fixture_path):
    model = NegotiationModel(
        load_scenario(fixture_path("holdout"), {"actors.G.ratification.public": ["Union"]}), seed=0)
    model.run()
    g, union = model.setup.index("G"), model.setup.index("Union")
    mine = [o for o in model.offers if o.proposer == "G"]
    assert mine and all(model.setup.space.utilities(o.terms)[union] >= 0.5 - 1e-9 for o in mine)
    assert not any(isinstance(e, HomeVote) and "Union" in e.against for e in model.events)
    assert not model.domestic.anticipating[g]  # it keeps to the public red line, learns no more


def test_public_lists_members_only(fixture_path):
    with pytest.raises(ScenarioError) as err:
        load_scenario(fixture_path("holdout"), {"actors.G.ratification.public": ["H"]})
    assert err.value.field == "actors.G.ratification.public.0"
    assert "no political weight" in str(err.value)


def test_japans_public_farm_red_line_is_never_crossed_nor_the_reason_home_rejects(play):
    """With JA's red line public (the LDP's resolution of 25 April against farm concessions),
    Japan never offers, nor accepts, farm access beyond what JA tolerates, and home never rejects
    a deal for JA's reason; without it, home rejects a deal for JA's reason in at least six of the
    eight runs (measured: seven). (The default scenario makes it public; the test states it.)"""
    public = {"actors.Japan.ratification.public": ["JA_Farm"]}
    blocked = 0
    for seed in range(8):
        model = play("us_japan_2025", public, seed=seed)
        ja = model.setup.index("JA_Farm")
        r_ja = model.reservation[ja]
        for row in model.rows:
            if row["proposer"] == "Japan" or row["accepted"]:
                assert row["u_JA_Farm"] >= r_ja - 1e-9, (seed, row["round"])
        assert not any(isinstance(e, HomeVote) and "JA_Farm" in e.against for e in model.events)
        hidden = play("us_japan_2025", {"actors.Japan.ratification.public": []}, seed=seed)
        blocked += any(isinstance(e, HomeVote) and "JA_Farm" in e.against for e in hidden.events)
    assert blocked >= 6, blocked
