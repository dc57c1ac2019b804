"""Play mode's game (viz.play): a person's moves go through the model's own protocol."""

from __future__ import annotations

import gc
import math

import pytest

from bargaining_chips.agents.messages import Response
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.metrics import summary
from bargaining_chips.viz.play import MoveRefused, PlaySession, check_terms, controls_for
from tests.viz.doubles import Scripted, terms_of

SPEC = load_scenario("us_japan_2025")


def _terms(**changes):
    return terms_of(SPEC, **changes)


def _records(model):
    return (model.rows, model.events, model.lobby_moves, model.outcome.reason,
            model.outcome.agreement, model.outcome.terms.tolist(),
            model.coalition_tracker.rows if hasattr(model.coalition_tracker, "rows") else None)


def test_a_played_game_equals_a_model_run_fed_the_same_moves():
    """Japan (a person) opens generously and rejects the US until it accepts; the game's records
    are those of a plain NegotiationModel in which Japan's strategy plays the same moves."""
    game = PlaySession(seats=["Japan"], seed=3)
    offer = _terms(reciprocal_tariff=15.0, auto_tariff=12.5, chip_purchases=0.6,
                   alaska_lng_stake=20.0, investment_fund=150.0, shipbuilding=50.0,
                   farm_access=30.0)
    proposals, answers = [], []
    while game.waiting is not None:
        if game.waiting.kind == "propose":
            game.propose("Japan", offer)
            proposals.append(check_terms(SPEC, offer))
        else:
            worth = game.worth(game.waiting.offer.terms)["Japan"]
            answer = "accept" if worth >= 0.62 else "reject"
            game.answer("Japan", answer)
            answers.append(Response(answer))
    assert game.finished and len(game.moves) >= 3
    reference = NegotiationModel(SPEC, seed=3)
    japan = next(g for g in reference.governments if g.actor_name == "Japan")
    japan.strategy = Scripted(proposals, answers)
    reference.run()
    assert _records(game.model) == _records(reference)
    assert summary(game.model) == summary(reference)
    assert "thresholds" in game.model.rows[0] and game.model.rows[0]["thresholds"]["US"] is not None


def test_playing_the_models_own_moves_replays_the_model_run():
    """The US seat played by its own strategy's suggestion, answering as the strategy would,
    gives exactly the scenario's run (rows, events, outcome)."""
    game = PlaySession(seats=["US"], seed=0)
    while game.waiting is not None:
        if game.waiting.kind == "propose":
            terms = game.suggestion("US")
            names = SPEC.issues
            game.propose("US", dict(zip(names, terms.tolist(), strict=True)))
        else:
            talks = game.pending
            agent = talks.government(game.index("US"))
            plan = SPEC.actors["US"].strategy
            from bargaining_chips.agents.strategies import make_strategy

            answer, _ = make_strategy(plan.name, **plan.params).answer(agent.view, game.waiting.offer)
            game.answer("US", answer.value)
    plain = NegotiationModel(SPEC, seed=0)
    plain.run()
    assert game.model.rows[1]["thresholds"].get("Japan") is not None  # the model's own answer
    assert [r["responses"] for r in game.model.rows] == [r["responses"] for r in plain.rows]
    for a, b in zip(game.model.rows, plain.rows, strict=True):  # to the solver's rounding: its
        a = {k: v for k, v in a.items() if k not in ("thresholds", "responses")}  # warm start
        b = {k: v for k, v in b.items() if k not in ("thresholds", "responses")}  # differs
        assert a.keys() == b.keys()
        for key in a:
            if isinstance(a[key], float):
                assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-9), key
            else:
                assert a[key] == b[key], key
    def kinds(model):
        return [(type(e).__name__, e.round_index) for e in model.events]

    assert kinds(game.model) == kinds(plain) and kinds(plain)
    assert game.model.outcome.reason == plain.outcome.reason
    assert game.model.outcome.terms == pytest.approx(plain.outcome.terms, rel=1e-9)


def test_the_model_answers_with_its_reason():
    game = PlaySession(seats=["Japan"])
    assert game.waiting.kind == "propose" and game.waiting.seat == "Japan"  # Japan opens
    assert game.waiting.round_no == 1 and game.waiting.date == "2025-04-16"
    game.propose("Japan", _terms())  # the no-deal terms: worth little to the US
    (line,) = game.answer_lines()
    assert line.startswith("US rejects (worth ") and "< the" in line and "asks for now" in line
    assert game.waiting.kind == "answer" and game.waiting.round_no == 2
    assert game.waiting.offer.proposer == "US"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"auto_tariff": 99.0}, "terms.auto_tariff"),
        ({"auto_tariff": -1.0}, "terms.auto_tariff"),
        ({"auto_tariff": 12.3}, "terms.auto_tariff"),  # off the half-point step
        ({"chip_purchases": math.nan}, "terms.chip_purchases"),
        ({"chip_purchases": "lots"}, "terms.chip_purchases"),
        ({"chip_purchases": True}, "terms.chip_purchases"),
        ({"rice": 1.0}, "terms.rice"),
    ],
)
def test_out_of_range_offers_are_refused_and_change_nothing(change, field):
    game = PlaySession(seats=["Japan"])
    before = (list(game.moves), game.version, game.model.rows)
    with pytest.raises(MoveRefused) as refused:
        game.propose("Japan", _terms(**change))
    assert refused.value.field == field and "\n" not in str(refused.value)
    assert (list(game.moves), game.version, game.model.rows) == before


def test_a_missing_issue_and_a_non_mapping_are_refused():
    terms = _terms()
    del terms["farm_access"]
    with pytest.raises(MoveRefused, match="terms.farm_access: missing"):
        check_terms(SPEC, terms)
    with pytest.raises(MoveRefused, match="^terms:"):
        check_terms(SPEC, [1, 2, 3])


def test_moves_out_of_turn_or_for_another_seat_are_refused():
    game = PlaySession(seats=["Japan"])
    with pytest.raises(MoveRefused, match="not a seat held"):
        game.answer("US", "accept")
    with pytest.raises(MoveRefused, match="must propose now, not answer"):
        game.answer("Japan", "accept")
    game.propose("Japan", _terms())
    with pytest.raises(MoveRefused, match="no answer"):
        game.answer("Japan", "maybe")
    with pytest.raises(MoveRefused, match="no government or lobbying firm"):
        PlaySession(seats=["Narnia"])
    both = PlaySession(seats=["Japan", "US"])
    assert both.waiting.seat == "Japan" and both.waiting.kind == "propose"
    with pytest.raises(MoveRefused, match="Japan's turn, not US's"):
        both.propose("US", _terms())
    both.propose("Japan", _terms())
    assert both.waiting.seat == "US" and both.waiting.kind == "answer"


def test_offer_controls_use_the_issues_units_and_steps():
    controls = {c.issue: c for c in controls_for(SPEC)}
    assert set(controls) == set(SPEC.issues)
    auto = controls["auto_tariff"]
    assert (auto.min, auto.max, auto.step, auto.value, auto.unit) == (2.5, 27.5, 0.5, 27.5, "%")
    assert controls["chip_purchases"].step == pytest.approx(0.01)  # no step: a hundredth
    spec = load_scenario("zeuthen")
    (deal,) = [c for c in controls_for(spec) if c.options]
    assert deal.options == spec.issues[deal.issue].options
    session = PlaySession("zeuthen", seats=[spec.governments[0]])
    seat = session.waiting.seat
    assert session.waiting.kind == "propose"  # monotonic concession: both propose every round
    with pytest.raises(MoveRefused, match="no option"):
        session.propose(seat, {deal.issue: "Z"})
    session.propose(seat, {deal.issue: deal.options[0]})
    assert session.model.rows[0][deal.issue] in (deal.options[0], 0, 0.0)


def test_reset_starts_again_and_sessions_do_not_pile_up():
    game = PlaySession(seats=["Japan"])
    game.propose("Japan", _terms())
    game.reset()
    assert game.moves == [] and game.waiting.round_no == 1 and game.model.rows == []
    game.release()
    gc.collect()


def test_a_finished_game_is_saved_like_a_run(tmp_path):
    import json

    import pandas as pd

    game = PlaySession(seats=["Japan"])
    with pytest.raises(MoveRefused, match="not ended"):
        game.save(tmp_path / "early")
    game.propose("Japan", _terms())
    game.answer("Japan", "walk_away")
    assert game.finished and game.waiting is None
    game.save(tmp_path / "game")
    result = json.loads((tmp_path / "game" / "summary.json").read_text())
    assert result["outcome"] == "no_deal" and result["seats_played"] == ["Japan"]
    assert result["moves_played"] == 2
    assert {k: v for k, v in result.items() if k not in ("seats_played", "moves_played")} == (
        json.loads(json.dumps(summary(game.model))))
    rounds = pd.read_csv(tmp_path / "game" / "rounds.csv")
    assert list(rounds["proposer"]) == ["Japan", "US"]
    assert "Japan walks away" in (tmp_path / "game" / "transcript.txt").read_text()
