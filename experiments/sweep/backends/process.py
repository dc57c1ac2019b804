"""The process backend (the default): a local ``ProcessPoolExecutor``, one worker per core.

Workers start with an explicit start method (:func:`start_method`): Mesa 3.3 changes the global
default on import, so it is never relied on. Each worker ignores Ctrl-C (the driver handles it),
exits when the driver dies (a killed driver leaves no workers behind).
One dead worker breaks the whole pool: the pool is replaced and every chunk in flight sent again.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Any

from bargaining_chips.experiments.sweep.backends.base import WorkerLost
from bargaining_chips.experiments.sweep.backends.pool import PoolBackend
from bargaining_chips.experiments.sweep.chunks import Chunk, ChunkResult, run_chunk
from bargaining_chips.experiments.sweep.models import ModelFunction
from bargaining_chips.model.errors import UserError


def start_method(requested: str = "auto") -> str:
    """The start method of worker processes: ``requested``, or for ``"auto"`` ``fork`` on Linux when
    this process runs a single thread (children then start at once, with the model already
    imported) and ``spawn`` otherwise (forking a multi-threaded process can deadlock)."""
    if requested != "auto":
        if requested not in multiprocessing.get_all_start_methods():
            raise UserError(f"start method {requested!r} is not available here")
        return requested
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _init_worker() -> None:
    """Pool initializer: leave Ctrl-C to the driver, and exit if the driver dies (a killed driver
    must not leave workers behind)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch_parent, name="watch-driver", daemon=True).start()


def _ping() -> int:
    return os.getpid()


class ProcessBackend(PoolBackend):
    """Chunks on a local process pool of ``workers`` processes started by ``method``."""

    name = "process"

    def __init__(self, model: ModelFunction, workers: int, method: str = "auto") -> None:
        self.model = model
        self.workers = workers
        self.method = method
        self.restarts = 0
        self.pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        self.start_method = start_method(self.method)
        pool = cf.ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context(self.start_method),
            initializer=_init_worker,
        )
        for _ in range(self.workers):  # start the workers now, while the driver gets ready
            pool.submit(_ping)
        return pool

    def submit(self, chunk: Chunk) -> cf.Future:
        try:
            return self.pool.submit(run_chunk, self.model, chunk.runs)
        except cf.process.BrokenProcessPool as err:  # broke since the last wait: same as a loss
            future: cf.Future = cf.Future()
            future.set_exception(err)
            return future

    def wait(self, futures: list[Any]) -> list[Any]:
        done, _ = cf.wait(futures, timeout=0.5, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def result(self, future: Any) -> ChunkResult:
        try:
            return future.result()
        except cf.process.BrokenProcessPool as err:
            raise WorkerLost(str(err) or "a worker process died") from err

    def recover(self, in_flight: dict[Any, Chunk]) -> list[Chunk]:
        """Replace the broken pool with a fresh one; every chunk in flight was lost with it. (The
        broken pool has already stopped its workers, so waiting for it is quick, and lets the new
        pool fork when that is safe.)"""
        lost = list(in_flight.values())
        in_flight.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool()
        return lost

    def cancel(self, futures: list[Any]) -> None:
        for future in futures:
            future.cancel()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)  # idempotent
