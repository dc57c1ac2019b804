"""The loop shared by the backends whose workers are other processes (``process`` and ``dask``).

:meth:`PoolBackend.run` keeps at most two chunks per worker in flight (enough to keep every worker
busy while the driver writes a part, few enough that memory stays flat), yields results as they
finish, and deals with dead workers: the lost chunks are resent, split or recorded as errors
(:func:`~..chunks.retry`), and after :data:`MAX_BARREN_RESTARTS` deaths in a row with no chunk
finished the sweep gives up (the finished runs are kept, and resume continues). A subclass supplies
what differs between pools: submit, wait, result, recover, cancel and close.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from bargaining_chips.experiments.sweep.backends.base import WorkerLost
from bargaining_chips.experiments.sweep.chunks import Chunk, ChunkResult, retry

MAX_BARREN_RESTARTS = 20  # worker deaths in a row, with no chunk finished, before giving up


class PoolBackend(ABC):
    """A backend whose chunks run as futures on a pool of workers; see the module docstring."""

    name: str
    workers: int
    restarts: int = 0

    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run every chunk on the pool; yield each result as it finishes (see :class:`Backend`)."""
        pending = iter(chunks)
        resend: deque[Chunk] = deque()  # chunks of dead workers, sent before new ones
        in_flight: dict[Any, Chunk] = {}
        barren = 0  # worker deaths since the last finished chunk
        try:
            while self._fill(in_flight, resend, pending):
                lost: list[Chunk] = []
                for future in self.wait(list(in_flight)):
                    chunk = in_flight.pop(future)
                    try:
                        result = self.result(future)
                    except WorkerLost:
                        lost.append(chunk)
                        continue
                    barren = 0
                    yield result
                if lost:
                    barren += 1
                    _give_up_after(barren)
                    lost += self.recover(in_flight)
                    self.restarts += 1
                    yield from _retry_all(lost, resend)
        except KeyboardInterrupt:
            yield from self._finished(in_flight)
            raise

    def _fill(
        self, in_flight: dict[Any, Chunk], resend: deque[Chunk], pending: Iterator[Chunk]
    ) -> bool:
        """Submit chunks (those to resend first) until two per worker are in flight; False when
        nothing is left to run."""
        while len(in_flight) < 2 * self.workers:
            chunk = resend.popleft() if resend else next(pending, None)
            if chunk is None:
                break
            in_flight[self.submit(chunk)] = chunk
        return bool(in_flight)

    def _finished(self, in_flight: dict[Any, Chunk]) -> Iterator[ChunkResult]:
        """After Ctrl-C: cancel what has not started, let what runs finish, yield what finished
        (the rest is lost with the interrupt, and resume redoes it)."""
        self.cancel(list(in_flight))
        self.close()
        for future in in_flight:
            if future.done() and not future.cancelled():
                try:
                    result = self.result(future)
                except Exception:  # noqa: BLE001 - lost with the interrupt; resume redoes it
                    continue
                yield result

    # -- what differs between pools ---------------------------------------------------------------
    @abstractmethod
    def submit(self, chunk: Chunk) -> Any:
        """Send a chunk to the pool; returns its future."""

    @abstractmethod
    def wait(self, futures: list[Any]) -> list[Any]:
        """The futures that are done, waiting a little (about half a second) for one."""

    @abstractmethod
    def result(self, future: Any) -> ChunkResult:
        """A done future's result; raises :class:`WorkerLost` if its worker died."""

    @abstractmethod
    def recover(self, in_flight: dict[Any, Chunk]) -> list[Chunk]:
        """Make the pool usable again after a worker died; returns the chunks in flight that were
        lost with it (removed from ``in_flight``), beyond those whose result said so."""

    @abstractmethod
    def cancel(self, futures: list[Any]) -> None:
        """Cancel the futures that have not started."""

    @abstractmethod
    def close(self) -> None:
        """Stop the workers (idempotent), letting running chunks finish."""


def _give_up_after(barren: int) -> None:
    """Stop a sweep whose workers died ``barren`` times in a row without finishing a chunk."""
    if barren > MAX_BARREN_RESTARTS:
        raise RuntimeError(
            f"workers died {barren} times in a row without finishing a chunk "
            "(see the worker errors above); the finished runs are kept, "
            "run the same command again to resume"
        )


def _retry_all(lost: list[Chunk], resend: deque[Chunk]) -> Iterator[ChunkResult]:
    """Queue the lost chunks again (resent or split) and yield the error rows of runs that keep
    killing their workers."""
    for chunk in lost:
        for again in retry(chunk):
            if isinstance(again, Chunk):
                resend.append(again)
            else:
                yield again
