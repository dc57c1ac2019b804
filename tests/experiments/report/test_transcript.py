"""The transcript and summary text (experiments/report/transcript.py): dated rounds, terms in the issues' own
units, answers with their reasons, lobbying, deadlines and the summary table.

Expected lines are built from the model's own records, so these tests check the wording and the
units, not the numbers of a particular run.
"""

from __future__ import annotations

import numpy as np
import pytest

from bargaining_chips.experiments.report import transcript
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.events import DeadlineMoved, DeadlinePassed, TargetMissed
from bargaining_chips.model.metrics import summary


@pytest.fixture(scope="module")
def model(play):
    return play("us_japan_2025", seed=1)  # a run that ends in a deal


def test_terms_are_written_in_the_issues_own_units():
    model = NegotiationModel("us_japan_2025", seed=0)
    text = transcript.format_terms(model, model.setup.space.no_deal)
    assert text == (
        "reciprocal tariff 24.0%, auto tariff 27.5%, chips ¥0.00T, Alaska LNG $0.0B, "
        "investment fund $0B, shipbuilding 0%, farm access 0%"
    )
    terms = model.setup.space.no_deal.copy()
    terms[1], terms[2] = 12.5, 0.6
    assert "auto tariff 12.5%, chips ¥0.60T" in transcript.format_terms(model, terms)


def test_rounds_are_headed_by_their_date_label_and_place(model):
    assert transcript.round_heading(model, 1) == "Wed 16 Apr 2025 · Round 1 · Washington"
    assert transcript.round_heading(model, 7) == "Mon 16 Jun 2025 · Leaders at the G7 summit · Kananaskis"


def test_undated_rounds_are_numbered(play):
    assert transcript.round_heading(play("bilateral"), 3) == "Round 3"


def test_each_round_shows_the_offer_its_worth_and_the_answers_with_reasons(model):
    names = model.setup.actor_names
    for row in model.rows:
        lines = transcript.round_lines(model, row["round"])
        terms = [row[i] for i in model.setup.space.issue_names]
        assert f"  {row['proposer']} proposes: {transcript.format_terms(model, terms)}" in lines
        worth = " · ".join(f"{names[g]} {row[f'u_{names[g]}']:.2f}" for g in model.setup.governments)
        assert f"    worth to {worth}" in lines
        for who, answer in row["responses"].items():
            u, threshold = row[f"u_{who}"], row["thresholds"][who]
            sign = "≥" if u >= threshold - 1e-12 else "<"
            verb = {"accept": "accepts", "reject": "rejects"}[answer]
            reason = f"worth {u:.2f} to it {sign} the {threshold:.2f} it asks for now"
            if sign == "≥" and answer == "reject":
                reason += ", but it cannot sign it"
            assert f"  {who} {verb} ({reason})" in lines


def test_an_offer_enough_for_a_government_but_not_for_its_ratifiers_is_told_so(play):
    # Seed 4: Japan, anticipating the Diet, turns down an offer worth more than it asks for.
    lines = transcript.transcript(play("us_japan_2025", seed=4))
    told = [k for k, line in enumerate(lines) if line.endswith(", but it cannot sign it)")]
    assert told, "no offer was turned down for the ratifiers' sake"
    for k in told:
        assert "≥" in lines[k] and "rejects" in lines[k]
        assert lines[k + 1].startswith("    … Japan cannot sign it: the Diet and the ruling coalition")


def test_the_first_offer_reads_as_japans_opening(model):
    lines = transcript.round_lines(model, 1)
    assert lines[0] == "Wed 16 Apr 2025 · Round 1 · Washington"
    assert any(line.startswith("  Japan proposes: reciprocal tariff 10.0%, auto tariff 2.5%")
               for line in lines)
    assert any(line.startswith("  US rejects (worth ") for line in lines)


def test_lobbying_is_reported_per_government_with_the_firms_stance(model):
    first, second = transcript.round_lines(model, 1), transcript.round_lines(model, 2)
    third = transcript.round_lines(model, 3)
    deviation = next(m for m in model.lobby_moves if m.round_no == 1 and m.government == "US")
    assert ("  lobbying US: NVIDIA for chips; LNG_Developer for Alaska LNG; US_Farm for farm access;"
            " UAW for auto tariff; US_Revenue for reciprocal tariff"
            f" ({deviation.deviation:.0%} of US's weight moved off its own)") in first
    # Round 2: only Japan's own opening has been offered, so Japan's firms have nothing to judge.
    assert any(line.startswith("  lobbying Japan, with no offer from the other side to judge yet: "
                               "SoftBank for reciprocal tariff; Toyota for auto tariff")
               for line in second)
    # Round 3: they judge the US's offer of round 2, and say so.
    move = next(m for m in model.lobby_moves if m.round_no == 3 and m.firm == "Toyota")
    assert move.judged == (2, "US") and move.stance < 0
    japan = next(i for i, line in enumerate(third)
                 if line.startswith("  lobbying Japan, judging US's offer of round 2 ("))
    assert third[japan + 2] == f"    Toyota for auto tariff, worse off by {-move.stance:.2f} than without a deal"


def test_lobbying_lines_are_short_and_say_indifference_once(play):
    for seed in range(5):
        model = play("us_japan_2025", {}, seed)
        lines = transcript.transcript(model)
        lobbying = [line for line in lines if line.startswith("    ") and " for " in line]
        assert lobbying and max(map(len, lobbying)) <= 120
        assert not any("0.00" in line for line in lobbying)
        assert all(line.count("no better off than without a deal") <= 1 for line in lines)


def test_targets_and_deadlines_are_announced_with_their_fate(play):
    """A hard-line US: the G7 target is missed (Japan, which set it, settles for less), the US
    moves the end of the pause by 30 days, then lets it end the talks."""
    m = play("us_japan_2025", {"actors.US.strategy": {"name": "hardliner"}}, 0)
    told = [transcript.round_lines(m, e.round_index + 1)[-1] for e in m.events
            if isinstance(e, DeadlinePassed | DeadlineMoved | TargetMissed)]
    assert told[0] == ("  ⌛ G7 leaders' summit, the target, passes without a deal — a focal date "
                       "missed, the talks go on; Japan, which set it, now settles for 0.62 "
                       "instead of 0.67")
    assert told[1].startswith("  ⏱ end of the 90-day pause passes without a deal — US moves it "
                              "by 30 days to Fri 08 Aug 2025 (the best offer on the table is "
                              "worth ")
    assert told[1].endswith("at least the margin of 0.10); the talks go on to round 14, Mon 04 Aug")
    assert told[2] == ("  ⏱ end of the 90-day pause passes without a deal — US has moved it as "
                       "often as it may, the talks end")
    assert len(told) == 3 and m.outcome.reason == "deadline not extended"
    hard = play("us_japan_2025", {"actors.US.strategy": {"name": "hardliner"},
                                  "deadlines.pause_end.margin": 1.0}, 0)
    assert transcript.round_lines(hard, 10)[-1] == (
        "  ⏱ end of the 90-day pause passes without a deal — US does not move it, the talks end")


def test_a_threat_is_told_before_the_offers_of_the_round_it_falls_due(play):
    m = play("us_japan_2025", {"actors.US.strategy": {"name": "hardliner"},
                               "issues.reciprocal_tariff.max": 35.0,
                               "threats.letter.issue": "reciprocal_tariff",
                               "threats.letter.no_deal": 35.0, "threats.letter.by": "US",
                               "threats.letter.date": "2025-06-20",
                               "threats.letter.label": "the tariff letter"}, 0)
    lines = transcript.round_lines(m, 8)
    assert lines[0].startswith("Mon 23 Jun 2025 · Round 8")
    threat = next(i for i, line in enumerate(lines) if "⚠" in line)
    assert lines[threat] == ("  ⚠ the tariff letter (from 20 Jun 2025): US carries out its threat "
                             "— without a deal the reciprocal tariff is now 35.0% instead of 24.0% "
                             "(credibility 1.00)")
    assert threat < next(i for i, line in enumerate(lines) if " proposes: " in line)
    header = transcript.transcript(m)
    assert ("threat: the tariff letter, 2025-06-20: US threatens to make the reciprocal tariff "
            "without a deal 35.0% (credibility 1.00)") in header


def test_walking_away_is_worded(play):
    m = play("bilateral", {"actors.A.strategy": {"name": "hardliner", "walk_away": True},
                           "actors.B.strategy": {"name": "hardliner"}})
    assert m.outcome.reason == "walked away"
    assert transcript.round_lines(m, len(m.rows))[-1].startswith("  A walks away (worth ")


def test_events_are_told_before_or_after_the_offer_by_their_kind(model):
    """The model records what happened (typed events, no words); the report words each one and
    places it before the round's offers (an election) or after them (a vote at home)."""
    from bargaining_chips.model.events import AnticipationBegins, NotMonotone

    model.events.append(NotMonotone(1, "US"))
    model.events.append(AnticipationBegins(1, "Japan"))
    try:
        lines = transcript.round_lines(model, 2)
    finally:
        del model.events[-2:]
    proposes = next(i for i, line in enumerate(lines) if " proposes: " in line)
    before = lines.index("  US may not withdraw a concession: its previous proposal stands")
    after = next(i for i, line in enumerate(lines)
                 if line.startswith("  Japan's negotiators will now offer and accept only what "))
    assert before < proposes < after


def test_the_transcript_opens_with_the_title_and_the_deadlines(model):
    lines = transcript.transcript(model)
    assert lines[0] == "US–Japan tariff talks, April–July 2025 — seed 1"
    # The summit's target is its last day (17 June); its round, 16 June: the header says so.
    assert lines[1] == ("target: G7 leaders' summit, 2025-06-17 (a target set by Japan, expected "
                        "to slip with probability 0.50: missing it does not end the talks, it "
                        "costs Japan 0.05 of its reservation); it binds in round 7, Mon 16 Jun, "
                        "the last round on or before it")
    assert lines[2].startswith("deadline: end of the 90-day pause, 2025-07-09 (soft, US may move "
                               "it by 30 days, when the best offer on the table is worth at least "
                               "0.10 more to it than no deal); it binds in round 10, Mon 07 Jul")
    headings = [line for line in lines if line.endswith("Washington") or line.endswith("Kananaskis")]
    assert len(headings) == len(model.rows)


def test_the_summary_table(model, play):
    lines = transcript.summary_lines(model, summary(model))
    rnd = model.setup.rounds[model.outcome.round_index]
    assert f"outcome      agreement in round {rnd.number}, {rnd.date:%d %b %Y} ({rnd.label})" in lines
    auto = next(line for line in lines if line.strip().startswith("auto tariff"))
    assert auto.split()[-1] == "27.5%"  # the no-deal column
    nash = next(i for i, line in enumerate(lines) if line.startswith("Nash product "))
    assert "Nash bargaining solution maximises it" in lines[nash + 1]
    pareto = next(i for i, line in enumerate(lines) if line.startswith("distance to the Pareto"))
    assert "0 means no other deal gives both more" in lines[pareto + 1]
    assert any(line.startswith("coalitions   ") for line in lines)

    no_deal = play("bilateral", {"actors.A.strategy": {"name": "hardliner"},
                                 "actors.B.strategy": {"name": "hardliner"}})
    lines = transcript.summary_lines(no_deal, summary(no_deal))
    assert "outcome      no deal after 10 rounds (hard deadline)" in lines
    x = next(line for line in lines if line.strip().startswith("issue x"))
    assert "—" in x and x.split()[-1] == "5.0%"


def test_a_round_without_an_offer_prints_only_its_heading_and_lobbying():
    model = NegotiationModel(load_scenario("us_japan_2025"), seed=0)
    model.lobby()
    lines = transcript.round_lines(model, 1)
    assert lines[0].startswith("Wed 16 Apr 2025")
    assert not any("proposes" in line for line in lines)
    assert np.isfinite(model.lobby_moves[0].stance)
