"""One sweep table: one schema for every part, failed runs included, read by pandas, polars and
duckdb with no options; ``export`` writes it as Parquet or CSV."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sweep_helpers import dated, linear_config

import run
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import RESULTS, load_results


@pytest.fixture(scope="module")
def failed_sweep(tmp_path_factory):
    """30 runs in parts of 7 rows, the 10 runs at x = 1 failing, dates where a deal was made."""
    out = tmp_path_factory.mktemp("table") / "out"
    cfg = linear_config(constants={"noise": 0.5, "fail_above": 0.6})
    report = run_sweep(cfg, out, backend="serial", quiet=True, model=dated, part_rows=7,
                       max_chunk=3)
    assert report.complete and report.errors == 10
    return out


def test_the_compacted_table_has_one_explicit_schema(failed_sweep):
    assert not list((failed_sweep / "parts").glob("part-*"))  # compacted: one file
    schema = pq.read_schema(failed_sweep / RESULTS)
    types = {field.name: str(field.type) for field in schema}
    assert types["error"] == "string" and types["status"] == "string"
    assert types["agreement_date"] == "date32[day]"
    assert types["terms.x"] == "double" and types["round"] == "int64"
    assert "terms" not in types  # no always-null column beside terms.x, terms.z
    assert all(t != "null" for t in types.values())
    manifest = json.loads((failed_sweep / "manifest.json").read_text())
    assert manifest["table_schema"]["agreement_date"] == "date32[day]"


def test_pandas_polars_and_duckdb_read_it_with_no_options(failed_sweep):
    polars = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    path = str(failed_sweep / RESULTS)
    frame = pd.read_parquet(path)
    assert len(frame) == 30 and (frame["status"] == "error").sum() == 10
    assert frame.loc[frame["status"] == "error", "error"].str.startswith("ValueError").all()
    assert list(frame["run_index"]) == list(range(30))
    assert polars.read_parquet(path).height == 30
    assert polars.scan_parquet(str(failed_sweep / "*.parquet")).collect().height == 30
    rows = duckdb.sql(f"select status, error from '{path}' where status = 'error'").fetchall()
    assert len(rows) == 10 and all(error.startswith("ValueError") for _, error in rows)


def test_export_writes_the_per_run_table(failed_sweep, tmp_path, capsys):
    csv = tmp_path / "runs.csv"
    assert run.main(["export", str(failed_sweep), "--format", "csv", "--out", str(csv)]) == 0
    assert "wrote 30 runs" in capsys.readouterr().err
    table = pd.read_csv(csv)
    assert len(table) == 30 and table["run_key"].is_unique
    parquet = tmp_path / "runs.parquet"
    assert run.main(["export", str(failed_sweep), "--out", str(parquet)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), load_results(failed_sweep))
    assert run.main(["export", str(tmp_path), "--out", str(parquet)]) == 2
    assert "no sweep results here" in capsys.readouterr().err


def test_declared_outcomes_are_in_the_table_before_any_run_has_a_value(tmp_path):
    from bargaining_chips.experiments.sensitivity.toys import noisy_linear

    cfg = linear_config(levers={"x": {"values": [0.0]}})  # P(deal) = 0: terms never set
    run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    types = {f.name: str(f.type) for f in pq.read_schema(tmp_path / RESULTS)}
    assert types["terms.x"] == "double" and types["round"] == "int64"
    assert pd.read_parquet(tmp_path / RESULTS)["terms.x"].isna().all()


def test_a_part_written_twice_still_gives_each_run_once(tmp_path):
    from bargaining_chips.experiments.sensitivity.toys import noisy_linear
    from bargaining_chips.experiments.sweep.store import ResultStore

    cfg = linear_config()
    out = tmp_path / "out"
    run_sweep(cfg, out, backend="serial", quiet=True, model=noisy_linear)
    reference = load_results(out)
    store = ResultStore(out)
    store.schema = None
    table = pq.read_table(out / RESULTS)
    (out / "parts").mkdir()
    store.write_part(table.slice(0, 10))
    store.write_part(table.slice(0, 10))  # the same runs again
    store.write_part(table.slice(10))
    (out / RESULTS).unlink()
    store.compact()
    pd.testing.assert_frame_equal(load_results(out), reference)
