"""The results store: flattening, atomic parts, refusing foreign folders, manifests."""

from __future__ import annotations

import json
import os

import pytest
from sweep_helpers import linear_config

from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep.store import (
    ResultStore,
    flatten,
    load_results,
    rows_to_parquet,
)
from bargaining_chips.model.errors import UserError


def test_flatten_nested_dicts_and_lists():
    flat = flatten({"a": 1, "terms": {"auto": 2.5, "deep": {"x": None}}, "coalitions": [["US"]]})
    assert flat == {"a": 1, "terms.auto": 2.5, "terms.deep.x": None, "coalitions": '[["US"]]'}


def test_rows_with_different_keys_make_one_table(tmp_path):
    import io

    import pyarrow.parquet as pq

    data = rows_to_parquet([{"a": 1, "b": None}, {"a": 2, "c": "x"}, {"a": None, "b": True}])
    table = pq.read_table(io.BytesIO(data))
    assert table.column_names == ["a", "b", "c"]
    assert table.column("a").to_pylist() == [1, 2, None]
    assert table.column("b").to_pylist() == [None, None, True]


def test_empty_or_new_folder_opens_and_parts_are_atomic(tmp_path):
    cfg = linear_config()
    store = ResultStore.open(tmp_path / "new", cfg)
    assert [p.name for p in (tmp_path / "new").iterdir()] == [".lock"]  # no manifest yet
    store.start_session(cfg, runs_planned=30, points=6, session={})
    (store.parts / ".part-x.tmp").write_bytes(b"half")
    store.close()
    store = ResultStore.open(tmp_path / "new", cfg)
    assert not list(store.parts.glob(".*"))  # a half-written part is cleared
    store.write_part(rows_to_parquet([{"run_key": "k1", "status": "ok", "run_index": 0}]), 0)
    assert [p.name.startswith("part-") for p in store.part_files()] == [True]
    assert store.done_keys() == {"k1"}
    assert store.counts() == {"runs_done": 1, "runs_ok": 1, "runs_error": 0}


def test_folder_with_other_content_is_refused_untouched(tmp_path):
    cfg = linear_config()
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty and holds no sweep manifest"):
        ResultStore.open(tmp_path, cfg)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_folder_of_another_sweep_is_refused(tmp_path):
    store = ResultStore.open(tmp_path, linear_config())
    manifest = store.start_session(linear_config(), runs_planned=30, points=6, session={})
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "running"
    store.end_session(manifest, status="complete", counts={})
    with pytest.raises(UserError, match="different sweep"):
        ResultStore.open(tmp_path, linear_config(root_seed=99))
    store.write_part(rows_to_parquet([{"run_key": "k", "status": "ok", "run_index": 0}]), 0)
    with pytest.raises(UserError, match="already holds runs"):
        ResultStore.open(tmp_path, linear_config(), resume=False)
    ResultStore.open(tmp_path, linear_config(), resume=True)


def test_manifest_records_versions_seed_and_sessions(tmp_path):
    cfg = linear_config()
    store = ResultStore.open(tmp_path, cfg)
    manifest = store.start_session(cfg, runs_planned=30, points=6, session={"backend": "serial"})
    store.end_session(manifest, status="complete", counts={"runs_this_session": 0})
    saved = json.loads((tmp_path / "manifest.json").read_text())
    assert saved["root_seed"] == 11 and saved["fingerprint"] == cfg.fingerprint
    assert saved["packages"]["python"] and saved["packages"]["numpy"]
    assert "commit" in saved["code_version"]
    assert saved["sessions"][0]["backend"] == "serial" and saved["sessions"][0]["finished"]
    assert saved["counts"]["runs_done"] == 0
    assert saved["config"]["replications"] == 5


def test_load_results_needs_a_manifest(tmp_path):
    with pytest.raises(UserError, match="no sweep results"):
        load_results(tmp_path)


def test_two_sweeps_cannot_write_to_one_folder_at_once(tmp_path):
    cfg = linear_config()
    first = ResultStore.open(tmp_path, cfg)
    with pytest.raises(UserError, match=f"another sweep \\(pid {os.getpid()}\\)"):
        ResultStore.open(tmp_path, cfg)
    first.close()
    ResultStore.open(tmp_path, cfg).close()


def test_load_only_some_columns(tmp_path):
    from bargaining_chips.experiments.sweep.runner import run_sweep

    run_sweep(linear_config(), tmp_path, backend="serial", quiet=True, model=noisy_linear)
    frame = load_results(tmp_path, columns=["param.x", "y"])
    assert list(frame.columns) == ["run_index", "param.x", "y"] and len(frame) == 30
    assert list(frame["run_index"]) == list(range(30))
    assert "terms.x" in ResultStore(tmp_path).column_names()
