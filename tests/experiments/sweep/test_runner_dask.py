"""The dask backend: a LocalCluster writes the same rows as serial and survives a killed worker;
an unreachable address is bad input.

Kept apart from ``test_runner.py`` and run after it: Dask leaves a thread behind in the test
process, after which process pools are started with ``spawn`` instead of ``fork`` (slower).
"""

from __future__ import annotations

import socket

import pandas as pd
import pytest
from sweep_helpers import die_once, linear_config

from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import load_results
from bargaining_chips.model.errors import UserError

pytest.importorskip("distributed", reason="the dask extra is not installed")


def test_unreachable_dask_scheduler_is_a_user_error(tmp_path):
    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(UserError, match="cannot reach the Dask scheduler"):
        run_sweep(linear_config(), tmp_path / "out", backend="dask",
                  address=f"tcp://127.0.0.1:{port}", connect_timeout=1, quiet=True, model=noisy_linear)
    assert not (tmp_path / "out").exists()


def test_dask_local_cluster_survives_a_killed_worker_and_matches_serial(tmp_path):
    # One cluster for both checks (starting one is slow): a worker dies once mid-sweep, the
    # sweep still ends with every run exactly once, and the rows equal a serial sweep's.
    from bargaining_chips.experiments.sweep.design import Design

    marker = tmp_path / "killed"
    cfg = linear_config(
        replications=20,
        levers={"x": {"values": [0.0, 0.5, 1.0]}},
        constants={"noise": 0.5, "marker": str(marker), "kill_at": 0.5},
    )
    report = run_sweep(
        cfg, tmp_path / "dask", backend="dask", workers=2, quiet=True, model=die_once
    )
    assert marker.exists(), "no worker was killed: the test did not test anything"
    assert report.complete and report.errors == 0 and report.workers == 2
    frame = load_results(tmp_path / "dask")
    assert frame["run_key"].is_unique
    assert set(frame["run_key"]) == {r.key for r in Design(cfg).runs()}
    # the marker is there now: die_once no longer dies
    run_sweep(cfg, tmp_path / "serial", backend="serial", quiet=True, model=die_once)
    pd.testing.assert_frame_equal(frame, load_results(tmp_path / "serial"))


def test_a_cluster_with_no_workers_fails_after_the_timeout_and_resumes(tmp_path):
    import json
    import logging
    import time

    import distributed

    cluster = distributed.LocalCluster(
        n_workers=0, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )  # every worker gone (none there at all)
    try:
        cfg = linear_config(replications=2)
        out = tmp_path / "out"
        started = time.monotonic()
        with pytest.raises(UserError, match=r"has had no workers for 1 s; .* run the same command"):
            run_sweep(cfg, out, backend="dask", address=cluster.scheduler_address,
                      worker_timeout=1, quiet=True, model=noisy_linear)
        assert time.monotonic() - started < 30
        assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
        cluster.scale(1)  # a worker is back: the same call resumes and completes
        cluster.wait_for_workers(1, timeout=60)
        report = run_sweep(cfg, out, backend="dask", address=cluster.scheduler_address,
                           worker_timeout=30, quiet=True, model=noisy_linear)
        assert report.complete and len(load_results(out)) == 12
    finally:
        cluster.close()
