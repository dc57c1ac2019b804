"""Chunks: sizes follow measured time and shrink at the end; a lost chunk is resent, split, then
recorded; rows carry the run's identity."""

from __future__ import annotations

import io

import pandas as pd

from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep.chunks import (
    MAX_ATTEMPTS,
    Chunk,
    Chunker,
    ChunkResult,
    retry,
    run_chunk,
)
from bargaining_chips.experiments.sweep.design import RunSpec

TOY = noisy_linear


def test_chunks_follow_measured_time_and_shrink_at_the_end():
    runs = (RunSpec(i, i, 0, i, f"k{i}", {}) for i in range(1000))
    chunker = Chunker(runs, target=1.0, max_size=10_000, remaining=1000, workers=2)
    first = chunker.next()
    assert len(first.runs) == 2  # not timed yet
    chunker.observe(ChunkResult(0, 2, 0, b"", compute_seconds=0.02))  # 10 ms a run
    sizes = [len(first.runs)]
    while (chunk := chunker.next()) is not None:
        sizes.append(len(chunk.runs))
    assert sum(sizes) == 1000
    assert sizes[1] == 100  # one second of work
    assert sizes[-1] < sizes[1] and sizes == sizes[:1] + sorted(sizes[1:], reverse=True)


def test_a_result_with_no_time_leaves_the_chunk_size_alone():
    runs = (RunSpec(i, i, 0, i, f"k{i}", {}) for i in range(100))
    chunker = Chunker(runs, target=1.0, max_size=10_000, remaining=100, workers=1)
    chunker.observe(ChunkResult(0, 2, 0, b"", compute_seconds=0.02))
    size = chunker.size
    chunker.observe(ChunkResult(5, 1, 1, b"", compute_seconds=0.0))  # a row the driver wrote
    assert chunker.size == size == 100


def test_retry_resends_then_splits_then_records_a_killer_run():
    runs = [RunSpec(i, i, 0, i, f"k{i}", {"x": i}) for i in range(4)]
    chunk = Chunk(runs)
    for attempt in range(1, MAX_ATTEMPTS):
        (chunk,) = retry(chunk)
        assert chunk.attempts == attempt and len(chunk.runs) == 4
    halves = list(retry(chunk))
    assert [len(h.runs) for h in halves] == [2, 2] and all(h.attempts == 0 for h in halves)
    (died,) = retry(Chunk(runs[:1], MAX_ATTEMPTS - 1))
    assert isinstance(died, ChunkResult) and (died.first_index, died.n, died.errors) == (0, 1, 1)
    (row,) = pd.read_parquet(io.BytesIO(died.parquet)).to_dict("records")
    assert row["status"] == "error" and row["error"].startswith("WorkerDied")
    assert row["run_key"] == "k0" and row["param.x"] == 0


def test_a_chunk_becomes_one_part_with_a_row_per_run_and_errors_as_rows():
    runs = [RunSpec(i, i, 0, 100 + i, f"k{i}", {"x": x, "fail_above": 0.6})
            for i, x in enumerate([0.0, 1.0, 0.5])]
    result = run_chunk(TOY, runs)
    assert (result.first_index, result.n, result.errors) == (0, 3, 1)
    assert result.compute_seconds > 0
    rows = pd.read_parquet(io.BytesIO(result.parquet))
    assert list(rows["run_key"]) == ["k0", "k1", "k2"] and list(rows["seed"]) == [100, 101, 102]
    assert list(rows["status"]) == ["ok", "error", "ok"]
    assert rows.loc[1, "error"].startswith("ValueError") and rows.loc[1, "param.x"] == 1.0
