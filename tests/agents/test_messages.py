"""Protocol messages (agents/messages.py): small frozen types, never strings or tuple positions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bargaining_chips.agents.messages import Offer, Response


def test_responses_are_an_enum_of_three():
    assert {r.value for r in Response} == {"accept", "reject", "walk_away"}


def test_an_offer_is_frozen_and_its_terms_read_only():
    offer = Offer("Japan", 1, np.array([1.0, 2.0]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        offer.proposer = "US"
    with pytest.raises(ValueError):
        offer.terms[0] = 5.0


def test_as_dict_names_the_terms_in_issue_order():
    offer = Offer("Japan", 3, np.array([1.5, 2.0]))
    assert offer.as_dict(("x", "y")) == {"x": 1.5, "y": 2.0}
    with pytest.raises(ValueError):
        offer.as_dict(("x",))
