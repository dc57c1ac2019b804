"""Small sweeps of the negotiation model itself (the default scenario) through every layer."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from bargaining_chips.experiments.sensitivity.study import run_sensitivity
from bargaining_chips.experiments.sweep.config import parse_config
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import load_results
from bargaining_chips.experiments.sweep.summarize import summarize
from bargaining_chips.model.errors import UserError


def grid(**changes):
    data = {
        "name": "real",
        "scenario": "us_japan_2025",
        "root_seed": 9,
        "replications": 3,
        "levers": {"actors.Japan.strategy.beta": {"values": [0.3, 3.0]}},
        "uncertainties": {"deadlines.G7.extension_probability": {"values": [0.0, 1.0]}},
    }
    data.update(changes)
    return parse_config(data, source="real.toml")


def test_default_scenario_sweep_rows_and_backends_agree(tmp_path):
    cfg = grid()
    report = run_sweep(cfg, tmp_path / "s", backend="serial", quiet=True)
    assert report.complete and report.errors == 0
    frame = load_results(tmp_path / "s")
    assert len(frame) == 12 and frame["run_key"].is_unique
    for column in ("outcome", "agreement_by_first_deadline", "first_deadline_round",
                   "utilities.Japan", "utilities.US", "nash_product", "concessions.Japan",
                   "coalitions", "param.actors.Japan.strategy.beta"):
        assert column in frame.columns, column
    assert (frame["scenario"] == "us_japan_2025").all()
    assert frame["coalitions"].str.startswith("[[").all()
    import json

    import pyarrow.parquet as pq

    types = {f.name: str(f.type) for f in pq.read_schema(tmp_path / "s" / "results.parquet")}
    assert types["agreement_date"] == "date32[day]" and types["error"] == "string"
    assert types["terms.auto_tariff"] == "double" and "terms" not in types
    schema = json.loads((tmp_path / "s" / "manifest.json").read_text())["table_schema"]
    assert list(schema)[:7] == ["run_key", "run_index", "point", "replication", "seed",
                                "status", "error"]
    np.random.seed(123)  # global state must not matter
    random.seed(123)
    run_sweep(cfg, tmp_path / "p", backend="process", workers=2, quiet=True)
    pd.testing.assert_frame_equal(frame, load_results(tmp_path / "p"))
    table = summarize(frame, outcomes=["agreement_by_first_deadline"])
    assert len(table) == 4 and (table["n"] == 3).all()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"levers": {"actors.Japan.strategy.betta": {"values": [1.0]}}}, "betta"),
        ({"uncertainties": {"deadlines.G7.extension_probability": {"range": [0.0, 1.5],
                                                                    "steps": 3}}},
         "extension_probability"),
        ({"levers": {"actors.Japan.strategy.beta": {"values": [1.0, 0.0]}}}, "beta"),
    ],
)
def test_bad_paths_and_values_fail_before_any_run(tmp_path, changes, message):
    with pytest.raises(UserError) as err:
        run_sweep(grid(**changes), tmp_path / "out", backend="serial", quiet=True)
    assert str(err.value).startswith("real: ") and message in str(err.value)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_morris_study_of_the_default_scenario(tmp_path):
    cfg = grid(
        replications=2, common_random_numbers=True,
        levers={"actors.Japan.strategy.beta": {"range": [0.2, 5.0], "distribution": "loguniform"}},
        uncertainties={"deadlines.G7.extension_probability": {"range": [0.0, 1.0]}},
        design={"kind": "morris", "samples": 6, "levels": 4},
        outcomes=["utilities.Japan", "agreement_by_first_deadline"],
    )
    report = run_sensitivity(cfg, tmp_path, backend="serial", quiet=True, plots=False)
    assert set(report.indices["index"]) == {"mu", "mu_star", "sigma"}
    analysed = set(report.indices["outcome"]) | set(report.skipped)
    assert analysed == {"utilities.Japan", "agreement_by_first_deadline"}
    assert set(report.tornado["parameter"]) <= set(cfg.parameters)
