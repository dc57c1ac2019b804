"""Zeuthen's risk-based strategy (agents/strategies/zeuthen.py).

Hand-computed cases use the bilateral fixture, whose frontier is (1, 0) — (0.8, 0.5) — (0.5, 0.8) —
(0, 1) and whose disagreement utilities are 0.5 each.
"""

from __future__ import annotations

import pytest

from bargaining_chips.agents.messages import Offer
from bargaining_chips.agents.strategies.zeuthen import Zeuthen, risk


@pytest.mark.parametrize(
    ("own", "theirs", "d", "expected"),
    [
        (0.8, 0.6, 0.5, 0.2 / 0.3),
        (1.0, 0.7, 0.5, 0.6),
        (1.0, 0.0, 0.5, 1.0),  # their offer is worse than no deal: risk is capped at 1
        (0.8, 0.9, 0.5, 0.0),  # their offer is better than my own
        (0.4, 0.1, 0.5, 0.0),  # my own offer is worth no more than no deal
    ],
)
def test_risk_by_hand(own, theirs, d, expected):
    assert risk(own, theirs, d) == pytest.approx(expected)


def _position(seat, scripted, mine_level: float, their_level: float):
    """A model in round index 2 with A's offer at ``mine_level`` (to A) and B's at ``their_level``
    (to B) on the table, and A's Zeuthen strategy and view."""
    model = seat("bilateral", A=Zeuthen(), B=scripted())
    space, w = model.setup.space, model.weights
    mine = Offer("A", 1, space.offer_at(0, mine_level, w, (1,), snap=False))
    theirs = Offer("B", 2, space.offer_at(1, their_level, w, (0,), snap=False))
    model.offers.extend([mine, theirs])
    model.round_index = 2
    return model, model.government(0).strategy, model.government(0).view, theirs


def test_the_side_with_the_larger_risk_stands_firm(seat, scripted):
    """A's offer (0.7, 0.6), B's (0.25, 0.9): A's risk is 1 (B's offer is below A's no deal), B's
    is (0.9 − 0.6)/(0.9 − 0.5) = 0.75, so A repeats its level."""
    model, strategy, view, theirs = _position(seat, scripted, 0.7, 0.9)
    assert view.utility(theirs.terms) == pytest.approx(0.25)
    assert strategy.level(view, 2, theirs) == pytest.approx(0.7)


def test_the_side_with_the_smaller_risk_concedes_just_enough(seat, scripted):
    """A's offer (0.8, 0.5), B's (0.6, 0.7): A's risk (0.8 − 0.6)/0.3 is below B's (0.7 − 0.5)/0.2
    = 1, so A concedes. On the segment u_a + u_b = 1.3, offering level L gives A the risk
    (L − 0.6)/(L − 0.5) and B the risk (L − 0.6)/0.2: A's is the larger while L < 0.7, so A concedes
    to 0.7, where the two offers' Nash products are equal."""
    model, strategy, view, theirs = _position(seat, scripted, 0.8, 0.7)
    assert view.utility(theirs.terms) == pytest.approx(0.6)
    level = strategy.level(view, 2, theirs)
    assert level == pytest.approx(0.7, abs=1e-9)
    assert level < 0.7  # just below: A's risk must be the larger after its concession
    terms = view.offer_at(level)
    assert risk(view.utility(terms), 0.6, 0.5) > risk(0.7, view.utility_of(1, terms), 0.5)


def test_a_concession_to_the_risk_cap(seat, scripted):
    """A's offer (1, 0), B's (0.25, 0.9): both risks are 1 (each offer is worth less than no deal to
    the other), so A concedes; its risk stays 1 while B's, (0.9 − u_b)/0.4, is below 1 only once A
    gives B more than 0.5, i.e. below level 0.8."""
    model, strategy, view, theirs = _position(seat, scripted, 1.0, 0.9)
    level = strategy.level(view, 2, theirs)
    assert level == pytest.approx(0.8, abs=1e-9)
    assert level < 0.8


def test_with_no_partial_concession_it_matches_the_others_offer(seat, scripted):
    """A's offer (1, 0), B's (0.7, 0.6): for every level above 0.7 A's risk (L − 0.7)/(L − 0.5) is
    below B's, so A comes down to what B's offer gives it."""
    model, strategy, view, theirs = _position(seat, scripted, 1.0, 0.6)
    assert strategy.level(view, 2, theirs) == pytest.approx(0.7, abs=1e-9)


def test_opens_at_its_best_terms(seat, scripted):
    model = seat("bilateral", A=Zeuthen(), B=scripted())
    model.step()
    assert model.rows[0]["u_A"] == pytest.approx(1.0)


def test_two_zeuthen_negotiators_concede_from_their_openings(seat):
    model = seat("bilateral", A=Zeuthen(), B=Zeuthen())
    model.run()
    first_a, first_b = model.rows[0], model.rows[1]
    later = model.rows[2:]
    assert (first_a["u_A"], first_b["u_B"]) == pytest.approx((1.0, 1.0))
    assert all(row[f"u_{row['proposer']}"] < 1.0 - 1e-3 for row in later)
    assert model.outcome.agreement
    u = model.setup.space.utilities(model.outcome.terms, model.weights)
    assert u[0] >= 0.5 - 1e-9 and u[1] >= 0.5 - 1e-9
