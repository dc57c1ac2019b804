"""The debrief (viz.debrief): a played game among the model's own runs."""

from __future__ import annotations

import pytest

from bargaining_chips.experiments import run_once
from bargaining_chips.model.metrics import summary
from bargaining_chips.viz import debrief
from bargaining_chips.viz.play import PlaySession


def _walk_away_game() -> PlaySession:
    game = PlaySession(seats=["Japan"])
    game.propose("Japan", {c.issue: c.value for c in game.controls()})
    game.answer("Japan", "walk_away")
    return game


def test_the_model_outcomes_are_the_models_runs_seed_by_seed():
    seen = []
    outcomes = debrief.model_outcomes("us_japan_2025", {}, runs=3, progress=seen.append)
    assert seen == [1, 2, 3]
    assert outcomes == [run_once({}, seed) for seed in range(3)]
    assert debrief.model_outcomes("us_japan_2025", {}, runs=3, stop=lambda: True) == []


def test_a_walk_away_is_below_every_run_with_a_deal():
    game = _walk_away_game()
    outcomes = debrief.model_outcomes("us_japan_2025", {}, runs=8)
    d = debrief.compare(summary(game.model), outcomes, ["US", "Japan"])
    assert not d.played_deal and d.runs == 8
    share = sum(o["agreement"] for o in outcomes) / 8
    assert d.model_deal_share == pytest.approx(share) and share > 0
    for g in ("US", "Japan"):
        below = sum(o["utilities"][g] < d.utility[g] - 1e-12 for o in outcomes) / 8
        assert d.percentile[g] == pytest.approx(below)
    text = debrief.debrief_html(d)
    assert "You reached no deal" in text and f"{share:.0%} of 8 runs" in text


def test_no_model_runs_is_an_error():
    with pytest.raises(ValueError, match="at least one"):
        debrief.compare(summary(_walk_away_game().model), [], ["US"])
