"""The hardliner (agents/strategies/hardliner.py): never concedes; with ``walk_away`` it leaves at
its believed deadline.

To make that deadline fall before the end of the talks, A believes in a soft deadline at round 6
extended with probability 0.5, so its horizon is 0.5 · 5 + 0.5 · 9 = 7 (round index): t reaches 1 in
round 8, when B proposes. The seed is chosen so that the deadline is extended.
"""

from __future__ import annotations

import numpy as np
import pytest

from bargaining_chips.agents.strategies.hardliner import Hardliner

BELIEF = {
    "deadlines.summit": {"kind": "soft", "round": 6, "extension_probability": 0.5},
    "actors.A.deadline_belief": "summit",
}
# The calendar's draw is the model's first: the first seed whose draw extends the deadline.
SEED = next(s for s in range(100) if np.random.default_rng(s).random() < 0.5)


def _against(seat, scripted, strategy, level_for_a: float):
    model = seat("bilateral", BELIEF, SEED, A=strategy, B=scripted())
    terms = model.setup.space.offer_at(0, level_for_a, model.weights, (1,), snap=False)
    model.government(1).strategy = scripted(terms=[terms])
    model.run()
    return model


def test_never_concedes(seat, scripted):
    model = _against(seat, scripted, Hardliner(level=0.8), 0.7)
    own = [row["u_A"] for row in model.rows if row["proposer"] == "A"]
    assert own == pytest.approx([0.8] * len(own))
    assert all(row["responses"]["A"] == "reject" for row in model.rows if row["proposer"] == "B")
    assert (model.outcome.reason, model.outcome.round_index) == ("hard deadline", 9)


def test_walks_away_at_its_believed_deadline(seat, scripted):
    model = _against(seat, scripted, Hardliner(level=0.8, walk_away=True), 0.7)
    assert model.setup.belief_index[0] == pytest.approx(7.0)
    assert model.events[0].extended is True
    assert (model.outcome.reason, model.outcome.round_index) == ("walked away", 7)
    assert model.rows[-1]["responses"]["A"] == "walk_away"
    assert [row["responses"]["A"] for row in model.rows if row["proposer"] == "B"][:-1] == [
        "reject"
    ] * 3


def test_accepts_what_is_worth_its_level(seat, scripted):
    model = _against(seat, scripted, Hardliner(level=0.8, walk_away=True), 0.85)
    assert model.outcome.agreement
    assert model.outcome.round_index == 1
    assert model.rows[1]["thresholds"]["A"] == 0.8


def test_a_level_below_the_reservation_is_lifted_to_it(seat, scripted):
    model = _against(seat, scripted, Hardliner(level=0.2), 0.45)
    own = [row["u_A"] for row in model.rows if row["proposer"] == "A"]
    assert own == pytest.approx([0.5] * len(own))
    assert not model.outcome.agreement
