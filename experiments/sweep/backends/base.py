"""The one interface every backend offers: take chunks of pending runs, yield their results.

A backend is where runs execute. The runner hands it an iterable of :class:`~..chunks.Chunk`
(read lazily, one chunk at a time as capacity frees up, so chunk sizes can follow measured times)
and receives :class:`~..chunks.ChunkResult` objects in the order they finish. Everything about
workers — starting them, bounding the work in flight, noticing that one died and sending its chunk
again — stays behind :meth:`Backend.run`; writing results, progress and the manifest stay with the
runner. A run's result depends only on its parameters and seed, so every backend yields the same
rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Protocol

from bargaining_chips.experiments.sweep.chunks import Chunk, ChunkResult


class Backend(Protocol):
    """Where a sweep's runs execute.

    ``name`` is what the manifest and the report record (``serial``, ``process``, ``dask``);
    ``workers`` how many chunks run at once; ``restarts`` how many times lost workers were
    replaced so far.
    """

    name: str
    workers: int
    restarts: int

    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run every chunk and yield each result as it finishes (in any order).

        A chunk whose worker dies is sent again, split, or (a single run) yielded as an error row
        (:func:`~..chunks.retry`); every run of every chunk comes back exactly once. On Ctrl-C
        while it waits for workers (where a driver spends its time), the chunks already running
        are let finish and yielded before ``KeyboardInterrupt`` goes on.
        """
        ...

    def close(self) -> None:
        """Stop the workers (idempotent)."""
        ...


class WorkerLost(Exception):
    """The worker running a chunk died; the chunk did not finish."""


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1
