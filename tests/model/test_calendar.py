"""The calendar as the parties play it: targets, deadlines their owners move, rounds at a cadence,
threats that escalate (model/calendar.py and the model's calendar step).

Stylised facts run the small dated fixture ``deadlines.toml`` over 200 seeds (about 0.4 s per
200 runs); tolerances are stated where a share is compared.
"""

from __future__ import annotations

import datetime as dt
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.calendar import Deadline, cadence_rounds, expected_horizon, index_on
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.events import (
    DeadlineMoved,
    DeadlinePassed,
    TargetMissed,
    ThreatResolved,
)

SEEDS = range(200)
THREAT = {"threats.letter.issue": "tariff", "threats.letter.no_deal": 45.0,
          "threats.letter.date": dt.date(2025, 4, 14), "threats.letter.by": "US"}


@pytest.fixture(scope="module")
def path(fixture_path):
    return fixture_path("deadlines")


def runs(path, overrides=None, seeds=SEEDS):
    spec = load_scenario(path, overrides or {})
    out = []
    for seed in seeds:
        model = NegotiationModel(spec, rng=seed, collect=False)
        model.run()
        out.append(model)
    return out


# -- the compiled calendar ---------------------------------------------------------------------
def test_rounds_follow_the_last_dated_one_at_the_cadence_up_to_the_deadline(path):
    rounds = compile_scenario(load_scenario(path)).rounds
    assert [r.date for r in rounds[4:]] == [dt.date(2025, 5, d) for d in (5, 12, 19, 26)]
    assert [r.number for r in rounds] == list(range(1, 9))
    assert {r.place for r in rounds[4:]} == {"Geneva"}
    assert rounds[-1].label == "Round 8"


def test_cadence_rounds_and_index_on_agree():
    from bargaining_chips.model.calendar import Round

    last = Round(3, dt.date(2025, 1, 1), "", "")
    made = cadence_rounds(last, dt.date(2025, 1, 29), 7, "X", cap=100)
    assert [r.number for r in made] == [4, 5, 6, 7]
    assert index_on([last], dt.date(2025, 1, 29), 7, cap=100) == len(made)
    assert index_on([last], dt.date(2025, 1, 28), 7, cap=100) == len(made) - 1
    assert cadence_rounds(last, dt.date(2025, 1, 29), 7, "X", cap=5)[-1].number == 5


def _d(index, kind="hard", p=0.0, **kw):
    return Deadline(f"d{index}", index, kind, p, None, "", **kw)


def test_a_believed_target_is_the_horizon_and_later_targets_are_skipped():
    deadlines = (_d(3, "target"), _d(6, "target"), _d(9, "soft", 0.5))
    assert expected_horizon(deadlines, 0, 12) == 3.0
    assert expected_horizon(deadlines, 1, 12) == 6.0
    assert expected_horizon(deadlines, 2, 12) == pytest.approx(0.5 * 9 + 0.5 * 12)
    # a target the parties expect to slip with p: aimed at with probability 1 − p
    assert expected_horizon((_d(3, "target", 0.5), _d(9)), 0, 12) == 0.5 * 3 + 0.5 * 9
    # believing the hard deadline after a target: the target is not a cut-off
    assert expected_horizon((_d(3, "target"), _d(9)), 1, 12) == 9.0


def test_a_deadline_moved_by_days_is_expected_at_its_new_round():
    soft = _d(5, "soft", 0.4, extension_days=14)
    assert expected_horizon((soft,), 0, 20, {"d5": 7}) == pytest.approx(0.6 * 5 + 0.4 * 7)
    strategic = _d(5, "soft", 0.0, rule="strategic", extension_days=14)
    assert expected_horizon((strategic,), 0, 20, {"d5": 7}) == 5.0  # planned for until it moves


# -- targets -----------------------------------------------------------------------------------
def test_a_missed_target_never_ends_the_talks_and_costs_its_owner(path):
    for model in runs(path):
        missed = [e for e in model.events if isinstance(e, TargetMissed)]
        target = model.setup.deadlines[0]
        assert target.target and target.index == 3
        if model.outcome.round_index > target.index or not model.outcome.agreement:
            assert len(missed) == 1 and missed[0].round_index == target.index
            assert missed[0].reservation_after == pytest.approx(missed[0].reservation_before - 0.05)
        assert not (model.outcome.round_index == target.index and not model.outcome.agreement)


def test_the_cost_of_a_missed_target_moves_its_owner_to_a_deal(path):
    """With the cost Japan settles; without it, the zone is too narrow (tolerance: 90 points)."""
    with_cost = mean(m.outcome.agreement for m in runs(path))
    without = mean(m.outcome.agreement for m in runs(path, {"deadlines.summit.cost": 0.0}))
    assert with_cost - without > 0.9


# -- deadlines and their owners ----------------------------------------------------------------
def _plain(model):
    return (model.outcome.agreement, model.outcome.round_index, model.outcome.terms.tolist(),
            [r["proposer"] for r in model.rows], [r["tariff"] for r in model.rows])


def test_a_deadline_its_owner_never_moves_plays_as_a_hard_one(path):
    never = runs(path, {"deadlines.summit.cost": 0.0}, range(60))
    hard = runs(path, {"deadlines.summit.cost": 0.0, "deadlines.end.kind": "hard",
                       "deadlines.end.owner": None, "deadlines.end.extension_days": None},
                range(60))
    assert [_plain(m) for m in never] == [_plain(m) for m in hard]


def test_a_deadline_moved_with_probability_1_brings_rounds_after_its_date_at_the_cadence(path):
    models = runs(path, {"deadlines.summit.cost": 0.0, "deadlines.end.extension_probability": 1.0})
    reached = [m for m in models if any(isinstance(e, DeadlineMoved) for e in m.events)]
    assert len(reached) == 200  # no deal in this zone before the deadline, so every run reaches it
    for model in reached:
        (move,) = [e for e in model.events if isinstance(e, DeadlineMoved)]
        assert (move.from_date, move.to_date) == (dt.date(2025, 5, 26), dt.date(2025, 6, 9))
        dates = [dt.date.fromisoformat(r["date"]) for r in model.rows]
        assert max(dates) == dt.date(2025, 6, 9)
        assert [r.date for r in model.rounds[8:]] == [dt.date(2025, 6, 2), dt.date(2025, 6, 9)]
        assert model.outcome.deadline == "end" and model.outcome.round_index == 9


def test_the_strategic_owner_moves_the_deadline_when_the_deal_in_reach_beats_no_deal(path):
    base = {"deadlines.summit.cost": 0.0, "deadlines.end.rule": "strategic",
            "deadlines.end.extension_probability": 0.0}
    keen = runs(path, {**base, "deadlines.end.margin": -1.0}, range(40))
    never = runs(path, {**base, "deadlines.end.margin": 1.0}, range(40))
    assert all(any(isinstance(e, DeadlineMoved) for e in m.events) for m in keen)
    assert not any(isinstance(e, DeadlineMoved) for m in never for e in m.events)
    move = next(e for e in keen[0].events if isinstance(e, DeadlineMoved))
    assert move.rule == "strategic" and move.owner == "US" and move.worth is not None


def test_relative_time_runs_on_after_a_move_and_never_backwards(path):
    """With p = 0.5 the US expects the deadline in round 9 (halfway between 8 and 10); once its
    owner has moved it, its time runs on from where it stood to 1 in round 10."""
    spec = load_scenario(path, {"deadlines.summit.cost": 0.0,
                                "deadlines.end.extension_probability": 0.5})
    us = compile_scenario(spec).index("US")
    for seed in range(20):
        model = NegotiationModel(spec, rng=seed, collect=False)
        times = []
        while model.outcome is None:
            times.append(model.relative_time(us, model.round_index))
            model.step()
        if any(isinstance(e, DeadlineMoved) for e in model.events):
            break
    assert times == sorted(times) and times[0] == 0.0
    assert times[7] == 7 / 8  # the expected horizon before the move: 0.5 · 7 + 0.5 · 9
    assert len(times) == 10 and times[8] == pytest.approx(7 / 8 + 1 / 16) and times[9] == 1.0


def test_the_deadline_effect_holds_against_the_deadline_in_force(path):
    """Roth, Murnighan & Schoumaker (1988): agreements cluster in the last rounds before the
    deadline in force, here the one the owner moved (tolerance: at least 80% in its last two)."""
    models = runs(path, {"deadlines.end.extension_probability": 1.0,
                         "actors.Japan.reservation": 0.77})
    deals = [m for m in models if m.outcome.agreement]
    assert len(deals) > 150
    in_force = [m.deadlines[-1].index for m in deals]
    assert sum(i == 9 for i in in_force) > 150  # mostly moved from round 8 to round 10
    assert mean(m.outcome.round_index >= i - 1 for m, i in zip(deals, in_force, strict=True)) > 0.8


# -- threats -----------------------------------------------------------------------------------
def test_raising_a_threats_credibility_hurts_the_threatened_side_and_brings_a_deal(path):
    base = {"deadlines.summit.cost": 0.0, **THREAT}
    table = {}
    for c in (0.0, 0.5, 1.0):
        models = runs(path, {**base, "threats.letter.credibility": c})
        japan = models[0].setup.index("Japan")
        no_deal_utility = mean(m.prefs.utility(japan, m.no_deal) for m in models)
        table[c] = (no_deal_utility, mean(m.outcome.agreement for m in models))
    assert table[0.0][0] > table[0.5][0] > table[1.0][0]
    assert table[0.0][1] < table[0.5][1] < table[1.0][1]  # P(deal): 0, about 0.4, 1


def test_a_threat_carried_out_moves_the_no_deal_terms_and_the_reservations(path):
    model = NegotiationModel(load_scenario(path, {**THREAT, "deadlines.summit.cost": 0.0,
                                                  "actors.Japan.reservation": 0.99}), rng=1)
    start = model.reservation.copy()
    model.run()
    (e,) = [e for e in model.events if isinstance(e, ThreatResolved)]
    assert e.carried_out and e.round_index == 1 and (e.no_deal_before, e.no_deal_after) == (25, 45)
    assert model.no_deal[0] == 45.0 and model.outcome.terms[0] == 45.0  # the no-deal outcome
    us, japan = model.setup.index("US"), model.setup.index("Japan")
    assert model.reservation[japan] == pytest.approx(start[japan] - 0.7 * 0.4)
    assert model.reservation[us] == pytest.approx(start[us] + 0.3 * 0.4)
    # each offer is judged against the reservation of its round: round 1's before the letter,
    # the later ones after it (the dance draws these, a step at round 2)
    numbers = [row["round"] for row in model.rows]
    judged = [float(r[japan]) for r in model.offer_reservations]
    assert numbers[0] == 1 and max(numbers) > 2 and len(judged) == len(model.rows)
    assert all(r == start[japan] for n, r in zip(numbers, judged, strict=True) if n == 1)
    assert all(r == pytest.approx(start[japan] - 0.7 * 0.4)
               for n, r in zip(numbers, judged, strict=True) if n >= 2)


# -- invariants --------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(p=st.sampled_from([0.0, 0.5, 1.0]), days=st.integers(1, 30), times=st.integers(1, 3),
       cadence=st.integers(3, 10), strategic=st.booleans(), margin=st.floats(-0.5, 0.5),
       cost=st.sampled_from([0.0, 0.05]), seed=st.integers(0, 2**16))
def test_no_deal_or_round_beyond_the_final_deadline_and_each_move_recorded_once(
        path, p, days, times, cadence, strategic, margin, cost, seed):
    overrides = {"calendar.cadence_days": cadence, "deadlines.end.extension_days": max(days, cadence),
                 "deadlines.end.max_extensions": times, "deadlines.summit.cost": cost}
    if strategic:
        overrides.update({"deadlines.end.rule": "strategic", "deadlines.end.margin": margin})
    else:
        overrides["deadlines.end.extension_probability"] = p
    model = NegotiationModel(load_scenario(path, overrides), rng=seed, collect=False)
    model.run()
    final = [d for d in model.deadlines if not d.target][-1]
    last_round = max(r["round"] for r in model.rows)
    assert model.outcome.round_index <= final.index
    assert last_round <= final.index + 1 and last_round == model.outcome.round_index + 1
    moves = [e for e in model.events if isinstance(e, DeadlineMoved)]
    assert len(moves) == final.moves <= times
    assert len({e.round_index for e in moves}) == len(moves)
    if model.outcome.agreement:
        assert model.rounds[model.outcome.round_index].date <= final.date
    else:
        ends = [e for e in model.events if isinstance(e, DeadlinePassed)]
        assert len(ends) == 1 and ends[0].round_index == final.index


def test_an_election_after_the_schedule_falls_inside_extended_talks():
    """A demanding US moves the end of the pause by 30 days (seed 2): the talks reach 20 July, and
    Japan's Upper House election sets its threshold there, before that round's offers."""
    from bargaining_chips.model.events import ElectionHeld

    model = NegotiationModel(load_scenario("us_japan_2025", {"actors.US.reservation": 0.85,
                                                             "actors.Japan.reservation": 0.75}),
                             rng=2, collect=False)
    model.run()
    assert any(isinstance(e, DeadlineMoved) for e in model.events)
    held = [e for e in model.events if isinstance(e, ElectionHeld)]
    assert model.outcome.round_index >= 11  # the talks reached the round of 21 July
    assert len(held) == 1 and model.rounds[held[0].round_index].date == dt.date(2025, 7, 21)
    assert (held[0].threshold_before, held[0].threshold_after) == (0.75, 0.6)


def test_an_old_scenario_file_keeps_soft_as_an_extension_to_the_next_deadline(fixture_path):
    spec = load_scenario(fixture_path("us_japan_2025_v1"))
    g7 = compile_scenario(spec).deadlines[0]
    assert (g7.kind, g7.extension_probability, g7.extension_days, g7.owner) == ("soft", 0.5, None,
                                                                                None)
    fates = set()
    for seed in range(30):
        model = NegotiationModel(spec, rng=seed, collect=False)
        model.run()
        fates |= {e.extended for e in model.events if isinstance(e, DeadlinePassed)}
        assert not any(isinstance(e, DeadlineMoved | TargetMissed) for e in model.events)
    assert fates == {True, False}
