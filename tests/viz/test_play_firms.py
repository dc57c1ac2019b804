"""Firms' seats in a played game (viz.play): a person chooses whom the firm lobbies on which
issue and how hard, in place of its rule, and the game stays a model run fed the same moves."""

from __future__ import annotations

import pytest

from bargaining_chips.agents.messages import Response
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.lobbying import LobbyChoice
from bargaining_chips.model.metrics import summary
from bargaining_chips.viz.play import MoveRefused, PlaySession, check_terms
from tests.viz.doubles import Scripted, terms_of

SPEC = load_scenario("us_japan_2025")


def _terms(**changes):
    return terms_of(SPEC, **changes)


OFFER = _terms(reciprocal_tariff=15.0, auto_tariff=12.5, chip_purchases=0.6, alaska_lng_stake=20.0,
               investment_fund=150.0, shipbuilding=50.0, farm_access=30.0)


def test_a_game_with_a_firm_seat_equals_a_model_run_fed_the_same_moves():
    """Japan and NVIDIA are people; NVIDIA sits from round 1, leaves after round 3 (its rule
    lobbies from round 4), sits again once round 5 is reached; the records are a plain model's in which
    Japan's strategy and NVIDIA's lobbyist play the same moves."""
    game = PlaySession(seats=["Japan", "NVIDIA"], seed=4)
    proposals, answers, choices, since = [], [], {}, None
    picks = [("investment_fund", 0.25), (None, 1.0), ("chip_purchases", 0.0)]
    while game.waiting is not None:
        w = game.waiting
        if w.kind == "lobby":
            assert w.seat == "NVIDIA" and game.lobby_due() == ["NVIDIA"]
            issue, effort = picks[w.round_no % 3]
            game.lobby("NVIDIA", issue, effort, government="US")
            choices[w.round_no] = LobbyChoice(issue, effort)
            if w.round_no == 3:
                game.stand("NVIDIA")
        elif w.kind == "propose":
            game.propose("Japan", OFFER)
            proposals.append(check_terms(SPEC, OFFER))
        else:
            answer = "accept" if game.worth(w.offer.terms)["Japan"] >= 0.6 else "reject"
            game.answer("Japan", answer)
            answers.append(Response(answer))
        if since is None and game.waiting is not None and game.waiting.round_no >= 5:
            game.sit("NVIDIA")
            since = game.firm_seats["NVIDIA"]
            assert since in (game.waiting.round_no, game.waiting.round_no + 1)
    assert game.finished and since is not None and set(choices) >= {1, 2, 3, since}
    assert not set(choices) & set(range(4, since))
    reference = NegotiationModel(SPEC, seed=4)
    japan = next(g for g in reference.governments if g.actor_name == "Japan")
    japan.strategy = Scripted(proposals, answers)
    nvidia = reference.setup.actor_names.index("NVIDIA")
    reference.lobbyists[nvidia] = choices.get
    reference.run()
    ours = (game.model.rows, game.model.events, game.model.lobby_moves)
    assert ours == (reference.rows, reference.events, reference.lobby_moves)
    assert summary(game.model) == summary(reference)
    moves = {m.round_no: m for m in game.model.lobby_moves if m.firm == "NVIDIA"}
    assert moves[3].issue == "investment_fund" and moves[4].issue == "chip_purchases"
    assert moves[2].intensity == 0.0  # round 2: chips at no effort
    assert moves[1].intensity > 0 and moves[1].issue == "chip_purchases"  # its own priorities


def test_a_firm_seat_waits_for_its_choice_and_refuses_what_the_model_does_not_allow():
    game = PlaySession(seats=["Japan", "NVIDIA"])
    assert (game.waiting.kind, game.waiting.seat) == ("lobby", "NVIDIA")
    control = game.firm_control("NVIDIA")
    assert control.government == "US" and set(control.issues) == {"chip_purchases",
                                                                     "investment_fund"}
    before = (list(game.moves), game.version)
    for args, field in [
        (("NVIDIA", "farm_access", 1.0), "issue"),     # not among its issues
        (("NVIDIA", "rice", 1.0), "issue"),            # no such issue
        (("NVIDIA", None, 1.5), "effort"),             # out of range
        (("NVIDIA", None, -0.01), "effort"),
        (("NVIDIA", None, float("nan")), "effort"),
        (("NVIDIA", None, "hard"), "effort"),
        (("NVIDIA", None, 0.5, "Japan"), "government"),  # not its home
        (("Toyota", None, 0.5), "seat"),               # a firm nobody holds
        (("Narnia", None, 0.5), "seat"),
    ]:
        with pytest.raises(MoveRefused) as refused:
            game.lobby(*args)
        assert refused.value.field == field, args
    with pytest.raises(MoveRefused, match="Japan's turn, not NVIDIA's|not a seat held"):
        game.propose("NVIDIA", OFFER)
    assert (list(game.moves), game.version) == before
    assert game.lobby_suggestion("NVIDIA") == LobbyChoice(None, 1.0)
    game.lobby("NVIDIA", "", 1.0)
    assert (game.waiting.kind, game.waiting.seat) == ("propose", "Japan")
    with pytest.raises(MoveRefused, match="cannot lobby now"):
        game.lobby("NVIDIA", None, 1.0)


def test_a_firm_taken_mid_round_lobbies_from_the_next_round_and_its_rule_is_the_default():
    plain = PlaySession(seats=["Japan"], seed=1)
    game = PlaySession(seats=["Japan"], seed=1)
    assert game.waiting.kind == "propose"  # round 1 lobbied by the rule already
    game.sit("NVIDIA")
    assert game.firm_seats == {"NVIDIA": 2} and game.waiting.kind == "propose"
    for session in (plain, game):
        session.propose("Japan", OFFER)
    assert (game.waiting.kind, game.waiting.seat, game.waiting.round_no) == ("lobby", "NVIDIA", 2)
    choice = game.lobby_suggestion("NVIDIA")
    game.lobby("NVIDIA", choice.issue, choice.effort)  # the rule's push: the same game
    assert game.model.lobby_moves == plain.model.lobby_moves
    assert game.waiting.kind == plain.waiting.kind and game.model.rows == plain.model.rows
    assert game.stance("NVIDIA") == next(
        f.stance for f in plain.pending.firms if f.actor_name == "NVIDIA")
    game.stand("NVIDIA")
    game.reset()
    assert game.firm_seats == {} and game.waiting.kind == "propose"
