"""Domestic ratification (model/ratification.py): approval by hand, a deal rejected at home, the
negotiators' anticipation, the dated election, and Schelling's conjecture."""

from __future__ import annotations

import numpy as np
import pytest

from bargaining_chips.experiments.report.transcript import transcript
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.events import ElectionHeld
from bargaining_chips.model.metrics import summary


@pytest.fixture()
def two_level(fixture_path):
    return NegotiationModel(load_scenario(fixture_path("two_level")), seed=0)


@pytest.mark.parametrize(
    ("terms", "share"),
    [
        ((0.6, 0.4), 0.75),  # G (u = ½ ≥ r = ½) and F1 (x ≥ ½) approve; F2 (y < ½) does not
        ((0.4, 0.7), 0.75),  # G (u = 0.55) and F2 approve; F1 does not
        ((0.3, 0.6), 0.25),  # only F2
        ((0.4, 0.4), 0.00),  # nobody gets its reservation
        ((1.0, 1.0), 1.00),
    ],
)
def test_approval_by_hand(two_level, terms, share):
    """Political weights G ½, F1 ¼, F2 ¼; threshold 0.6."""
    g = two_level.setup.index("G")
    x = np.array(terms)
    assert two_level.domestic.approval(g, x)[0] == pytest.approx(share)
    assert two_level.domestic.ratifiable(g, x) == (share >= 0.6)


def test_a_government_without_a_ratification_table_signs_what_it_accepts(two_level):
    h = two_level.setup.index("H")
    assert two_level.domestic.ratifiable(h, np.array([0.0, 0.0]))
    assert two_level.domestic.within_win_set(h, np.array([0.3, 0.3])) == pytest.approx([0.3, 0.3])


def test_the_win_set_pull_gives_ratifiable_terms_and_concedes_least(two_level):
    g = two_level.setup.index("G")
    inside = two_level.domestic.within_win_set(g, np.array([0.4, 0.4]))
    assert two_level.domestic.ratifiable(g, inside)
    # Every dissenter wants x or y higher, so both move towards G's best (1, 1), in steps of
    # 1/16 of the way: 2/16 gives 0.475 (nobody approves), 3/16 gives 0.5125 (all approve).
    assert inside == pytest.approx([0.4 + 3 / 16 * 0.6] * 2)
    # Only the issue the dissenter cares about moves when that is enough: at (0.7, 0.45) only F2
    # dissents (y < ½) and G approves (u = 0.575), F1 too: 0.75 ≥ 0.6 already passes.
    assert two_level.domestic.within_win_set(g, np.array([0.7, 0.45])) == pytest.approx([0.7, 0.45])
    two_level.domestic.threshold[g] = 1.0  # unanimity: now F2 must approve, so only y moves
    pulled = two_level.domestic.within_win_set(g, np.array([0.7, 0.45]))
    # y needs ≥ ½: 1/16 of the way gives 0.484, 2/16 gives 0.519
    assert pulled[0] == 0.7 and pulled[1] == pytest.approx(0.45 + 2 / 16 * 0.55)


def test_a_deal_rejected_at_home_is_recorded_and_the_talks_go_on(v1_run):
    rejected = [v for v in v1_run.domestic.votes if not v.passed]
    assert [(v.round_no, v.government, v.oppose) for v in rejected] == [(7, "Japan", ("JA_Farm",))]
    row = v1_run.rows[6]
    assert row["accepted"] and not row["ratified"]
    assert v1_run.outcome.agreement and v1_run.outcome.round_index == 7  # agreed a round later
    text = "\n".join(transcript(v1_run))
    assert "✗ rejected at home by the Diet and the ruling coalition" in text
    assert "against: JA_Farm" in text
    assert "will now offer and accept only what" in text
    assert v1_run.domestic.anticipating[v1_run.setup.index("Japan")]
    # the agreed deal passes at home
    final = [v for v in v1_run.domestic.votes if v.round_no == 8]
    assert all(v.passed for v in final) and len(final) == 2


def test_negotiators_who_anticipate_never_bring_home_what_it_rejects(play):
    for seed in range(20):
        model = play("us_japan_2025", {"actors.Japan.ratification.anticipate": "always"}, seed=seed)
        assert model.domestic.rejections == 0
        if model.outcome.agreement:
            g = model.setup.index("Japan")
            assert model.domestic.ratifiable(g, model.outcome.terms)


def test_negotiators_who_never_learn_keep_bringing_home_rejected_deals(play):
    # A conceding Japan (β = 3) reaches deals its home rejects early enough to do it twice.
    def counts(anticipate):
        overrides = {"actors.Japan.ratification.anticipate": anticipate,
                     "actors.Japan.strategy.beta": 3.0}
        return [play("us_japan_2025_v1", overrides, seed=s).domestic.rejections for s in range(10)]
    assert max(counts("never")) >= 2
    assert max(counts("after_rejection")) == 1


def test_the_upper_house_election_moves_japans_threshold_when_it_falls_in_the_calendar(play):
    # the real date (20 July 2025) falls after the last round: the pre-election threshold holds
    setup = compile_scenario(load_scenario("us_japan_2025"))
    (election,) = setup.ratification.elections
    assert election.round_index is None
    # moved to 1 June, it fires in round 5 (6 June): the farm lobby is no longer pivotal
    model = play("us_japan_2025", {"events.upper_house_election.date": "2025-06-01"}, seed=0)
    fired = [e for e in model.events if isinstance(e, ElectionHeld)]
    assert [(e.round_index, e.threshold_before, e.threshold_after) for e in fired] == [
        (4, 0.75, 0.6)
    ]
    assert model.domestic.threshold[model.setup.index("Japan")] == 0.6
    assert "Upper House election" in "\n".join(transcript(model))
    assert model.domestic.rejections == 0 and model.outcome.agreement


@pytest.mark.parametrize("seed", [0, 1])
def test_schelling_conjecture_a_tighter_threshold_wins_better_terms_until_no_deal(play, seed):
    """Schelling (1960): a negotiator whose hands are tied at home gets more, until they are tied
    so tight that no deal is left. A's utility of the outcome rises (weakly) with its threshold,
    strictly somewhere, and at unanimity (θ = 1: the tariff must be ≤ 20, B needs ≥ 40) there is
    no deal."""
    utilities, deals = [], []
    for theta in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        model = play("schelling", {"actors.A.ratification.threshold": theta}, seed=seed)
        result = summary(model)
        deals.append(result["agreement"])
        if result["agreement"]:
            utilities.append(result["utilities"]["A"])
    assert deals == [True] * 5 + [False]
    assert all(b >= a - 1e-12 for a, b in zip(utilities, utilities[1:], strict=False))
    assert utilities[-1] > utilities[0] + 0.1


def test_strategies_see_the_domestic_side_through_their_view(v1_run, two_level):
    japan = v1_run.government(v1_run.setup.index("Japan")).view
    assert japan.anticipates_ratification  # learned after the rejection in round 6
    rejected = v1_run.offers[5].terms
    assert not japan.ratifiable(rejected)
    assert japan.approval(rejected) == pytest.approx(0.7)
    assert japan.ratifiable(japan.within_win_set(rejected))
    h = two_level.government(two_level.setup.index("H")).view
    assert h.approval(np.array([0.0, 0.0])) is None and h.ratifiable(np.array([0.0, 0.0]))
    assert not h.anticipates_ratification
