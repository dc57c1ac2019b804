"""The runner: same rows on every backend, resume exactly once, errors as rows, dead workers and a
killed driver survived, bad input refused before anything is written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from sweep_helpers import die_once, linear_config

from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep.design import Design
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import ResultStore, load_results
from bargaining_chips.model.errors import UserError

ROOT = Path(__file__).resolve().parents[3]


def keys_on_disk(out: Path) -> list[str]:
    return list(load_results(out)["run_key"])


def test_serial_sweep_writes_every_run_once_with_its_seed(tmp_path):
    cfg = linear_config()
    report = run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    assert report.complete and report.runs_done == 30 and report.errors == 0
    frame = load_results(tmp_path)
    design = Design(cfg)
    assert list(frame["run_key"]) == [r.key for r in design.runs()]
    assert list(frame["seed"]) == [r.seed for r in design.runs()]
    assert list(frame["param.x"]) == [r.params["x"] for r in design.runs()]
    assert frame["terms.x"].notna().any() and frame["coalitions"].str.startswith("[[").all()


def test_process_backend_writes_the_same_rows_as_serial(tmp_path):
    cfg = linear_config(replications=20)
    run_sweep(cfg, tmp_path / "serial", backend="serial", quiet=True, model=noisy_linear)
    options = RunOptions(backend="process", workers=2, quiet=True)
    report = run_sweep(cfg, tmp_path / "process", options, model=noisy_linear)
    assert report.complete and report.workers == 2
    pd.testing.assert_frame_equal(load_results(tmp_path / "serial"), load_results(tmp_path / "process"))


def test_resume_skips_finished_runs_and_adds_nothing_twice(tmp_path):
    small = linear_config()
    run_sweep(small, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    first = load_results(tmp_path)
    again = run_sweep(small, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    assert again.runs_done == 0 and again.runs_before == 30
    pd.testing.assert_frame_equal(first, load_results(tmp_path))
    # Remove one part: resume redoes exactly its runs.
    store = ResultStore(tmp_path)
    lost = store.part_files()[-1]
    n_lost = len(pd.read_parquet(lost))
    lost.unlink()
    redo = run_sweep(small, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    assert redo.runs_done == n_lost
    pd.testing.assert_frame_equal(first, load_results(tmp_path))
    manifest = store.read_manifest()
    assert manifest["status"] == "complete" and len(manifest["sessions"]) == 3


def test_a_run_that_raises_is_an_error_row(tmp_path):
    cfg = linear_config(constants={"noise": 0.5, "fail_above": 0.6})
    report = run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    assert report.complete and report.errors == 10
    frame = load_results(tmp_path)
    bad = frame[frame["status"] == "error"]
    assert (bad["param.x"] == 1.0).all() and len(bad) == 10
    assert bad["error"].str.startswith("ValueError: x=1.0 above").all()
    assert frame.loc[frame["status"] == "ok", "error"].isna().all()


def test_common_random_numbers_duplicates_run_once(tmp_path):
    cfg = linear_config(
        common_random_numbers=True, levers={"x": {"values": [0.5]}},
        uncertainties={"z": {"values": [1.0]}}, design={"kind": "oat", "steps": 2},
    )
    design = Design(cfg)
    assert design.points == 3  # baseline, x moved to its one value, z likewise: all one point
    report = run_sweep(cfg, tmp_path, backend="serial", quiet=True, model=noisy_linear)
    assert report.runs_done == cfg.replications
    assert len(set(keys_on_disk(tmp_path))) == len(keys_on_disk(tmp_path)) == cfg.replications


def test_bad_input_fails_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(UserError, match="unknown parameter 'y'"):
        run_sweep(linear_config(uncertainties={"y": {"values": [1]}}), out, quiet=True, model=noisy_linear)
    with pytest.raises(UserError, match="unknown backend 'gpu'"):
        run_sweep(linear_config(), out, backend="gpu", quiet=True, model=noisy_linear)
    with pytest.raises(UserError, match="--address is for the dask backend"):
        run_sweep(linear_config(), out, address="tcp://127.0.0.1:1", quiet=True, model=noisy_linear)
    assert not out.exists()


def test_a_worker_killed_mid_sweep_is_replaced_and_every_run_lands_once(tmp_path):
    marker = tmp_path / "killed"
    cfg = linear_config(
        replications=40,
        levers={"x": {"values": [0.0, 0.25, 0.5, 0.75, 1.0]}},
        constants={"noise": 0.5, "marker": str(marker), "kill_at": 0.5},
    )
    report = run_sweep(
        cfg, tmp_path / "out", backend="process", workers=2, quiet=True, model=die_once
    )
    assert marker.exists(), "no worker was killed: the test did not test anything"
    assert report.complete and report.restarts >= 1 and report.errors == 0
    keys = keys_on_disk(tmp_path / "out")
    assert sorted(keys) == sorted(r.key for r in Design(cfg).runs())


DRIVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from bargaining_chips.experiments.sweep.runner import run_sweep
    from bargaining_chips.experiments.sweep.config import parse_config
    from bargaining_chips.experiments.sensitivity.toys import noisy_linear
    import json
    if __name__ == "__main__":
        run_sweep(parse_config(json.loads(sys.argv[1])), sys.argv[2], backend="process",
                  workers=2, quiet=True, chunk_seconds=0.1, part_rows=10, part_seconds=0.05,
                  model=noisy_linear)
    """
)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc to find the workers")
def test_a_driver_killed_mid_sweep_resumes_to_every_run_exactly_once(tmp_path):
    cfg = linear_config(
        replications=50, constants={"noise": 0.5, "delay": 0.004},
    )  # 300 runs of 4 ms: about 0.6 s on two workers
    out = tmp_path / "out"
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(root=str(ROOT)))
    proc = subprocess.Popen([sys.executable, str(script), cfg.model_dump_json(), str(out)])
    deadline = time.monotonic() + 60
    while len(list((out / "parts").glob("part-*"))) < 2:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(keys_on_disk(out))
    assert 0 < done_before < 300
    # The orphaned workers notice and exit.
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() and "zombie" not in _state(w) for w in workers):
        assert time.monotonic() < deadline, "workers outlived their driver"
        time.sleep(0.1)
    report = run_sweep(cfg, out, backend="serial", quiet=True, model=noisy_linear)
    assert report.complete and report.runs_before == done_before
    keys = keys_on_disk(out)
    assert len(keys) == len(set(keys)) == 300
    assert set(keys) == {r.key for r in Design(cfg).runs()}


def _state(pid: int) -> str:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                return line
    except OSError:
        pass
    return "zombie"
