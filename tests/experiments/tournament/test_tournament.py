"""Tournaments (experiments.tournament): design size, the sweep they ride on, resume, tables, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bargaining_chips.experiments.sweep.design import Design
from bargaining_chips.experiments.sweep.store import ResultStore
from bargaining_chips.experiments.tournament import (
    load_tournament,
    pairwise_scores,
    ranking,
    run_tournament,
    scores,
)
from bargaining_chips.experiments.tournament.config import parse_tournament, sweep_config
from bargaining_chips.experiments.tournament.ranking import mean_interval, wilson_interval
from bargaining_chips.model.errors import UserError

ROOT = Path(__file__).resolve().parents[3]
SMALL = {
    "name": "small", "root_seed": 3, "seeds": 2,
    "strategies": {"boulware": {"name": "boulware"}, "conceder": {"name": "conceder"},
                   "trade": {"bidding": "trade_off", "model": "frequency"}},
    "scenarios": [{"name": "synthetic_5"},
                  {"name": "faratin", "sides": ["Seller", "Buyer"],
                   "set": {"protocol.information": "private"}}],
}


@pytest.mark.parametrize(("self_play", "pairings"), [(True, 9), (False, 6)])
def test_the_design_is_strategies_squared_times_scenarios_times_seeds(self_play, pairings):
    config = parse_tournament({**SMALL, "self_play": self_play})
    assert len(config.pairings) == pairings
    assert config.design_size == pairings * 2 * 2
    assert Design(sweep_config(config)).runs_total == config.design_size
    if not self_play:
        assert all(a != b for a, b in config.pairings)
    assert {(b, a) for a, b in config.pairings} == set(config.pairings)  # each pair in each role


def test_a_tournament_writes_its_tables_and_a_resumed_one_gives_the_same(tmp_path):
    config = parse_tournament(SMALL)
    first = run_tournament(config, tmp_path / "a", backend="serial", quiet=True, part_rows=4)
    assert first.sweep.complete and first.sweep.runs_done == config.design_size
    frame = ResultStore(tmp_path / "a").load()
    assert len(frame) == config.design_size and (frame["status"] == "ok").all()
    table = pd.read_csv(tmp_path / "a" / "ranking.csv")
    assert list(table["strategy"]) == list(first.ranking["strategy"])
    assert table["matches"].tolist() == [2 * 3 * 2 * 2] * 3  # 2 seats x 3 opponents x 2 x 2
    assert (table["utility_low"] <= table["mean_utility"]).all()
    assert (tmp_path / "a" / "plots" / "pairwise.png").stat().st_size > 0
    assert (tmp_path / "a" / "plots" / "scores.png").stat().st_size > 0
    # An interrupted tournament (its last part lost) resumes to the same table.
    run_tournament(config, tmp_path / "b", backend="serial", quiet=True, part_rows=4)
    store = ResultStore(tmp_path / "b")
    parts = store.part_files()
    if parts:
        parts[-1].unlink()
    again = run_tournament(config, tmp_path / "b", backend="serial", quiet=True, part_rows=4)
    assert again.sweep.runs_before + again.sweep.runs_done == config.design_size
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a" / "ranking.csv"),
                                  pd.read_csv(tmp_path / "b" / "ranking.csv"))
    # a different tournament is not resumed into the same folder
    other = parse_tournament({**SMALL, "seeds": 3})
    with pytest.raises(UserError):
        run_tournament(other, tmp_path / "a", backend="serial", quiet=True)


def test_scores_credit_each_seat_and_the_ranking_orders_by_mean():
    frame = pd.DataFrame({
        "param.tournament.pairing": ["A vs B", "B vs A", "A vs A"],
        "param.tournament.scenario": ["s", "s", "s"], "seed": [1, 1, 1], "status": "ok",
        "score_first": [0.8, 0.3, 0.5], "score_second": [0.2, 0.6, 0.5],
        "agreement": [True, True, False], "agreement_round": [3, 5, None],
        "pareto_distance": [0.0, 0.1, 0.3], "nash_distance": [0.1, 0.2, 0.4],
        "tau_first": [None, None, None], "tau_second": [None, None, None],
    })
    table = scores(frame)
    assert len(table) == 6
    a = table[table["strategy"] == "A"]
    assert sorted(a["score"]) == [0.5, 0.5, 0.6, 0.8]
    ranked = ranking(table)
    assert ranked["strategy"].tolist() == ["A", "B"] and ranked["rank"].tolist() == [1, 2]
    assert ranked.loc[0, "rounds_to_agreement"] == pytest.approx(4.0)  # agreements only
    matrix = pairwise_scores(table, ["A", "B"])
    assert matrix.loc["A", "B"] == pytest.approx(0.7) and matrix.loc["B", "A"] == pytest.approx(0.25)


def test_intervals():
    mean, lo, hi = mean_interval(np.array([1.0, 2.0, 3.0, np.nan]))
    assert mean == 2.0 and lo < 2.0 < hi
    p, lo, hi = wilson_interval(8, 10)
    assert p == 0.8 and 0.49 < lo < 0.8 < hi < 0.95


@pytest.mark.parametrize(("change", "field"), [
    ({"strategies": {"only": {"name": "boulware"}}}, "strategies"),
    ({"strategies": {**SMALL["strategies"], "bad": {"name": "psychic"}}}, "strategies.bad"),
    ({"scenarios": [{"name": "synthetic_5", "sides": ["Buyer", "Nobody"]}]}, "scenarios.0"),
    ({"seats": 3}, "seats"),
])
def test_bad_configs_name_the_field(change, field):
    with pytest.raises(UserError) as err:
        parse_tournament({**SMALL, **change})
    assert field in str(err.value)


def test_the_example_config_ranks_at_least_eight_strategies_on_two_domains():
    config = load_tournament(ROOT / "experiments" / "configs" / "tournaments" / "strategy_ranking.toml")
    assert len(config.strategies) >= 8
    assert {s.name for s in config.scenarios} == {"us_japan_2025", "synthetic_5"}
    assert any("bidding" in t for t in config.strategies.values())


def test_the_command_line(tmp_path, capsys):
    path = tmp_path / "t.toml"
    lines = ['name = "cli"', "seeds = 1", "[strategies]", 'a = { name = "boulware" }',
             'b = { name = "conceder" }', "[[scenarios]]", 'name = "synthetic_5"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "tournament", str(path), "--out",
                           str(tmp_path / "out"), "--backend", "serial"],
                          capture_output=True, text=True, timeout=120,
                          env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "cli: 4 matches" in done.stdout and "ranking.csv" in done.stdout
    # a missing config, through main() in this process (the process above, and
    # tests/test_cli.py's, check a real process's exit status and output)
    from bargaining_chips.cli import main

    assert main(["tournament", str(tmp_path / "no"), "--out", str(tmp_path / "x")]) == 2
    bad = capsys.readouterr()
    assert len(bad.err.strip().splitlines()) == 1 and str(tmp_path / "no") in bad.err
    assert not (tmp_path / "x").exists()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["status"] == "complete"


@pytest.mark.parametrize(("scenario", "overrides"), [
    ("us_japan_2025", {"protocol.information": "private"}), ("synthetic_5", {}), ("faratin", {}),
])
def test_the_match_nash_point_is_the_frontiers(scenario, overrides):
    from bargaining_chips.experiments.tournament.match import nash_utilities
    from bargaining_chips.model import NegotiationModel, load_scenario
    from bargaining_chips.model.metrics import SUMMARY_SAMPLES, frontier
    from bargaining_chips.model.solutions import nash_power

    spec = load_scenario(scenario, overrides)
    for seed in range(3):
        m = NegotiationModel(spec, seed=seed, collect=False)
        m.run()
        front = frontier(m, SUMMARY_SAMPLES)
        exact = front.nash(nash_power(spec))
        assert nash_utilities(front, nash_power(spec)) == pytest.approx(exact.utilities, abs=1e-7)
