"""Summaries with known answers: exact means, textbook intervals, errors counted apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import linear_config

from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import load_results
from bargaining_chips.experiments.sweep.summarize import (
    format_summary,
    summarize,
    t_interval,
    wilson_interval,
)


def test_wilson_interval_textbook_values():
    # 8 of 10: Wilson 95% interval (0.490, 0.943) (Newcombe 1998, Table I style).
    low, high = wilson_interval(np.array([8]), np.array([10]))
    assert (low[0], high[0]) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    low, high = wilson_interval(np.array([0, 10]), np.array([10, 10]))
    assert low[0] == 0.0 and high[1] == 1.0
    assert high[0] == pytest.approx(0.2775, abs=1e-4)


def test_t_interval_textbook_value():
    low, high = t_interval(np.array([10.0]), np.array([2.0]), np.array([5]))
    half = 2.7764451051977987 * 2.0 / np.sqrt(5)
    assert (low[0], high[0]) == pytest.approx((10 - half, 10 + half))
    low, _ = t_interval(np.array([1.0]), np.array([np.nan]), np.array([1]))
    assert np.isnan(low[0])


def test_summary_of_the_toy_model_has_its_known_means(tmp_path):
    # Without noise y = 2x + 3z exactly; deal ~ Bernoulli(x): never at x = 0, always at x = 1.
    cfg = linear_config(replications=50, constants={"noise": 0.0})
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    table = summarize(load_results(tmp_path))
    y = table[table["outcome"] == "y"].set_index(["param.x", "param.z"])
    for (x, z), row in y.iterrows():
        assert row["mean"] == pytest.approx(2 * x + 3 * z)
        assert row["sd"] == pytest.approx(0.0, abs=1e-12) and row["n"] == 50
        assert row["interval"] == "t"
    deal = table[table["outcome"] == "deal"].set_index(["param.x", "param.z"])
    assert (deal.loc[0.0, "mean"] == 0.0).all() and (deal.loc[1.0, "mean"] == 1.0).all()
    assert (deal["interval"] == "wilson").all()
    half = deal.loc[0.5]
    assert ((half["ci_low"] < 0.5) & (half["ci_high"] > 0.5)).all()
    assert "param.noise" not in table.columns  # constants are not groups


def test_noisy_means_fall_inside_their_intervals(tmp_path):
    cfg = linear_config(replications=400, constants={"noise": 1.0})
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    y = summarize(load_results(tmp_path), outcomes=["y"])
    truth = 2 * y["param.x"] + 3 * y["param.z"]
    assert ((y["ci_low"] < truth) & (truth < y["ci_high"])).all()


def test_errors_are_counted_not_averaged(tmp_path):
    cfg = linear_config(replications=4, constants={"noise": 0.0, "fail_above": 0.6})
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    table = summarize(load_results(tmp_path), outcomes=["y"])
    failed = table[table["param.x"] == 1.0]
    assert (failed["errors"] == 4).all() and (failed["n"] == 0).all()
    assert failed["mean"].isna().all()
    text = format_summary(table)
    assert "runs" in text and "errors" in text and "[" not in text.splitlines()[-1]


def test_summary_of_nothing_is_empty():
    assert summarize(pd.DataFrame(columns=["run_key", "status"])).empty
    assert format_summary(summarize(pd.DataFrame(columns=["run_key", "status"]))) == "(no runs)"
