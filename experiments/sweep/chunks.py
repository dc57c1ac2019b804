"""Chunks: the unit of work a backend runs, how big they are, and what happens when one is lost.

A sweep's runs travel in chunks; a worker runs a whole chunk (:func:`run_chunk`) and returns its
rows already encoded as one Parquet part (:class:`ChunkResult`), so the driver only writes bytes.

- **Size.** :class:`Chunker` cuts the pending runs into chunks of about ``target`` seconds of work,
  measured as results come back; near the end chunks shrink to a share of what is left (guided
  self-scheduling, Polychronopoulos & Kuck 1987) so the last ones finish together.
- **Loss.** A chunk whose worker died is sent again, up to :data:`MAX_ATTEMPTS` times, then split
  in halves; a single run that killed its worker that often is recorded as an error row
  (:func:`retry`). A run that *raises* is not a loss: it is an error row from the start.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bargaining_chips.experiments.sweep.design import RunSpec
from bargaining_chips.experiments.sweep.models import ModelFunction, unrecorded
from bargaining_chips.experiments.sweep.store import PARAM_PREFIX, flatten, rows_to_parquet

MAX_ATTEMPTS = 3  # sends of one chunk before it is split (or, for one run, recorded as an error)


@dataclass
class Chunk:
    """Runs sent to a worker together, and how many times they were sent and lost."""

    runs: list[RunSpec]
    attempts: int = 0


@dataclass(frozen=True)
class ChunkResult:
    """What a worker returns: the chunk's rows as Parquet bytes, and how long the runs took
    (0 for a row written by the driver, which timed nothing)."""

    first_index: int
    n: int
    errors: int
    parquet: bytes
    compute_seconds: float


# -- the work of one chunk (runs in a worker) -----------------------------------------------------
def _identity(run: RunSpec, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The columns that say which run a row is: its parameters (but those in ``skip``: settings
    of the sweep the model does not record, :func:`~.models.unrecorded`), place in the design and
    seed."""
    row: dict[str, Any] = {f"{PARAM_PREFIX}{k}": v for k, v in run.params.items()
                           if k not in skip}
    row.update(
        run_key=run.key, run_index=run.index, point=run.point, replication=run.replication,
        seed=run.seed,
    )
    return row


def run_one(func: ModelFunction, run: RunSpec,
            skip: frozenset[str] | None = None) -> dict[str, Any]:
    """Run the model once and return the flat table row (an error row if it raises); ``skip``:
    the parameters left out of the row (default: the model's :func:`~.models.unrecorded`)."""
    row: dict[str, Any]
    try:
        row = flatten(func(dict(run.params), run.seed))
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001 - a failing run is data, not a crash
        row = {}
        status = "error"
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    row.update(_identity(run, unrecorded(func) if skip is None else skip))
    row.update(status=status, error=error)
    return row


def run_chunk(func: ModelFunction, runs: list[RunSpec]) -> ChunkResult:
    """Run a chunk of runs of ``func`` and encode their rows as Parquet."""
    start = time.perf_counter()
    skip = unrecorded(func)
    rows = [run_one(func, run, skip) for run in runs]
    seconds = time.perf_counter() - start
    errors = sum(1 for row in rows if row["status"] != "ok")
    return ChunkResult(runs[0].index, len(runs), errors, rows_to_parquet(rows), seconds)


# -- a chunk whose worker died --------------------------------------------------------------------
def worker_died(run: RunSpec, reason: str) -> ChunkResult:
    """The error row of a run that kept killing its workers, as a one-row part (with every
    parameter: the store's schema leaves out those the model does not record)."""
    row = {**_identity(run), "status": "error", "error": f"WorkerDied: {reason}"}
    return ChunkResult(run.index, 1, 1, rows_to_parquet([row]), 0.0)


def retry(chunk: Chunk) -> Iterator[Chunk | ChunkResult]:
    """What to do with a chunk whose worker died: resend, split, or (one run) record the error."""
    attempts = chunk.attempts + 1
    if attempts < MAX_ATTEMPTS:
        yield Chunk(chunk.runs, attempts)
    elif len(chunk.runs) > 1:
        half = len(chunk.runs) // 2
        yield Chunk(chunk.runs[:half], 0)
        yield Chunk(chunk.runs[half:], 0)
    else:
        yield worker_died(chunk.runs[0], f"the worker died {attempts} times on this run")


# -- sizing ---------------------------------------------------------------------------------------
class Chunker:
    """Pulls not-yet-done runs into chunks of about ``target`` seconds of work (an iterator of
    :class:`Chunk`, read lazily by the backend); :meth:`observe` each result to refine the size.

    Near the end chunks shrink to a share of what is left (guided self-scheduling, Polychronopoulos
    & Kuck 1987), so the last chunks finish together instead of one worker finishing alone.
    """

    def __init__(
        self, runs: Iterator[RunSpec], target: float, max_size: int, remaining: int, workers: int
    ) -> None:
        self.runs = runs
        self.target = target
        self.max_size = max_size
        self.remaining = remaining  # runs not yet handed out (an upper bound: duplicates skip)
        self.workers = workers
        self.size = 2  # until the first chunk has been timed
        self.per_run: float | None = None
        self.exhausted = False

    def observe(self, result: ChunkResult) -> None:
        """Update the measured time per run, and the chunk size, from a finished chunk."""
        if result.n == 0 or result.compute_seconds <= 0.0:
            return  # nothing was timed (a row the driver wrote for a run that killed workers)
        per_run = max(result.compute_seconds / result.n, 1e-6)
        self.per_run = per_run if self.per_run is None else 0.7 * self.per_run + 0.3 * per_run
        self.size = int(min(self.max_size, max(1, round(self.target / self.per_run))))

    def next(self) -> Chunk | None:
        """The next chunk, or None when every run has been handed out."""
        if self.exhausted:
            return None
        size = min(self.size, max(1, -(-self.remaining // (2 * self.workers))))
        runs: list[RunSpec] = []
        for run in self.runs:
            runs.append(run)
            if len(runs) >= size:
                break
        else:
            self.exhausted = True
        self.remaining -= len(runs)
        return Chunk(runs) if runs else None

    def __iter__(self) -> Iterator[Chunk]:
        while (chunk := self.next()) is not None:
            yield chunk
