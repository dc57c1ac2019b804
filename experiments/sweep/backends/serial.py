"""The serial backend: every chunk in this process, one after the other — for debugging.

Same chunks, same parts and same rows as the parallel backends; a breakpoint in the model stops
here, in the driver.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bargaining_chips.experiments.sweep.chunks import Chunk, ChunkResult, run_chunk
from bargaining_chips.experiments.sweep.models import ModelFunction


class SerialBackend:
    """Runs each chunk in the driver as it is pulled (nothing can die but the driver itself)."""

    name = "serial"

    def __init__(self, model: ModelFunction) -> None:
        self.model = model
        self.workers = 1
        self.restarts = 0

    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        for chunk in chunks:
            yield run_chunk(self.model, chunk.runs)

    def close(self) -> None:
        pass
