"""Protocols (model/protocols.py): alternating offers with scripted governments at the table."""

from __future__ import annotations

import numpy as np
import pytest

from bargaining_chips.agents.messages import Response
from bargaining_chips.model.protocols import PROTOCOLS, AlternatingOffers

ACCEPT, REJECT, WALK = Response.ACCEPT, Response.REJECT, Response.WALK_AWAY


def test_the_registry_names_each_protocol_once():
    assert PROTOCOLS["alternating"] is AlternatingOffers
    assert all(name == cls.name for name, cls in PROTOCOLS.items())


def test_proposers_rotate_in_the_order_given(seat, scripted):
    model = seat("bilateral", {"protocol.order": ["B", "A"]},
                 A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
    model.run()
    assert [o.proposer for o in model.offers] == ["B", "A"] * 5
    assert [o.round_no for o in model.offers] == list(range(1, 11))


def test_an_accepted_offer_ends_the_talks_with_its_terms(seat, scripted):
    model = seat("bilateral", A=scripted(levels=[0.7]), B=scripted(responses=[ACCEPT]))
    model.run()
    assert model.outcome.agreement
    assert model.outcome.reason == "accepted"
    assert model.outcome.round_index == 0
    assert np.array_equal(model.outcome.terms, model.offers[0].terms)
    assert model.rows[0]["accepted"] and model.rows[0]["ratified"]
    assert model.running is False


def test_walking_away_ends_the_talks_without_a_deal(seat, scripted):
    model = seat("bilateral", A=scripted(levels=[1.0]), B=scripted(responses=[REJECT, WALK]))
    model.run()
    assert not model.outcome.agreement
    assert model.outcome.reason == "walked away"
    assert model.outcome.round_index == 2  # B answers in rounds 1 and 3
    assert np.array_equal(model.outcome.terms, model.setup.space.no_deal)


def test_terms_out_of_range_are_clipped_to_the_issue_ranges(seat, scripted):
    model = seat("bilateral", A=scripted(terms=[[20.0, -5.0, 0.5]]), B=scripted())
    model.step()
    assert list(model.offers[0].terms) == [10.0, 0.0, 0.5]


def test_every_other_government_must_accept(fixture_path, scripted):
    from bargaining_chips.model import NegotiationModel, load_scenario

    model = NegotiationModel(load_scenario(fixture_path("three_governments")), seed=0)
    for name, answers in (("US", []), ("Japan", [ACCEPT]), ("Korea", [REJECT])):
        model.government(model.setup.index(name)).strategy = scripted(levels=[0.5], responses=answers)
    model.step()
    assert model.outcome is None
    assert model.rows[0]["responses"] == {"Japan": "accept", "Korea": "reject"}
    assert model.rows[0]["accepted"] is False


def test_a_deal_that_fails_ratification_does_not_end_the_talks(seat, scripted, monkeypatch):
    model = seat("bilateral", A=scripted(levels=[0.6]), B=scripted(responses=[ACCEPT] * 10))
    monkeypatch.setattr(model, "ratify", lambda offer: False)
    model.step()
    assert model.outcome is None
    assert model.rows[0]["accepted"] is True
    assert model.rows[0]["ratified"] is False


@pytest.mark.parametrize("order", [["A", "B"], ["B", "A"]])
def test_the_first_proposer_is_the_first_in_order(seat, scripted, order):
    model = seat("bilateral", {"protocol.order": order}, A=scripted(levels=[1.0]),
                 B=scripted(levels=[1.0]))
    model.step()
    assert model.offers[0].proposer == order[0]
