"""Kill a sweep at random moments — the driver, then a worker — and check that every run lands
exactly once and the table is bit-identical to an uninterrupted serial sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import die_once, linear_config

from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import load_results

HERE = Path(__file__).resolve().parents[1]  # tests/experiments: where sweep_helpers lives

DRIVER = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {helpers!r})
    from sweep_helpers import die_once
    from bargaining_chips.experiments.sweep.config import parse_config
    from bargaining_chips.experiments.sweep.runner import run_sweep
    if __name__ == "__main__":
        run_sweep(parse_config(json.loads(sys.argv[1])), sys.argv[2], backend="process",
                  workers=2, quiet=True, chunk_seconds=0.02, part_rows=8, part_seconds=0.05,
                  model=die_once)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_random_kills_of_driver_and_worker_leave_every_run_once_and_identical(tmp_path):
    rng = np.random.default_rng(20250617)  # the kill times, reproducibly
    marker = tmp_path / "worker-killed"
    cfg = linear_config(
        replications=40, levers={"x": {"values": [0.0, 0.5, 1.0]}},
        constants={"noise": 0.5, "delay": 0.002, "marker": str(marker), "kill_at": 0.5},
    )  # 240 runs of 2 ms; a worker dies once, on the first run at x >= 0.5
    out = tmp_path / "out"
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(helpers=str(HERE)))
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, str(script), cfg.model_dump_json(), str(out)])
        time.sleep(float(rng.uniform(0.4, 1.2)))  # start-up, then somewhere mid-sweep
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills, "the sweep finished before any kill: nothing was tested"
    report = run_sweep(cfg, out, backend="process", workers=2, quiet=True, model=die_once)
    assert report.complete and marker.exists()
    reference = tmp_path / "reference"
    run_sweep(cfg, reference, backend="serial", quiet=True, model=die_once)
    frame = load_results(out)
    assert frame["run_key"].is_unique and len(frame) == 240
    pd.testing.assert_frame_equal(frame, load_results(reference))
    assert (out / "results.parquet").read_bytes() == (reference / "results.parquet").read_bytes()
