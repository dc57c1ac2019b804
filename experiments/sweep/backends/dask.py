"""The dask backend: a ``distributed`` cluster, for sweeps bigger than one machine.

With an ``address`` the backend connects to that scheduler (this package, and the model's module,
must be installed on the scheduler and every worker; checked at once, in one line); without one it
starts a ``LocalCluster`` of single-threaded worker processes on 127.0.0.1. The scheduler
reschedules the chunks of a dead worker by itself and reports ``KilledWorker`` for a chunk that
keeps killing them; only that chunk is resent. A cluster left with no worker at all for
``worker_timeout`` seconds stops the sweep with one line (``UserError``); the finished runs are kept
and the same command resumes once workers are back.
"""

from __future__ import annotations

import time
from typing import Any

from bargaining_chips.experiments.sweep.backends.base import WorkerLost, default_workers
from bargaining_chips.experiments.sweep.backends.pool import PoolBackend
from bargaining_chips.experiments.sweep.chunks import Chunk, ChunkResult, run_chunk
from bargaining_chips.experiments.sweep.models import ModelFunction
from bargaining_chips.model.errors import UserError


class DaskBackend(PoolBackend):
    """Chunks on a Dask cluster: the one at ``address``, or a local one of ``workers`` processes."""

    name = "dask"

    def __init__(
        self, model: ModelFunction, workers: int | None, address: str | None,
        timeout: float = 10.0, worker_timeout: float = 60.0,
    ) -> None:
        try:
            import distributed
        except ImportError:
            raise UserError(
                "the dask backend needs dask.distributed: pip install 'bargaining-chips[dask]'"
            ) from None
        import logging

        self.distributed = distributed
        self.model = model
        self.cluster = None
        self.restarts = 0
        self.address = address
        self.worker_timeout = worker_timeout
        self._no_workers_since: float | None = None
        self._checked = 0.0
        if address:
            try:
                self.client = distributed.Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as err:
                raise UserError(f"cannot reach the Dask scheduler at {address!r}: {err}") from None
            self._check_environment(address)
        else:
            self.cluster = distributed.LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                host="127.0.0.1", silence_logs=logging.ERROR,
                # Any free local port: the default (8787) may be taken, and None still tries it.
                dashboard_address="127.0.0.1:0",
            )
            self.client = distributed.Client(self.cluster, set_as_default=False)
        self.workers = max(1, sum(self.client.nthreads().values()))

    def _check_environment(self, address: str) -> None:
        """Fail early, in one line, if the cluster cannot import the runner or the model.

        Chunks are sent by reference to :func:`~..chunks.run_chunk`, so the scheduler and every
        worker must have this package (and the model's module) installed. The check runs the
        built-in ``exec`` there, which any environment can deserialize.
        """
        modules = [run_chunk.__module__, self.model.__module__]
        code = "; ".join(f"import {name}" for name in dict.fromkeys(modules))
        try:
            self.client.run_on_scheduler(exec, code)
            self.client.run(exec, code)
        except Exception as err:  # noqa: BLE001 - any failure there means the same fix
            self.close()
            raise UserError(
                f"the Dask cluster at {address!r} cannot run this sweep ({type(err).__name__}: "
                f"{err}); install this package in the scheduler's and workers' environment"
            ) from None

    def submit(self, chunk: Chunk) -> Any:
        return self.client.submit(run_chunk, self.model, chunk.runs, pure=False)

    def wait(self, futures: list[Any]) -> list[Any]:
        # Polled: ``distributed.wait`` needs a process-wide default client, which we do not set.
        deadline = time.monotonic() + 0.5
        while True:
            done = [f for f in futures if f.done()]
            if done:
                self._no_workers_since = None
                return done
            if time.monotonic() > deadline:
                self._check_workers()
                return done
            time.sleep(0.005)

    def _check_workers(self) -> None:
        """Stop the sweep (one line) when the cluster has had no worker for ``worker_timeout``."""
        now = time.monotonic()
        if now - self._checked < 1.0:
            return
        self._checked = now
        try:
            alive = len(self.client.nthreads())
        except Exception:  # noqa: BLE001 - a scheduler that does not answer has no workers for us
            alive = 0
        if alive:
            self._no_workers_since = None
            return
        if self._no_workers_since is None:
            self._no_workers_since = now
        elif now - self._no_workers_since >= self.worker_timeout:
            where = f"at {self.address!r}" if self.address else "(local)"
            raise UserError(
                f"the Dask cluster {where} has had no workers for {self.worker_timeout:g} s; "
                "the finished runs are kept; start workers and run the same command again to "
                "resume (--worker-timeout sets the wait)"
            )

    def result(self, future: Any) -> ChunkResult:
        try:
            return future.result()
        except self.distributed.KilledWorker as err:
            raise WorkerLost(str(err)) from err

    def recover(self, in_flight: dict[Any, Chunk]) -> list[Chunk]:
        return []  # the scheduler replaces lost workers and reschedules their other chunks

    def cancel(self, futures: list[Any]) -> None:
        if futures:
            self.client.cancel(futures)

    def close(self) -> None:
        if self.client.status not in ("closed", "closing"):
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
