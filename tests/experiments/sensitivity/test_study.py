"""Sensitivity studies through the ordinary runner: Ishigami's known indices, outcomes that cannot
be analysed, and bad input refused."""

from __future__ import annotations

import json

import pytest
from sweep_helpers import ishigami_config, linear_config

from bargaining_chips.experiments import RunOptions
from bargaining_chips.experiments.sensitivity.study import run_sensitivity
from bargaining_chips.experiments.sensitivity.toys import ishigami, ishigami_indices, noisy_linear
from bargaining_chips.model.errors import UserError


def test_ishigami_sobol_indices_through_the_runner(tmp_path):
    cfg = ishigami_config(samples=1024)  # N(D+2) = 5,120 runs of a fast function
    report = run_sensitivity(cfg, tmp_path, backend="serial", quiet=True, plots=False, model=ishigami)
    table = report.indices.set_index(["parameter", "index"])
    truth = ishigami_indices()
    for d, name in enumerate(["x1", "x2", "x3"]):
        assert table.loc[(name, "S1"), "value"] == pytest.approx(truth["S1"][d], abs=0.03)
        assert table.loc[(name, "ST"), "value"] == pytest.approx(truth["ST"][d], abs=0.03)
        assert table.loc[(name, "S1"), "conf"] > 0
    assert report.skipped == {}
    assert (tmp_path / "indices.csv").exists() and (tmp_path / "tornado.csv").exists()


def test_outcomes_that_cannot_be_analysed_are_reported(tmp_path):
    cfg = linear_config(
        replications=2, constants={"noise": 0.0},
        levers={"x": {"range": [0.0, 1.0]}}, uncertainties={"z": {"range": [0.0, 1.0]}},
        design={"kind": "sobol", "samples": 16}, outcomes=["y", "round", "label", "missing"],
    )
    report = run_sensitivity(cfg, tmp_path, backend="serial", quiet=True, tornado=False, model=noisy_linear)
    assert set(report.indices["outcome"]) == {"y"}
    assert "no value" in report.skipped["round"]
    assert report.skipped["missing"] == "not in the results"
    assert json.loads((tmp_path / "sensitivity.json").read_text())["skipped"] == report.skipped
    assert (tmp_path / "sobol_y.png").stat().st_size > 0
    options = RunOptions(backend="serial", quiet=True)
    filled = run_sensitivity(cfg.model_copy(update={"fill": {"round": 0.0}}), tmp_path, options,
                             tornado=False, model=noisy_linear)  # same runs, resumed
    assert set(filled.indices["outcome"]) == {"y", "round"}


def test_sensitivity_refuses_other_designs_and_foreign_folders(tmp_path):
    with pytest.raises(UserError, match="needs a 'sobol' or 'morris' design"):
        run_sensitivity(linear_config(), tmp_path / "a", quiet=True, model=noisy_linear)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "thesis.tex").write_text("mine")
    with pytest.raises(UserError, match="holds other files"):
        run_sensitivity(ishigami_config(samples=16), tmp_path / "b", quiet=True, model=ishigami)
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["thesis.tex"]
