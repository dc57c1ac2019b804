"""Reproducibility: one seed, one history.

Every draw comes from the model's seeded generator, so the same seed gives an identical per-round
table and summary; reseeding or consuming Python's and numpy's global generators between runs
changes nothing; and where a strategy is stochastic (in the default scenario Japan's is ``noisy``)
different seeds give different plays.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.metrics import summary


def run(seed: int, scenario="us_japan_2025", overrides=None):
    model = NegotiationModel(load_scenario(scenario, overrides), seed=seed)
    model.run()
    model.release()
    return model.rounds_table(), summary(model), model


def test_same_seed_same_table_and_summary():
    table_a, summary_a, model_a = run(5)
    table_b, summary_b, model_b = run(5)
    pd.testing.assert_frame_equal(table_a, table_b)
    assert summary_a == summary_b
    assert [m.__dict__ for m in model_a.lobby_moves] == [m.__dict__ for m in model_b.lobby_moves]
    assert model_a.events == model_b.events


def test_the_global_generators_do_not_matter():
    random.seed(1)
    np.random.seed(1)
    table_a, summary_a, _ = run(8)
    random.seed(12345)
    np.random.seed(54321)
    random.random()
    np.random.standard_normal(17)
    table_b, summary_b, _ = run(8)
    pd.testing.assert_frame_equal(table_a, table_b)
    assert summary_a == summary_b


def test_interleaved_runs_do_not_share_state():
    """Two models stepped alternately play as each would alone."""
    alone = [run(s)[0] for s in (1, 2)]
    models = [NegotiationModel("us_japan_2025", seed=s) for s in (1, 2)]
    while any(m.outcome is None for m in models):
        for m in models:
            m.step()
    for model, table in zip(models, alone, strict=True):
        pd.testing.assert_frame_equal(model.rounds_table(), table)


def test_different_seeds_differ_where_play_is_stochastic():
    tables = [run(seed)[0] for seed in range(6)]
    japan_offers = {tuple(t.loc[t["proposer"] == "Japan", "u_Japan"].round(12)) for t in tables}
    assert len(japan_offers) == 6


def test_deterministic_strategies_ignore_the_seed_until_a_deadline_draws():
    """Without noise nothing is drawn before the first soft deadline: the seeds' tables agree up to
    that round."""
    overrides = {"actors.Japan.strategy.sigma": 0.0}
    first = compile_scenario(load_scenario("us_japan_2025")).deadlines[0].index
    tables = [run(seed, overrides=overrides)[0] for seed in range(4)]
    for t in tables[1:]:
        pd.testing.assert_frame_equal(t.iloc[: first + 1], tables[0].iloc[: first + 1])


def test_run_once_returns_the_same_summary_as_the_model(tmp_path):
    from bargaining_chips.experiments import run_once

    assert run_once({}, seed=3) == run(3)[1]
    assert run_once({"actors.Japan.strategy.beta": 0.5}, seed=3) == run(
        3, overrides={"actors.Japan.strategy.beta": 0.5})[1]
