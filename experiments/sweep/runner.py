"""The sweep runner: one code path over every backend, chunked, bounded, resumable.

:func:`run_sweep` enumerates the design's runs lazily, skips those already on disk, cuts the rest
into chunks sized to about ``chunk_seconds`` of work (measured as it goes; :mod:`.chunks`) and hands
them to a backend (:mod:`.backends`), which keeps at most two chunks per worker in flight. Each
chunk comes back as a finished Parquet part that the driver writes atomically, so memory stays flat
in the number of runs and the driver does almost no work.

A run's result depends only on its parameters and seed, never on the backend, the worker or the
order, so every backend writes the same rows. A run that raises becomes a row with
``status = "error"``. A worker that dies (a crash, an out-of-memory kill) does not hang the sweep:
its chunk is sent again (a chunk that keeps killing workers is split down to single runs, and a
single run that kills three workers is recorded as an error). A driver killed at any moment leaves
only complete parts, and ``--resume`` completes the sweep; Ctrl-C stops after writing the chunks
already running.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bargaining_chips.experiments.sweep.backends import Backend, make_backend
from bargaining_chips.experiments.sweep.chunks import Chunker, ChunkResult
from bargaining_chips.experiments.sweep.config import SweepConfig, load_config
from bargaining_chips.experiments.sweep.design import Design, RunSpec
from bargaining_chips.experiments.sweep.models import validate_parameters
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.experiments.sweep.store import ResultStore
from bargaining_chips.model.errors import UserError


@dataclass
class SweepReport:
    """What a call to :func:`run_sweep` did."""

    out: Path
    backend: str
    workers: int
    runs_planned: int
    runs_before: int = 0
    runs_done: int = 0
    errors: int = 0
    elapsed: float = 0.0
    compute_seconds: float = 0.0
    restarts: int = 0
    status: str = "running"

    @property
    def complete(self) -> bool:
        """True when every run of the design is on disk."""
        return self.status == "complete"

    def add(self, result: ChunkResult) -> None:
        """Count a chunk written to disk."""
        self.runs_done += result.n
        self.errors += result.errors
        self.compute_seconds += result.compute_seconds

    def finish(self, status: str, elapsed: float, restarts: int) -> None:
        """Record how the session ended: ``complete``, ``interrupted`` or ``failed``."""
        self.status, self.elapsed, self.restarts = status, elapsed, restarts


def run_sweep(
    config: SweepConfig | str | Path,
    out: str | Path,
    options: RunOptions | None = None,
    **changes: Any,
) -> SweepReport:
    """Run every run of a sweep config into ``out`` and return a report.

    ``config`` is a :class:`SweepConfig` or the path of its TOML file; ``options`` say where and
    how runs execute (:class:`RunOptions`), and any of its fields may be given by name instead:
    ``run_sweep(config, out, backend="serial", quiet=True)``. Bad input (an unknown parameter
    path, an unknown backend, an unreachable Dask address, an ``out`` folder holding another
    sweep) raises ``UserError`` before anything is written. With ``resume`` (the default) runs
    already in ``out`` are skipped. Ctrl-C lets the chunks already running finish, writes them,
    and stops.
    """
    options = RunOptions.of(options, **changes)
    config, design = _prepare(config)
    ResultStore.check(out, config, resume=options.resume)
    backend = make_backend(options, config.model)
    store, done = _open_store(out, config, options, backend)
    report = SweepReport(Path(out), backend.name, backend.workers, design.runs_total, len(done))
    manifest = store.start_session(
        config, runs_planned=design.runs_total, points=design.points,
        session=_session(options, backend),
    )
    progress = _Progress(config.name, design.runs_total, options.quiet)
    chunker = Chunker(
        _pending_runs(design, done, config.common_random_numbers, progress.skip),
        options.chunk_seconds, options.max_chunk, remaining=design.runs_total - len(done),
        workers=backend.workers,
    )
    del done
    started = time.perf_counter()
    status = "failed"
    try:
        for result in backend.run(chunker):
            store.write_part(result.parquet, result.first_index)
            chunker.observe(result)
            report.add(result)
            progress.update(result.n, report.errors)
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        try:
            backend.close()
        finally:
            progress.close()
            report.finish(status, time.perf_counter() - started, backend.restarts)
            store.end_session(manifest, status=status, counts=_counts(report, progress))
    return report


# -- the steps of a sweep -------------------------------------------------------------------------
def require(*modules: str) -> None:
    """Fail with one line naming the extra to install when an optional dependency is missing."""
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(
            f"sweeps need {', '.join(missing)}: pip install 'bargaining-chips[sweep]'"
        )


def _prepare(config: SweepConfig | str | Path) -> tuple[SweepConfig, Design]:
    """The config (read from its file if need be) and its design, checked against the model."""
    source = str(config) if not isinstance(config, SweepConfig) else config.name
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    require("pyarrow", "tqdm")
    design = Design(config)
    validate_parameters(config, design, source)
    return config, design


def _open_store(
    out: str | Path, config: SweepConfig, options: RunOptions, backend: Backend
) -> tuple[ResultStore, set[str]]:
    """Open (and lock) the output folder and read the keys of the runs it holds; if that fails,
    the backend is stopped and the lock released."""
    store = None
    try:
        store = ResultStore.open(out, config, resume=options.resume)
        return store, store.done_keys()
    except BaseException:
        backend.close()
        if store is not None:
            store.close()
        raise


def _session(options: RunOptions, backend: Backend) -> dict[str, Any]:
    """What the manifest records about where this session ran."""
    return {
        "backend": backend.name, "workers": backend.workers, "address": options.address,
        "start_method": getattr(backend, "start_method", None),  # the process pool's
    }


def _pending_runs(
    design: Design, skip: set[str], dedupe: bool, on_skip: Callable[[], None]
) -> Iterator[RunSpec]:
    """The design's runs not in ``skip`` (and, with ``dedupe``, each key once), lazily;
    ``on_skip`` is called for every run left out."""
    seen: set[str] = set()
    for run in design.runs():
        if run.key in skip or (dedupe and run.key in seen):
            on_skip()
            continue
        if dedupe:
            seen.add(run.key)
        yield run


def _counts(report: SweepReport, progress: _Progress) -> dict[str, Any]:
    """The counts of this session, for the manifest."""
    return {
        "runs_this_session": report.runs_done, "errors_this_session": report.errors,
        "skipped_done": progress.skipped, "worker_restarts": report.restarts,
        "elapsed_seconds": round(report.elapsed, 3),
        "compute_seconds": round(report.compute_seconds, 3),
    }


class _Progress:
    """The progress bar on stderr (none when quiet), counting runs skipped as well as run."""

    def __init__(self, name: str, total: int, quiet: bool) -> None:
        from tqdm import tqdm

        class _Bar(tqdm):
            # No monitor thread: a single-threaded driver can restart its workers by fork.
            monitor_interval = 0

        self.skipped = 0
        self.bar = _Bar(
            total=total, unit="run", disable=quiet, file=sys.stderr, desc=name, smoothing=0.05,
            mininterval=0.5, dynamic_ncols=True,
        )

    def skip(self) -> None:
        self.skipped += 1
        self.bar.update(1)

    def update(self, runs: int, errors: int) -> None:
        self.bar.update(runs)
        if errors:
            self.bar.set_postfix(errors=errors, refresh=False)

    def close(self) -> None:
        self.bar.close()
