"""Backends: one interface, the same rows from each; the loop the pools share survives lost chunks,
gives up when nothing finishes, and keeps the finished chunks on Ctrl-C.

The shared loop is tested on a pool that runs in this process (:class:`InProcessPool`) and loses
the chunks it is told to, so every path is reached at once and without killing processes; the
process pool itself is killed for real in ``test_runner.py``.
"""

from __future__ import annotations

import concurrent.futures as cf
import io

import pandas as pd
import pytest

from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep.backends import (
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    make_backend,
)
from bargaining_chips.experiments.sweep.backends.base import WorkerLost
from bargaining_chips.experiments.sweep.backends.pool import MAX_BARREN_RESTARTS, PoolBackend
from bargaining_chips.experiments.sweep.backends.process import start_method
from bargaining_chips.experiments.sweep.chunks import MAX_ATTEMPTS, Chunk, run_chunk
from bargaining_chips.experiments.sweep.design import RunSpec
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.model.errors import UserError

TOY = noisy_linear


def chunks(n: int, size: int = 1) -> list[Chunk]:
    runs = [RunSpec(i, i, 0, 7 + i, f"k{i}", {"x": i / n, "noise": 0.1}) for i in range(n * size)]
    return [Chunk(runs[i:i + size]) for i in range(0, len(runs), size)]


def rows(results) -> pd.DataFrame:
    """The rows of the results' parts, in run order (columns by name: parts differ in order)."""
    frame = pd.concat([pd.read_parquet(io.BytesIO(r.parquet)) for r in results])
    return frame.sort_values("run_index").reset_index(drop=True).sort_index(axis=1)


class InProcessPool(PoolBackend):
    """A pool whose chunks run here, at once; the chunk starting at run ``i`` is lost
    ``deaths[i]`` times, and the ``interrupt_at``-th wait raises KeyboardInterrupt."""

    name = "in-process"

    def __init__(self, deaths: dict[int, int] | None = None, interrupt_at: int | None = None):
        self.workers = 2
        self.restarts = 0
        self.deaths = dict(deaths or {})
        self.interrupt_at = interrupt_at
        self.waits = 0
        self.closed = False

    def submit(self, chunk: Chunk) -> cf.Future:
        future: cf.Future = cf.Future()
        first = chunk.runs[0].index
        if self.deaths.get(first, 0) > 0:
            self.deaths[first] -= 1
            future.set_exception(WorkerLost("killed"))
        else:
            future.set_result(run_chunk(TOY, chunk.runs))
        return future

    def wait(self, futures):
        self.waits += 1
        if self.waits == self.interrupt_at:
            raise KeyboardInterrupt
        return [f for f in futures if f.done()]

    def result(self, future):
        return future.result()

    def recover(self, in_flight):
        return []

    def cancel(self, futures):
        pass

    def close(self):
        self.closed = True


def test_make_backend_starts_the_backend_the_options_name():
    serial = make_backend(RunOptions(backend="serial"), TOY)
    assert isinstance(serial, SerialBackend) and (serial.name, serial.workers) == ("serial", 1)
    process = make_backend(RunOptions(backend="process", workers=2), TOY)
    try:
        assert isinstance(process, ProcessBackend) and process.workers == 2
        assert process.start_method in ("fork", "spawn")
    finally:
        process.close()
        process.close()  # idempotent
    assert DaskBackend.name == "dask"


def test_serial_and_process_yield_every_chunk_once_with_the_same_rows():
    serial = list(SerialBackend(TOY).run(chunks(12, size=3)))
    process = ProcessBackend(TOY, workers=2)
    try:
        pooled = list(process.run(iter(chunks(12, size=3))))
    finally:
        process.close()
    assert sorted(r.first_index for r in pooled) == [r.first_index for r in serial]
    pd.testing.assert_frame_equal(rows(serial), rows(pooled))
    assert process.restarts == 0


def test_a_lost_chunk_is_sent_again_and_every_run_comes_back_once():
    pool = InProcessPool(deaths={3: MAX_ATTEMPTS - 1})
    results = list(pool.run(chunks(8)))
    assert sorted(r.first_index for r in results) == list(range(8))
    assert sum(r.errors for r in results) == 0 and pool.restarts == MAX_ATTEMPTS - 1
    expected = list(SerialBackend(TOY).run(chunks(8)))
    pd.testing.assert_frame_equal(rows(results), rows(expected))


def test_a_run_that_always_kills_its_worker_is_an_error_row():
    pool = InProcessPool(deaths={5: 99})
    results = list(pool.run(chunks(8)))
    assert sorted(r.first_index for r in results) == list(range(8))
    frame = rows(results)
    assert frame.loc[5, "status"] == "error" and frame.loc[5, "error"].startswith("WorkerDied")
    assert (frame.drop(index=5)["status"] == "ok").all()


def test_the_pool_gives_up_when_workers_keep_dying_and_nothing_finishes():
    pool = InProcessPool(deaths={i: 99 for i in range(40)})
    with pytest.raises(RuntimeError, match=f"workers died {MAX_BARREN_RESTARTS + 1} times"):
        list(pool.run(chunks(40)))


def test_ctrl_c_yields_the_chunks_already_finished_then_stops():
    pool = InProcessPool(interrupt_at=2)
    results = []
    with pytest.raises(KeyboardInterrupt):
        for result in pool.run(chunks(20)):
            results.append(result)
    # Four chunks (two per worker) finished before the first wait, four more before the second.
    assert [r.first_index for r in results] == list(range(8)) and pool.closed


def test_start_method_is_explicit():
    assert start_method("spawn") == "spawn"
    assert start_method("auto") in ("fork", "spawn")
    with pytest.raises(UserError):
        start_method("teleport")
