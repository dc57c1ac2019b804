"""The sweep runner: one code path over every backend, chunked, bounded, resumable.

:func:`run_sweep` enumerates the design's runs lazily, skips those already on disk, cuts the rest
into chunks sized to about ``chunk_seconds`` of work (measured as it goes; :mod:`.chunks`) and hands
them to a backend (:mod:`.backends`), which keeps at most two chunks per worker in flight. Each
chunk comes back encoded as Parquet; the driver gathers them into parts of about ``part_rows`` rows
in the sweep's one schema, written atomically, so memory stays flat in the number of runs; when the
last run is in, the parts are compacted into ``results.parquet``.

A run's result depends only on its parameters and seed, never on the backend, the worker or the
order, so every backend writes the same rows. A run that raises becomes a row with
``status = "error"``. A worker that dies (a crash, an out-of-memory kill) does not hang the sweep:
its chunk is sent again (a chunk that keeps killing workers is split down to single runs, and a
single run that kills three workers is recorded as an error). A driver killed at any moment leaves
only complete parts, and ``--resume`` completes the sweep; Ctrl-C stops after writing the chunks
already running. A disk-full or permission error while writing stops the sweep with one line
(``UserError``), the manifest marked ``interrupted`` when it can still be written; the same command
resumes once the disk has room.
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
from bargaining_chips.experiments.sweep.config import (
    CONFIRM_RUNS,
    MAX_RUNS,
    SweepConfig,
    load_config,
)
from bargaining_chips.experiments.sweep.design import Design, RunSpec
from bargaining_chips.experiments.sweep.models import (
    ModelFunction,
    declared_outcomes,
    default_model,
    model_name,
    unrecorded,
    validate_parameters,
)
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.experiments.sweep.store import ResultStore, release_unused
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
    *,
    model: ModelFunction | None = None,
    shared_backend: Backend | None = None,
    **changes: Any,
) -> SweepReport:
    """Run every run of a sweep config into ``out`` and return a report.

    ``config`` is a :class:`SweepConfig` or the path of its TOML file; ``options`` say where and
    how runs execute (:class:`RunOptions`), and any of its fields may be given by name instead:
    ``run_sweep(config, out, backend="serial", quiet=True)``. ``model`` is the function under
    study, ``f(params, seed) -> dict`` (default: the negotiation model,
    :func:`~bargaining_chips.experiments.single.run_once`); it must be a module-level function
    (it travels to the workers by reference). Bad input (an unknown parameter path, an unknown
    backend, an unreachable Dask address, an ``out`` folder holding another sweep, a design too
    large) raises ``UserError`` before anything is written. With ``resume`` (the default) runs
    already in ``out`` are skipped. Ctrl-C lets the chunks already running finish, writes them,
    and stops. ``shared_backend``: a backend already started for ``model`` (``make_backend``),
    used and left running, so that many small sweeps in a row (ABC-SMC's batches) share workers.
    """
    options = RunOptions.of(options, **changes)
    func = model or default_model()
    name = model_name(func)
    config, design = _prepare(config, func, options)
    ResultStore.check(out, config, resume=options.resume, model=name)
    own = shared_backend is None
    backend = make_backend(options, func) if shared_backend is None else shared_backend
    store, done = _open_store(out, config, options, backend, name)
    report = SweepReport(Path(out), backend.name, backend.workers, design.runs_total, len(done))
    try:
        manifest = store.start_session(
            config, runs_planned=design.runs_total, points=design.points,
            session=_session(options, backend), model=name,
            outcomes=declared_outcomes(func, config), unrecorded=unrecorded(func),
        )
    except OSError as err:
        if own:
            backend.close()
        store.close()
        raise _write_error(out, err) from None
    writer = _PartWriter(store, options.part_rows, options.part_seconds)
    progress = _Progress(config.name, design.runs_total, options.quiet)
    chunker = Chunker(
        _pending_runs(design, done, config.common_random_numbers, progress.skip),
        options.chunk_seconds, options.max_chunk, remaining=design.runs_total - len(done),
        workers=backend.workers,
    )
    del done
    started = time.perf_counter()
    status = "failed"
    failure: BaseException | None = None
    try:
        for result in backend.run(chunker):
            writer.add(result)
            chunker.observe(result)
            report.add(result)
            progress.update(result.n, report.errors)
        writer.flush()
        store.compact()
        status = "complete"
    except (KeyboardInterrupt, UserError) as err:
        status = "interrupted"
        failure = err
        _flush_quietly(writer)
        raise
    except OSError as err:
        status = "interrupted"
        failure = _write_error(out, err)
        raise failure from None
    finally:
        try:
            if own:
                backend.close()
        finally:
            progress.close()
            report.finish(status, time.perf_counter() - started, backend.restarts)
            counts = _counts(report, progress, writer)
            try:
                store.end_session(manifest, status=status, counts=counts)
            except OSError as err:
                if failure is None:  # the runs are on disk; only the manifest could not be
                    raise _write_error(out, err) from None
    return report


class _PartWriter:
    """Gathers chunk results into parts of about ``rows`` rows (or whatever came in the last
    ``seconds``) and writes them to the store."""

    def __init__(self, store: ResultStore, rows: int, seconds: float) -> None:
        self.store, self.rows, self.seconds = store, rows, seconds  # at most ``rows`` a part
        self.tables: list[Any] = []
        self.held = 0
        self.written = 0
        self.since = time.monotonic()

    def add(self, result: ChunkResult) -> None:
        import io

        import pyarrow.parquet as pq

        # One thread: Arrow's pool of decoding threads competed with the workers for the cores
        # (under load a chunk of a few dozen rows took 19 ms of the driver's wall time to read).
        self.tables.append(pq.read_table(io.BytesIO(result.parquet), use_threads=False))
        self.held += result.n
        if self.held >= self.rows or time.monotonic() - self.since >= self.seconds:
            self.flush()

    def flush(self) -> None:
        """Write what is held as parts of at most ``rows`` rows (in the sweep's schema). What is
        written is no longer held, so a write that fails part-way never writes a run twice."""
        if self.tables:
            import pyarrow as pa

            schema = self.store.schema
            tables = [schema.conform(t)[0] for t in self.tables]
            # again: a column that a later table added reaches the earlier ones
            table = pa.concat_tables([schema.conform(t)[0] for t in tables])
            self.tables = [table]
            while len(table):  # parts by rows, whatever the size of the chunks
                piece = table.slice(0, self.rows)
                self.store.write_part(piece)
                self.written += len(piece)
                table = table.slice(len(piece))
                self.tables, self.held = [table], len(table)
            self.tables, self.held = [], 0
            tables = table = piece = None  # (a slice holds its table's buffers)
            release_unused()  # the chunks read since the last flush (store.release_unused)
        self.since = time.monotonic()


def _flush_quietly(writer: _PartWriter) -> None:
    """Write what is held after an interrupt; a write that fails now loses only those runs, which
    resume runs again."""
    try:
        writer.flush()
    except (OSError, UserError):
        pass


def _write_error(out: str | Path, err: OSError) -> UserError:
    """The one line for an output folder that cannot be written (full, read-only, gone)."""
    from bargaining_chips.experiments.atomic import why

    reason = why(err)
    where = err.filename or out
    return UserError(
        f"{where}: cannot write ({reason}); the finished runs are kept; make room (or fix the "
        "permissions) and run the same command again to resume"
    )


# -- the steps of a sweep -------------------------------------------------------------------------
def require(*modules: str) -> None:
    """Fail with one line naming the extra to install when an optional dependency is missing."""
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(
            f"sweeps need {', '.join(missing)}: pip install 'bargaining-chips[sweep]'"
        )


def _prepare(
    config: SweepConfig | str | Path, func: ModelFunction, options: RunOptions
) -> tuple[SweepConfig, Design]:
    """The config (read from its file if need be) and its design, checked against the model and
    against the limits on its size."""
    source = str(config) if not isinstance(config, SweepConfig) else config.name
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    require("pyarrow", "tqdm")
    design = Design(config)
    check_size(design.runs_total, config, options.yes, source)
    validate_parameters(config, design, func, source)
    return config, design


def check_size(runs: int, config: SweepConfig, yes: bool, source: str) -> None:
    """Refuse a design of more than :data:`MAX_RUNS` runs, or of more than :data:`CONFIRM_RUNS`
    without ``yes`` or a ``max_runs`` at or above its size; and one above its ``max_runs``."""
    if runs > MAX_RUNS:
        raise UserError(
            f"{source}: the design plans {runs:,} runs, more than the ceiling of {MAX_RUNS:,}; "
            "use fewer replications or points"
        )
    if config.max_runs is not None:
        if runs > config.max_runs:
            raise UserError(
                f"{source}: max_runs: the design plans {runs:,} runs, more than max_runs = "
                f"{config.max_runs:,}; raise max_runs or use fewer replications or points"
            )
        return
    if runs > CONFIRM_RUNS and not yes:
        raise UserError(
            f"{source}: the design plans {runs:,} runs (more than {CONFIRM_RUNS:,}); "
            f"confirm with --yes or set max_runs = {runs} in the config"
        )


def _open_store(
    out: str | Path, config: SweepConfig, options: RunOptions, backend: Backend, model: str
) -> tuple[ResultStore, set[str]]:
    """Open (and lock) the output folder and read the keys of the runs it holds; if that fails,
    the backend is stopped and the lock released."""
    store = None
    try:
        store = ResultStore.open(out, config, resume=options.resume, model=model)
        return store, store.done_keys()
    except OSError as err:
        backend.close()
        if store is not None:
            store.close()
        raise _write_error(out, err) from None
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


def _counts(report: SweepReport, progress: _Progress, writer: _PartWriter) -> dict[str, Any]:
    """The counts of this session, for the manifest (runs written to disk, not merely run)."""
    return {
        "runs_this_session": writer.written, "errors_this_session": report.errors,
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
