"""Sensitivity through the ordinary runner: Ishigami's known indices, Morris ranking, tornado."""

from __future__ import annotations

import json

import numpy as np
import pytest
from bargaining_chips.experiments.sensitivity.indices import (
    analyze,
    point_means,
    tornado_table,
)
from bargaining_chips.experiments.sensitivity.study import run_sensitivity
from bargaining_chips.experiments.sensitivity.toys import ishigami_indices
from bargaining_chips.experiments.sweep.design import Design
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import load_results
from bargaining_chips.model.errors import UserError
from sweep_helpers import ishigami_config, linear_config


def test_ishigami_sobol_indices_through_the_runner(tmp_path):
    cfg = ishigami_config(samples=1024)  # N(D+2) = 5,120 runs of a fast function
    report = run_sensitivity(cfg, tmp_path, backend="serial", quiet=True, plots=False)
    table = report.indices.set_index(["parameter", "index"])
    truth = ishigami_indices()
    for d, name in enumerate(["x1", "x2", "x3"]):
        assert table.loc[(name, "S1"), "value"] == pytest.approx(truth["S1"][d], abs=0.03)
        assert table.loc[(name, "ST"), "value"] == pytest.approx(truth["ST"][d], abs=0.03)
        assert table.loc[(name, "S1"), "conf"] > 0
    assert report.skipped == {}
    assert (tmp_path / "indices.csv").exists() and (tmp_path / "tornado.csv").exists()


def test_second_order_index_of_ishigami(tmp_path):
    cfg = ishigami_config(samples=2048, design={"kind": "sobol", "samples": 2048,
                                                "second_order": True})
    run_sweep(cfg, tmp_path, backend="serial", quiet=True)
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
    run_sweep(cfg, tmp_path, backend="serial", quiet=True)
    indices, _ = analyze(load_results(tmp_path), Design(cfg), ["y"], seed=1)
    wide = indices.pivot_table(index="parameter", columns="index", values="value")
    assert wide.loc["x", "mu_star"] == pytest.approx(2.0)
    assert wide.loc["z", "mu_star"] == pytest.approx(3.0)
    assert wide["sigma"].max() == pytest.approx(0.0, abs=1e-9)


def test_point_means_average_replications_by_key(tmp_path):
    cfg = linear_config(replications=3, constants={"noise": 0.0})
    run_sweep(cfg, tmp_path, backend="serial", quiet=True)
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
    run_sweep(cfg, tmp_path, backend="serial", quiet=True)
    table = tornado_table(load_results(tmp_path), Design(cfg), "y").set_index("parameter")
    assert table.loc["x", "swing"] == pytest.approx(2.0)
    assert table.loc["z", "swing"] == pytest.approx(3.0)
    assert table.loc["x", "baseline"] == pytest.approx(2 * 0.5 + 3 * 0.5)


def test_outcomes_that_cannot_be_analysed_are_reported(tmp_path):
    cfg = linear_config(
        replications=2, constants={"noise": 0.0},
        levers={"x": {"range": [0.0, 1.0]}}, uncertainties={"z": {"range": [0.0, 1.0]}},
        design={"kind": "sobol", "samples": 16}, outcomes=["y", "round", "label", "missing"],
    )
    report = run_sensitivity(cfg, tmp_path, backend="serial", quiet=True, tornado=False)
    assert set(report.indices["outcome"]) == {"y"}
    assert "no value" in report.skipped["round"]
    assert report.skipped["missing"] == "not in the results"
    assert json.loads((tmp_path / "sensitivity.json").read_text())["skipped"] == report.skipped
    assert (tmp_path / "sobol_y.png").stat().st_size > 0
    filled = run_sensitivity(cfg.model_copy(update={"fill": {"round": 0.0}}), tmp_path,
                             backend="serial", quiet=True, tornado=False)  # same runs, resumed
    assert set(filled.indices["outcome"]) == {"y", "round"}


def test_sensitivity_refuses_other_designs_and_foreign_folders(tmp_path):
    with pytest.raises(UserError, match="needs a 'sobol' or 'morris' design"):
        run_sensitivity(linear_config(), tmp_path / "a", quiet=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "thesis.tex").write_text("mine")
    with pytest.raises(UserError, match="holds other files"):
        run_sensitivity(ishigami_config(samples=16), tmp_path / "b", quiet=True)
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["thesis.tex"]
