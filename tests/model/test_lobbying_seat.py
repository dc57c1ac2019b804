"""A person in a firm's seat (NegotiationModel.lobbyists, Lobbying.resolve): their choice replaces
the firm's rule for a round, and a choice of the rule's own push changes no bit."""

from __future__ import annotations

import numpy as np
import pytest

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.lobbying import LobbyChoice

SPEC = load_scenario("us_japan_2025")


def _records(model):
    return (model.rows, model.events, model.lobby_moves, model.outcome.reason,
            model.outcome.terms.tolist(), model.weights.tolist(), model.reservation.tolist())


def _run(lobbyists=None, seed=0):
    model = NegotiationModel(SPEC, seed=seed, collect=False)
    names = model.setup.actor_names
    for firm, fn in (lobbyists or {}).items():
        model.lobbyists[names.index(firm)] = fn
    model.run()
    return model


def test_choosing_the_rules_push_every_round_changes_no_bit():
    plain = _run()
    seated = _run({"NVIDIA": lambda r: LobbyChoice(None, 1.0),
                   "JA_Farm": lambda r: None if r % 2 else LobbyChoice(None, 1.0)})
    assert _records(seated) == _records(plain)


def test_a_persons_issue_and_effort_replace_the_rule_for_that_round():
    plain = _run(seed=2)
    seated = _run({"NVIDIA": lambda r: LobbyChoice("investment_fund", 0.5) if r == 1 else None},
                  seed=2)
    mine = next(m for m in seated.lobby_moves if m.round_no == 1 and m.firm == "NVIDIA")
    rule = next(m for m in plain.lobby_moves if m.round_no == 1 and m.firm == "NVIDIA")
    assert rule.issue == "chip_purchases" and mine.issue == "investment_fund"
    assert mine.intensity == pytest.approx(0.5 * rule.intensity, rel=1e-12)
    us = seated.setup.actor_names.index("US")
    fund = seated.setup.space.issue_names.index("investment_fund")
    after_plain = plain.lobby_log[0].after[us]
    after_seated = seated.lobby_log[0].after[us]
    assert after_seated[fund] > after_plain[fund]
    assert np.isclose(after_seated.sum(), 1.0)
    # from round 2 on NVIDIA lobbies by its rule again: its target is its own priorities
    later = next(m for m in seated.lobby_moves if m.round_no == 2 and m.firm == "NVIDIA")
    assert later.issue == "chip_purchases"


def test_effort_zero_leaves_the_firm_silent():
    seated = _run({"NVIDIA": lambda r: LobbyChoice(None, 0.0)})
    assert all(m.intensity == 0.0 for m in seated.lobby_moves if m.firm == "NVIDIA")


@pytest.mark.parametrize("choice, message", [
    (LobbyChoice("farm_access", 1.0), "cannot push 'farm_access'"),
    (LobbyChoice(None, 1.5), "outside [0, 1]"),
    (LobbyChoice(None, -0.1), "outside [0, 1]"),
])
def test_the_engine_refuses_a_choice_its_model_does_not_allow(choice, message):
    model = NegotiationModel(SPEC, seed=0, collect=False)
    nvidia = model.setup.actor_names.index("NVIDIA")
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        model.lobbying.resolve(nvidia, choice)
    with pytest.raises(ValueError, match="does not lobby"):
        model.lobbying.resolve(model.setup.actor_names.index("US"), LobbyChoice(None, 1.0))
