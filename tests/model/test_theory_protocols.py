"""The monotonic concession protocol and majority rule, against scripted and equilibrium play."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bargaining_chips.agents.messages import Response
from bargaining_chips.experiments.report import transcript
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.events import NotMonotone
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.metrics import summary
from bargaining_chips.model.negotiation import NegotiationModel

FIXTURES = Path(__file__).parent / "fixtures"


class Scripted:
    """A stand-in strategy proposing a fixed sequence of option positions."""

    def __init__(self, *positions: float) -> None:
        self.positions = list(positions)

    def propose(self, view) -> np.ndarray:
        return np.array([self.positions.pop(0)])

    def respond(self, view, offer):
        return Response.REJECT

    def acceptance_threshold(self, view, offer):
        return None


def scripted_model(p1: list[float], p2: list[float], overrides: dict | None = None) -> NegotiationModel:
    model = NegotiationModel(load_scenario("zeuthen", overrides), seed=0)
    model.governments[0].strategy = Scripted(*p1)
    model.governments[1].strategy = Scripted(*p2)
    return model


def test_zeuthen_play_records_the_textbook_sequence():
    model = NegotiationModel("zeuthen", seed=0)
    model.run()
    by = {who: [r["deal"] for r in model.rows if r["proposer"] == who] for who in ("P1", "P2")}
    assert by == {"P1": ["A", "A", "C", "C"], "P2": ["E", "D", "D", "C"]}
    assert [r["round"] for r in model.rows] == [1, 1, 2, 2, 3, 3, 4, 4]
    result = summary(model)
    assert result["terms"] == {"deal": "C"} and result["agreement_round"] == 4
    text = "\n".join(transcript.transcript(model))
    assert text.count("P1 proposes: deal A") == 2 and "P2 proposes: deal E" in text


def test_agreement_when_an_offer_is_as_good_for_the_other_as_its_own():
    # Round 1: A vs E; round 2: P1 offers D (worth .6 to P2 = P2's own D): agreement on D.
    model = scripted_model([0, 3], [4, 3])
    model.run()
    assert model.outcome.agreement and model.outcome.round_index == 1
    assert model.outcome.terms.tolist() == [3.0]


def test_both_acceptable_and_different_is_a_fair_draw_from_the_model_rng():
    # Round 2: P1 offers C (P2 values .5 ≥ its own B .3); P2 offers B (P1 values .8 ≥ its C .6).
    outcomes = set()
    for seed in range(20):
        model = NegotiationModel(load_scenario("zeuthen"), seed=seed)
        model.governments[0].strategy = Scripted(0, 2)
        model.governments[1].strategy = Scripted(4, 1)
        model.run()
        outcomes.add(model.outcome.terms[0])
        again = NegotiationModel(load_scenario("zeuthen"), seed=seed)
        again.governments[0].strategy = Scripted(0, 2)
        again.governments[1].strategy = Scripted(4, 1)
        again.run()
        assert again.outcome.terms[0] == model.outcome.terms[0]
    assert outcomes == {1.0, 2.0}


def test_a_withdrawn_concession_is_replaced_by_the_previous_proposal():
    # P1 concedes to C, then tries to go back to A: C stands.
    model = scripted_model([0, 2, 0, 0], [4, 4, 4, 4])
    for _ in range(3):
        model.step()
    assert [r["deal"] for r in model.rows if r["proposer"] == "P1"] == ["A", "C", "C"]
    assert any(isinstance(e, NotMonotone) for e in model.events)


def test_a_round_without_concession_ends_in_conflict():
    model = scripted_model([0, 0], [4, 4])
    model.run()
    assert not model.outcome.agreement and model.outcome.reason == "no concession"
    assert model.outcome.round_index == 1
    assert summary(model)["terms"] is None


def test_majority_rule_recognises_from_the_seeded_generator():
    proposers = []
    for seed in range(60):
        model = NegotiationModel("baron_ferejohn", seed=seed)
        model.run()
        proposers.append(model.rows[0]["proposer"])
        again = NegotiationModel("baron_ferejohn", seed=seed)
        again.run()
        assert again.rows == model.rows
    assert set(proposers) == {"L1", "L2", "L3", "L4", "L5"}


def test_majority_rule_needs_a_majority():
    model = NegotiationModel("baron_ferejohn", seed=0)
    model.run()
    row = model.rows[0]
    yes = 1 + sum(v == "accept" for v in row["responses"].values())
    assert yes == 3 and row["accepted"] and model.outcome.reason == "passed by majority"
    assert sum(summary(model)["terms"].values()) == pytest.approx(1.0)


def test_a_seven_member_legislature_needs_only_a_new_file():
    model = NegotiationModel(load_scenario(str(FIXTURES / "baron_ferejohn_7.toml")), seed=2)
    model.run()
    shares = summary(model)["terms"]
    proposer = model.rows[0]["proposer"]
    assert shares[f"share_{proposer}"] == pytest.approx(1 - 0.9 * 6 / 14, abs=1e-9)
    assert sorted(v for v in shares.values() if 0 < v < 0.5) == pytest.approx([0.9 / 7] * 3)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"protocol.budget": 2.0}, "issues.share_L1"),
        ({"actors.L2.weights": {"share_L1": 1.0}, "actors.L2.prefers": {"share_L1": "high"}},
         "actors.L2.weights.share_L1"),
        ({"actors.L2.weights": {"share_L1": 0.5, "share_L2": 0.5},
          "actors.L2.prefers": {"share_L1": "high", "share_L2": "high"}}, "actors.L2.weights"),
        ({"actors.L1.prefers.share_L1": "low"}, "actors.L1.prefers.share_L1"),
        ({"protocol.type": "alternating"}, "actors.L1.strategy.name"),
    ],
)
def test_a_division_game_is_checked(overrides, field):
    with pytest.raises(ScenarioError) as err:
        load_scenario("baron_ferejohn", overrides)
    assert err.value.field == field


def test_the_scenario_schema_offers_every_registered_protocol():
    from typing import get_args

    from bargaining_chips.model.protocols import PROTOCOLS
    from bargaining_chips.model.scenario import ProtocolSpec

    assert set(get_args(ProtocolSpec.model_fields["type"].annotation)) == set(PROTOCOLS)


def test_monotonic_concession_is_for_two_governments():
    with pytest.raises(ScenarioError) as err:
        load_scenario("baron_ferejohn", {"protocol.type": "monotonic_concession"})
    assert err.value.field == "actors"
