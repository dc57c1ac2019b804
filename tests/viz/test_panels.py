"""The dashboard's panel data against the model's own records, round by round."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import report
from model import NegotiationModel, load_scenario
from viz import panels


def _model(rounds: int, overrides: dict | None = None, seed: int = 0) -> NegotiationModel:
    model = NegotiationModel(load_scenario("us_japan_2025", overrides), seed)
    for _ in range(rounds):
        model.step()
    return model


@pytest.fixture
def fresh():
    model = _model(0)
    yield model
    model.release()


@pytest.fixture
def three():
    model = _model(3)
    yield model
    model.release()


def test_before_the_first_round_the_card_announces_it(fresh):
    card = panels.round_summary(fresh)
    first = fresh.setup.rounds[0]
    assert card.round_no is None and card.proposer is None and card.terms == ()
    assert card.heading.startswith("Before round 1")
    assert f"{first.date:%d %b %Y}" in card.status and card.status.startswith("Talks go on")
    assert not card.finished


def test_round_card_shows_the_last_offer_in_the_issues_units(three):
    card = panels.round_summary(three)
    row = three.rows[-1]
    assert card.round_no == row["round"] == 3
    assert card.date == row["date"]
    assert card.heading == report.round_heading(three, 3)
    assert card.proposer == row["proposer"]
    issues = three.spec.issues
    assert [t.issue for t in card.terms] == list(issues)
    for line in card.terms:
        assert line.value == row[line.issue]
        assert line.shown == issues[line.issue].render(row[line.issue])
        assert line.no_deal == issues[line.issue].render(issues[line.issue].no_deal)


def test_round_card_gives_each_side_its_utility_and_the_responders_threshold(three):
    card = panels.round_summary(three)
    row = three.rows[-1]
    names = three.setup.actor_names
    assert {s.government for s in card.stands} == {names[g] for g in three.setup.governments}
    for stand in card.stands:
        assert stand.utility == pytest.approx(row[f"u_{stand.government}"])
        if stand.government == row["proposer"]:
            assert stand.role == "proposer" and stand.answer is None and stand.threshold is None
        else:
            assert stand.role == "responder"
            assert stand.answer == row["responses"][stand.government]
            assert stand.threshold == pytest.approx(row["thresholds"][stand.government])


def test_status_follows_the_outcome():
    model = _model(2)
    try:
        assert panels.status_line(model).startswith("Talks go on: round 3 on 23 May 2025")
        model.finish(False, model.setup.space.no_deal, "walked away")
        assert (
            panels.status_line(model)
            == "No deal in round 3 on 23 May 2025: a government walked away."
        )
        card = panels.round_summary(model)
        assert card.finished and not card.agreement
    finally:
        model.release()
    model = _model(0)
    try:
        model.run()
        card = panels.round_summary(model)
        rnd = model.setup.rounds[model.outcome.round_index]
        expected = "Agreement" if model.outcome.agreement else "No deal"
        assert card.status.startswith(f"{expected} in round {rnd.number} on {rnd.date:%d %b %Y}")
        assert card.agreement == model.outcome.agreement and card.finished
    finally:
        model.release()


def test_round_log_is_the_transcript_of_the_round(three):
    lines = panels.round_log(three)
    transcript = report.round_lines(three, 3)
    assert lines == [line[2:] if line.startswith("  ") else line for line in transcript[1:]]
    assert any(line.startswith(f"{three.rows[-1]['proposer']} proposes") for line in lines)
    assert panels.round_log(three, 1) == [
        line[2:] if line.startswith("  ") else line for line in report.round_lines(three, 1)[1:]
    ]


def test_round_log_is_empty_before_the_first_round(fresh):
    assert panels.round_log(fresh) == []


def test_calendar_ticks_cover_every_round(fresh):
    ticks = panels.calendar_ticks(fresh)
    assert [n for n, _ in ticks] == [r.number for r in fresh.setup.rounds]
    assert ticks[0] == (1, "16 Apr")


def test_dance_and_utility_space_hold_every_offer(three):
    dance = panels.dance_table(three)
    governments = [three.setup.actor_names[g] for g in three.setup.governments]
    assert len(dance) == 3 * len(governments)
    for row in three.rows:
        part = dance[dance["round"] == row["round"]]
        for gov in governments:
            assert part[part["government"] == gov]["utility"].item() == pytest.approx(
                row[f"u_{gov}"]
            )
    space = panels.utility_space(three)
    assert len(space["offers"]) == 3
    assert space["nash"] is not None and len(space["frontier"]) >= 2


def test_layout_is_seeded_stable_and_pins_the_governments(fresh, three):
    before = panels.network_layout(fresh)
    after = panels.network_layout(three)
    assert before == after == panels.network_layout(fresh)
    assert set(before) == set(fresh.setup.actor_names)
    names = fresh.setup.actor_names
    govs = [names[g] for g in fresh.setup.governments]
    assert before[govs[0]] == (-1.0, 0.0) and before[govs[-1]] == (1.0, 0.0)
    # a firm sits nearer its home government than the other one
    for f in fresh.setup.firms:
        home = names[fresh.setup.home[f]]
        other = next(g for g in govs if g != home)
        mine = np.hypot(*np.subtract(before[names[f]], before[home]))
        theirs = np.hypot(*np.subtract(before[names[f]], before[other]))
        assert mine < theirs


def test_layout_seed_matters(fresh):
    assert panels.network_layout(fresh, seed=1) != panels.network_layout(fresh, seed=2)


def test_network_before_any_offer_has_no_sides(fresh):
    network = panels.coalition_network(fresh)
    assert network.source == "none"
    assert set(network.coalition) == set(fresh.setup.actor_names)
    assert network.members == {"no offer yet": fresh.setup.actor_names}


def test_network_sides_are_read_off_the_offer_on_the_table(three):
    network = panels.coalition_network(three)
    row = three.rows[-1]
    names = three.setup.actor_names
    assert network.source == "offer"
    assert network.coalitions == ("for this offer", "against this offer")
    for i, name in enumerate(names):
        gains = row[f"u_{name}"] >= three.reservation[i]
        assert network.coalition[name] == (0 if gains else 1)
    members = network.members
    assert sorted(members["for this offer"] + members["against this offer"]) == sorted(names)


def test_network_edges_are_this_rounds_lobbying_and_the_table(three):
    network = panels.coalition_network(three)
    lobbying = {(u, v, w) for u, v, w, kind in network.edges if kind == "lobbying"}
    moves = {(m.firm, m.government, m.intensity) for m in three.lobby_moves if m.round_no == 3}
    assert lobbying == moves and moves
    table = [e for e in network.edges if e[3] == "table"]
    assert [(u, v) for u, v, _, _ in table] == [("US", "Japan")]
