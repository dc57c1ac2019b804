"""The dashboard's panel data against the model's own records, round by round."""

from __future__ import annotations

import numpy as np
import pytest

from bargaining_chips.experiments.report import transcript
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.viz import panels


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
    assert card.heading == transcript.round_heading(three, 3)
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
    printed = transcript.round_lines(three, 3)
    assert lines == [line[2:] if line.startswith("  ") else line for line in printed[1:]]
    assert any(line.startswith(f"{three.rows[-1]['proposer']} proposes") for line in lines)
    assert panels.round_log(three, 1) == [
        line[2:] if line.startswith("  ") else line for line in transcript.round_lines(three, 1)[1:]
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


def test_layout_is_fixed_and_keeps_each_firm_beside_its_government(fresh, three):
    before = panels.network_layout(fresh)
    assert before == panels.network_layout(three)  # rounds played change nothing
    other_seed = NegotiationModel(fresh.spec, 99)
    assert before == panels.network_layout(other_seed)  # nor does the seed
    other_seed.release()
    names = fresh.setup.actor_names
    assert set(before) == set(names)
    assert all(np.hypot(x, y) == pytest.approx(1.0) for x, y in before.values())
    govs = [names[g] for g in fresh.setup.governments]
    assert before[govs[0]] == pytest.approx((-1.0, 0.0))  # the first government on the left
    for f in fresh.setup.firms:
        home = names[fresh.setup.home[f]]
        nearest = min(govs, key=lambda g: np.hypot(*np.subtract(before[names[f]], before[g])))
        assert nearest == home


def test_layout_puts_no_actor_on_a_line_between_two_others(fresh):
    points = np.array(list(panels.network_layout(fresh).values()))
    for i, p in enumerate(points):
        for j, q in enumerate(points):
            for k, r in enumerate(points):
                if len({i, j, k}) == 3:  # r strictly between p and q would be collinear
                    cross = (q - p)[0] * (r - p)[1] - (q - p)[1] * (r - p)[0]
                    assert abs(cross) > 1e-6


def test_network_before_the_first_round_has_everyone_alone(fresh):
    network = panels.coalition_network(fresh)
    assert network.source == "none" and network.groups == ()
    assert network.alignment == () and network.lobbying == ()
    assert "No offer on the table yet" in network.caption


def test_network_is_the_trackers_latest_snapshot(three):
    network = panels.coalition_network(three)
    tracker = three.coalition_tracker
    snap = tracker.current
    names = three.setup.actor_names
    assert network.source == "table" and snap.round_no == 3
    assert network.caption == "As round 3 opened, on round 2's offer."
    coalitions = tracker.history()[-1]
    assert [g.id for g in network.groups] == [c.id for c in coalitions]
    for group, c in zip(network.groups, coalitions, strict=True):
        assert group.members == tuple(names[i] for i in c.members)
        assert group.stance == c.stance
        assert group.issue == three.spec.issues[three.setup.space.issue_names[c.issue]].label
    assert sorted(m for g in network.groups for m in g.members) == sorted(names)
    assert all(network.coalition[m] == g.id for g in network.groups for m in g.members)


def test_network_edges_are_the_coalition_edges_of_the_graph(three):
    network = panels.coalition_network(three)
    graph = three.coalition_tracker.graph()
    expected = {frozenset((u, v)) for u, v, data in graph.edges(data=True) if data["in_coalition"]}
    assert {frozenset((u, v)) for u, v, _ in network.alignment} == expected
    for u, v, weight in network.alignment:
        assert weight == pytest.approx(graph.edges[u, v]["weight"])


def test_network_arrows_are_this_rounds_lobbying(three):
    network = panels.coalition_network(three)
    moves = {
        (m.firm, m.government, m.intensity)
        for m in three.lobby_moves
        if m.round_no == 3 and m.intensity > 0
    }
    assert set(network.lobbying) == moves and moves


def test_network_after_the_talks_is_the_final_graph():
    model = _model(0)
    try:
        model.run()
        network = panels.coalition_network(model)
        assert network.source == "final"
        assert network.caption.startswith("After the talks ended, on the")
        final = model.coalition_tracker.final_coalitions()
        assert [list(g.members) for g in network.groups] == final
    finally:
        model.release()


def test_the_dashboard_dance_keeps_its_axis_label_inside_the_panel(three):
    from bargaining_chips.viz import figures

    fig = figures.new_figure()
    ax = fig.add_subplot()
    figures.draw_dance(panels.dance_table(three), panels.calendar_ticks(three), ax)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.canvas.draw()
    label = ax.yaxis.label.get_window_extent(renderer)
    assert label.x0 >= 0 and ax.get_ylabel() == "utility of the offer"


def test_calendar_events_list_every_move_in_the_transcripts_words():
    model = NegotiationModel(load_scenario("us_japan_2025", {"actors.US.reservation": 0.85}), rng=2)
    assert panels.calendar_events(model) == []
    while model.outcome is None and len(model.rows) < 10:
        model.step()
    events = panels.calendar_events(model)
    assert [line.split(":")[0] for line in events] == ["round 7", "round 10"]
    assert events[0].startswith("round 7: ⌛ G7 leaders' summit, the target, passes without a deal")
    assert "US moves it by 30 days to Fri 08 Aug 2025" in events[1]
    assert events[1] == f"round 10: {transcript.round_lines(model, 10)[-1].strip()}"
