"""Adding an actor or an issue needs no code change.

``tests/fixtures/three_governments.toml`` seats a third government (Korea, with a firm behind it)
and adds an issue the default scenario does not have (a steel quota in Mt). It must load, run,
transcribe and summarise with the engine as it is, and write every result file.
"""

from __future__ import annotations

import json

import pytest

from bargaining_chips.experiments.report import transcript
from bargaining_chips.experiments.report.run_files import write_all
from bargaining_chips.model import load_scenario
from bargaining_chips.model.metrics import summary


@pytest.fixture(scope="module")
def runs(play):
    """The first 20 seeds' finished models."""
    return [play("three_governments", seed=seed) for seed in range(20)]


def test_it_loads_with_three_governments_and_the_extra_issue(fixture_path):
    spec = load_scenario(fixture_path("three_governments"))
    assert spec.governments == ("US", "Japan", "Korea")
    assert spec.firms == ("Hyundai",)
    assert "steel_quota" in spec.issue_names


def test_it_runs_to_deals_and_to_no_deals(runs, play):
    """Offers built to win both responders (max-min) settle every one of the 20 seeds; a Korea
    that asks for more (reservation 0.6) leaves some of them without a deal."""
    assert {m.outcome.reason for m in runs} == {"accepted"}
    demanding = [play("three_governments", {"actors.Korea.reservation": 0.6}, seed=s)
                 for s in range(20)]
    reasons = {m.outcome.reason for m in demanding}
    assert "accepted" in reasons
    assert reasons & {"deadline not extended", "hard deadline"}
    for model in runs + demanding:
        proposers = [row["proposer"] for row in model.rows]
        assert proposers == ["US", "Japan", "Korea", "US", "Japan", "Korea"][: len(proposers)]
        for row in model.rows:
            assert set(row["responses"]) == {"US", "Japan", "Korea"} - {row["proposer"]}


def test_a_deal_needs_all_three(runs):
    for model in runs:
        if model.outcome.agreement:
            assert set(model.rows[-1]["responses"].values()) == {"accept"}


def test_it_transcribes_with_the_new_issue_in_its_units(runs):
    model = next(m for m in runs if m.outcome.agreement)
    text = "\n".join(transcript.transcript(model))
    assert "Korea proposes: auto tariff" in text
    assert " Mt" in text and "steel quota" in text
    assert "lobbying Korea: Hyundai for auto tariff" in text
    assert "Korea accepts" in text or "Korea rejects" in text


def test_it_summarises(runs):
    for model in runs:
        result = summary(model)
        assert set(result["utilities"]) == {"US", "Japan", "Korea", "Hyundai"}
        assert result["pareto_distance"] is None  # the frontier is defined between two governments
        if result["agreement"]:
            assert set(result["terms"]) == {"auto_tariff", "chip_purchases", "steel_quota"}
        lines = transcript.summary_lines(model, result)
        assert any(line.strip().startswith("steel quota") for line in lines)
        json.dumps(result)


def test_it_writes_every_result_file(runs, tmp_path):
    model = next(m for m in runs if m.outcome.agreement)
    written = write_all(model, summary(model), tmp_path)
    assert {p.name for p in written} >= {
        "summary.json", "rounds.csv", "lobbying.csv", "transcript.txt",
        "negotiation_dance.png", "utility_space.png",
    }
    assert all(p.stat().st_size > 0 for p in written)
