"""The dask backend: a LocalCluster writes the same rows as serial; a dead address is bad input.

Kept apart from ``test_runner.py`` and run after it: Dask leaves a thread behind in the test
process, after which process pools are started with ``spawn`` instead of ``fork`` (slower).
"""

from __future__ import annotations

import socket

import pandas as pd
import pytest
from sweep_helpers import linear_config

from experiments.runner import run_sweep
from experiments.store import load_results
from model.errors import UserError

pytest.importorskip("distributed", reason="the dask extra is not installed")


def test_dask_local_cluster_writes_the_same_rows_as_serial(tmp_path):
    cfg = linear_config(replications=20)
    run_sweep(cfg, tmp_path / "serial", backend="serial", quiet=True)
    report = run_sweep(cfg, tmp_path / "dask", backend="dask", workers=2, quiet=True)
    assert report.complete and report.workers == 2
    pd.testing.assert_frame_equal(load_results(tmp_path / "serial"), load_results(tmp_path / "dask"))


def test_unreachable_dask_scheduler_is_a_user_error(tmp_path):
    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(UserError, match="cannot reach the Dask scheduler"):
        run_sweep(linear_config(), tmp_path / "out", backend="dask",
                  address=f"tcp://127.0.0.1:{port}", connect_timeout=1, quiet=True)
    assert not (tmp_path / "out").exists()
