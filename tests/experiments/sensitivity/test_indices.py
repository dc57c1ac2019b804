"""Sensitivity indices from a sweep's runs: Ishigami's second-order index, Morris ranking of a
linear toy, point means matched by key, one-at-a-time swings."""

from __future__ import annotations

import numpy as np
import pytest
from sweep_helpers import ishigami_config, linear_config

from bargaining_chips.experiments.sensitivity.indices import (
    analyze,
    point_means,
    tornado_table,
)
from bargaining_chips.experiments.sensitivity.toys import ishigami, noisy_linear
from bargaining_chips.experiments.sweep.design import Design
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import load_results


def test_second_order_index_of_ishigami(tmp_path):
    cfg = ishigami_config(samples=2048, design={"kind": "sobol", "samples": 2048,
                                                "second_order": True})
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=ishigami)
    indices, _ = analyze(load_results(tmp_path), Design(cfg), ["y"], seed=1)
    s2 = indices[indices["index"] == "S2"].set_index(["parameter", "parameter_2"])["value"]
    # Only x1 and x3 interact: S13 = ST1 - S1 = 0.2437.
    assert s2[("x1", "x3")] == pytest.approx(0.2437, abs=0.06)
    assert abs(s2[("x1", "x2")]) < 0.06 and abs(s2[("x2", "x3")]) < 0.06


def test_morris_ranks_the_linear_toy(tmp_path):
    # y = 2x + 3z + noise: mu* of z (3) above x (2), and sigma ~ 0 (no interaction).
    cfg = linear_config(
        replications=1, constants={"noise": 0.0},
        levers={"x": {"range": [0.0, 1.0]}}, uncertainties={"z": {"range": [0.0, 1.0]}},
        design={"kind": "morris", "samples": 20, "levels": 4},
    )
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    indices, _ = analyze(load_results(tmp_path), Design(cfg), ["y"], seed=1)
    wide = indices.pivot_table(index="parameter", columns="index", values="value")
    assert wide.loc["x", "mu_star"] == pytest.approx(2.0)
    assert wide.loc["z", "mu_star"] == pytest.approx(3.0)
    assert wide["sigma"].max() == pytest.approx(0.0, abs=1e-9)


def test_point_means_average_replications_by_key(tmp_path):
    cfg = linear_config(replications=3, constants={"noise": 0.0})
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    frame = load_results(tmp_path).sample(frac=1.0, random_state=0)  # any row order
    design = Design(cfg)
    means = point_means(frame, design, "y")
    expected = [2 * p["x"] + 3 * p["z"] for p in map(design.point, range(design.points))]
    assert means == pytest.approx(expected)
    assert np.isnan(point_means(frame, design, "round")[0])  # x = 0: never a deal, no round
    assert point_means(frame, design, "round", fill=-1.0)[0] == -1.0


def test_tornado_table_swings(tmp_path):
    cfg = linear_config(
        replications=1, constants={"noise": 0.0}, design={"kind": "oat", "steps": 3},
        levers={"x": {"range": [0.0, 1.0]}}, uncertainties={"z": {"range": [0.0, 1.0]}},
    )
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    table = tornado_table(load_results(tmp_path), Design(cfg), "y").set_index("parameter")
    assert table.loc["x", "swing"] == pytest.approx(2.0)
    assert table.loc["z", "swing"] == pytest.approx(3.0)
    assert table.loc["x", "baseline"] == pytest.approx(2 * 0.5 + 3 * 0.5)
