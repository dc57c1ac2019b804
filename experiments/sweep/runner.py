"""The sweep runner: one code path over three backends, chunked, bounded, resumable.

``run_sweep`` enumerates the design's runs lazily, skips those already on disk, and sends the rest
to a backend in chunks sized to about ``chunk_seconds`` of work (measured as it goes), keeping at
most two chunks per worker in flight. Each chunk comes back as a finished Parquet part that the driver
writes atomically, so memory stays flat in the number of runs and the driver does almost no work.

Backends:

- ``serial`` — in this process, for debugging (same chunks, same parts);
- ``process`` — a local ``ProcessPoolExecutor`` with an explicit start method (``fork`` on Linux
  when the driver runs a single thread, else ``spawn``; Mesa 3.3 changes the global default on
  import, so it is never relied on);
- ``dask`` — a ``distributed.Client`` connected to ``address`` (the package must be installed on the
  workers), or a ``LocalCluster`` of single-threaded worker processes when no address is given.

A run's result depends only on its parameters and seed, never on the backend, the worker or the
order, so all three write the same rows. A run that raises becomes a row with ``status = "error"``.
A worker that dies (a crash, an out-of-memory kill) does not hang the sweep: the process pool is
restarted and the unfinished chunks are sent again (a chunk that keeps killing workers is split down
to single runs, and a single run that kills three workers is recorded as an error); Dask reschedules
by itself and reports ``KilledWorker``, handled the same way. A driver killed at any moment leaves
only complete parts, and ``--resume`` completes the sweep.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bargaining_chips.experiments.sweep.config import DEFAULT_MODEL, SweepConfig, load_config
from bargaining_chips.experiments.sweep.design import Design, RunSpec
from bargaining_chips.experiments.sweep.store import (
    PARAM_PREFIX,
    ResultStore,
    flatten,
    rows_to_parquet,
)
from bargaining_chips.model.errors import UserError

BACKENDS = ("serial", "process", "dask")
MAX_ATTEMPTS = 3  # sends of one chunk before it is split (or, for one run, recorded as an error)
MAX_BARREN_RESTARTS = 20  # worker deaths in a row, with no chunk finished, before giving up
_MODELS: dict[str, Callable[[dict[str, Any], int], dict[str, Any]]] = {}


def require(*modules: str) -> None:
    """Fail with one line naming the extra to install when an optional dependency is missing."""
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(
            f"sweeps need {', '.join(missing)}: pip install 'bargaining-chips[sweep]'"
        )


# -- the model as a function ----------------------------------------------------------------------
def resolve_model(spec: str) -> Callable[[dict[str, Any], int], dict[str, Any]]:
    """Import ``"package.module:function"`` (cached per process)."""
    if spec in _MODELS:
        return _MODELS[spec]
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UserError(f"model {spec!r}: expected 'package.module:function'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise UserError(f"model {spec!r}: cannot import {module_name!r} ({err})") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise UserError(f"model {spec!r}: {module_name} has no function {attr!r}")
    _MODELS[spec] = func
    return func


def validate_parameters(config: SweepConfig, design: Design, source: str = "config") -> None:
    """Fail before any run if a parameter path or value is unknown to the model.

    A model that declares ``parameters`` (a set of accepted names, as the toys do) is checked
    against it. The negotiation model is checked by loading the scenario with overrides: once at
    the first point, then with each swept parameter moved to each of its grid values (or both ends
    of its range), so a bad path or an out-of-range value is reported with the scenario's own
    message, naming the field.
    """
    func = resolve_model(config.model)
    names = set(config.parameters) | set(config.constants)
    accepted = getattr(func, "parameters", None)
    if accepted is not None:
        unknown = sorted(names - set(accepted))
        if unknown:
            raise UserError(
                f"{source}: unknown parameter {unknown[0]!r} for model {config.model}; "
                f"known: {', '.join(sorted(accepted))}"
            )
        return
    if config.model != DEFAULT_MODEL:
        return
    from bargaining_chips.experiments.sweep.design import grid_values
    from bargaining_chips.model import load_scenario

    base = dict(config.constants)
    base.update(design.point(0))
    trials = [dict(base)]
    for path, spec in config.parameters.items():
        values = grid_values(spec, 2) if not spec.discrete else spec.values or ()
        trials += [{**base, path: value} for value in values]
    scenario = config.scenario or "us_japan_2025"
    for overrides in trials:
        try:
            load_scenario(scenario, overrides=overrides)
        except UserError as err:
            raise UserError(f"{source}: {err}") from None


# -- the work of one chunk (runs in a worker) -----------------------------------------------------
@dataclass(frozen=True)
class ChunkResult:
    """What a worker returns: the chunk's rows as Parquet bytes, and how long the runs took."""

    first_index: int
    n: int
    errors: int
    parquet: bytes
    compute_seconds: float


def run_one(func: Callable[[dict[str, Any], int], dict[str, Any]], run: RunSpec) -> dict[str, Any]:
    """Run the model once and return the flat table row (an error row if it raises)."""
    row: dict[str, Any]
    try:
        row = flatten(func(dict(run.params), run.seed))
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001 - a failing run is data, not a crash
        row = {}
        status = "error"
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    row.update({f"{PARAM_PREFIX}{k}": v for k, v in run.params.items()})
    row.update(
        run_key=run.key, run_index=run.index, point=run.point, replication=run.replication,
        seed=run.seed, status=status, error=error,
    )
    return row


def run_chunk(model: str, runs: list[RunSpec]) -> ChunkResult:
    """Run a chunk of runs and encode their rows as one Parquet part."""
    func = resolve_model(model)
    start = time.perf_counter()
    rows = [run_one(func, run) for run in runs]
    seconds = time.perf_counter() - start
    errors = sum(1 for row in rows if row["status"] != "ok")
    return ChunkResult(runs[0].index, len(runs), errors, rows_to_parquet(rows), seconds)


def _init_worker(model: str) -> None:
    """Process-pool initializer: leave Ctrl-C to the driver, exit if the driver dies (a killed
    driver must not leave workers behind), and import the model once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch_parent, name="watch-driver", daemon=True).start()
    resolve_model(model)


def _worker_died_row(run: RunSpec, reason: str) -> dict[str, Any]:
    row: dict[str, Any] = {f"{PARAM_PREFIX}{k}": v for k, v in run.params.items()}
    row.update(
        run_key=run.key, run_index=run.index, point=run.point, replication=run.replication,
        seed=run.seed, status="error", error=f"WorkerDied: {reason}",
    )
    return row


# -- backends -------------------------------------------------------------------------------------
class WorkerLost(Exception):
    """The worker running a chunk died; the chunk did not finish."""


class _Serial:
    name = "serial"

    def __init__(self, model: str) -> None:
        self.model = model
        self.workers = 1

    def submit(self, runs: list[RunSpec]) -> cf.Future:
        future: cf.Future = cf.Future()
        future.set_result(run_chunk(self.model, runs))
        return future

    def wait(self, futures: list[Any]) -> list[Any]:
        return [f for f in futures if f.done()]

    def result(self, future: Any) -> ChunkResult:
        return future.result()

    def recover(self) -> None:  # pragma: no cover - nothing can die
        pass

    def cancel(self, futures: list[Any]) -> None:
        pass

    def close(self) -> None:
        pass


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


def _ping() -> int:
    return os.getpid()


class _Process:
    name = "process"

    def __init__(self, model: str, workers: int, method: str = "auto") -> None:
        self.model = model
        self.workers = workers
        self.method = method
        self.restarts = 0
        self.pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        self.start_method = start_method(self.method)
        pool = cf.ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context(self.start_method),
            initializer=_init_worker, initargs=(self.model,),
        )
        for _ in range(self.workers):  # start the workers now, while the driver gets ready
            pool.submit(_ping)
        return pool

    def submit(self, runs: list[RunSpec]) -> cf.Future:
        try:
            return self.pool.submit(run_chunk, self.model, runs)
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

    def recover(self) -> None:
        """Replace a broken pool with a fresh one (the broken pool has already stopped its
        workers, so waiting for it is quick, and lets the new pool fork when that is safe)."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.restarts += 1
        self.pool = self._new_pool()

    def cancel(self, futures: list[Any]) -> None:
        for future in futures:
            future.cancel()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)  # idempotent


class _Dask:
    name = "dask"

    def __init__(
        self, model: str, workers: int | None, address: str | None, timeout: float = 10.0
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
        if address:
            try:
                self.client = distributed.Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as err:
                raise UserError(f"cannot reach the Dask scheduler at {address!r}: {err}") from None
            self._check_environment(address)
        else:
            self.cluster = distributed.LocalCluster(
                n_workers=workers or _default_workers(), threads_per_worker=1, processes=True,
                host="127.0.0.1", silence_logs=logging.ERROR,
                # Any free local port: the default (8787) may be taken, and None still tries it.
                dashboard_address="127.0.0.1:0",
            )
            self.client = distributed.Client(self.cluster, set_as_default=False)
        self.workers = max(1, sum(self.client.nthreads().values()))

    def _check_environment(self, address: str) -> None:
        """Fail early, in one line, if the cluster cannot import the runner or the model.

        Chunks are sent by reference to ``experiments.sweep.runner.run_chunk``, so the scheduler and
        every worker must have this package (and the model's module) installed. The check runs
        the built-in ``exec`` there, which any environment can deserialize.
        """
        modules = [__name__, self.model.partition(":")[0]]
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

    def submit(self, runs: list[RunSpec]) -> Any:
        return self.client.submit(run_chunk, self.model, runs, pure=False)

    def wait(self, futures: list[Any]) -> list[Any]:
        # Polled: ``distributed.wait`` needs a process-wide default client, which we do not set.
        deadline = time.monotonic() + 0.5
        while True:
            done = [f for f in futures if f.done()]
            if done or time.monotonic() > deadline:
                return done
            time.sleep(0.005)

    def result(self, future: Any) -> ChunkResult:
        try:
            return future.result()
        except self.distributed.KilledWorker as err:
            raise WorkerLost(str(err)) from err

    def recover(self) -> None:
        self.restarts += 1  # the scheduler replaces lost workers by itself

    def cancel(self, futures: list[Any]) -> None:
        if futures:
            self.client.cancel(futures)

    def close(self) -> None:
        if self.client.status not in ("closed", "closing"):
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _make_backend(
    name: str, model: str, workers: int | None, address: str | None, timeout: float = 10.0,
    method: str = "auto",
) -> Any:
    if name == "serial":
        return _Serial(model)
    if name == "process":
        return _Process(model, workers or _default_workers(), method)
    if name == "dask":
        return _Dask(model, workers, address, timeout)
    raise UserError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


# -- the sweep ------------------------------------------------------------------------------------
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
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every run of the design is on disk."""
        return self.status == "complete"


@dataclass
class _Chunk:
    runs: list[RunSpec]
    attempts: int = 0


class _Chunker:
    """Pulls not-yet-done runs from the design into chunks of about ``target`` seconds of work.

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
        if result.n == 0:
            return
        per_run = max(result.compute_seconds / result.n, 1e-6)
        self.per_run = per_run if self.per_run is None else 0.7 * self.per_run + 0.3 * per_run
        self.size = int(min(self.max_size, max(1, round(self.target / self.per_run))))

    def next(self) -> _Chunk | None:
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
        return _Chunk(runs) if runs else None


def _pending_runs(design: Design, skip: set[str], dedupe: bool, on_skip: Callable[[], None]):
    seen: set[str] = set()
    for run in design.runs():
        if run.key in skip or (dedupe and run.key in seen):
            on_skip()
            continue
        if dedupe:
            seen.add(run.key)
        yield run


def run_sweep(
    config: SweepConfig | str | Path,
    out: str | Path,
    *,
    backend: str = "process",
    workers: int | None = None,
    address: str | None = None,
    resume: bool = True,
    quiet: bool = False,
    chunk_seconds: float = 1.0,
    max_chunk: int = 2000,
    connect_timeout: float = 10.0,
    mp_start_method: str = "auto",
) -> SweepReport:
    """Run every run of a sweep config into ``out`` and return a report.

    ``config`` is a :class:`SweepConfig` or the path of its TOML file. Bad input (an unknown
    parameter path, an unknown backend, an unreachable Dask address, an ``out`` folder holding
    another sweep) raises ``UserError`` before anything is written. With ``resume`` (the default)
    runs already in ``out`` are skipped. Ctrl-C stops after writing the chunks already finished.
    ``chunk_seconds`` is the work aimed at per chunk (at most ``max_chunk`` runs);
    ``connect_timeout`` bounds the wait for a Dask scheduler at ``address``;
    ``mp_start_method`` is the process backend's start method (see :func:`start_method`).
    """
    source = str(config) if not isinstance(config, SweepConfig) else config.name
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    require("pyarrow", "tqdm")
    if backend not in BACKENDS:
        raise UserError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if workers is not None and workers < 1:
        raise UserError(f"--workers must be at least 1, got {workers}")
    if address and backend != "dask":
        raise UserError("--address is for the dask backend; add --backend dask")
    design = Design(config)
    validate_parameters(config, design, source)
    ResultStore.check(out, config, resume=resume)
    runner = _make_backend(
        backend, config.model, workers, address, connect_timeout, mp_start_method
    )
    store = None
    try:
        store = ResultStore.open(out, config, resume=resume)
        done = store.done_keys()
    except BaseException:
        runner.close()
        if store is not None:
            store.close()
        raise
    report = SweepReport(Path(out), backend, runner.workers, design.runs_total)
    manifest = store.start_session(
        config, runs_planned=design.runs_total, points=design.points,
        session={
            "backend": backend, "workers": runner.workers, "address": address,
            "start_method": getattr(runner, "start_method", None),
        },
    )
    from tqdm import tqdm

    class _Bar(tqdm):
        # No monitor thread: a single-threaded driver can restart its workers by fork.
        monitor_interval = 0

    bar = _Bar(
        total=design.runs_total, unit="run", disable=quiet, file=sys.stderr,
        desc=config.name, smoothing=0.05, mininterval=0.5, dynamic_ncols=True,
    )
    skipped = [0]

    def on_skip() -> None:
        skipped[0] += 1
        bar.update(1)

    report.runs_before = len(done)
    chunker = _Chunker(
        _pending_runs(design, done, config.common_random_numbers, on_skip), chunk_seconds,
        max_chunk, remaining=design.runs_total - len(done), workers=runner.workers,
    )
    del done
    in_flight: dict[Any, _Chunk] = {}
    limit = 1 if backend == "serial" else 2 * runner.workers
    started = time.perf_counter()
    barren = 0  # worker deaths since the last finished chunk
    status = "failed"
    try:
        while True:
            while len(in_flight) < limit:
                chunk = chunker.next()
                if chunk is None:
                    break
                in_flight[runner.submit(chunk.runs)] = chunk
            if not in_flight:
                break
            finished = runner.wait(list(in_flight))
            lost: list[_Chunk] = []
            for future in finished:
                chunk = in_flight.pop(future)
                try:
                    result = runner.result(future)
                except WorkerLost:
                    lost.append(chunk)
                    continue
                store.write_part(result.parquet, result.first_index)
                barren = 0
                chunker.observe(result)
                report.runs_done += result.n
                report.errors += result.errors
                report.compute_seconds += result.compute_seconds
                bar.update(result.n)
                if report.errors:
                    bar.set_postfix(errors=report.errors, refresh=False)
            if lost:
                barren += 1
                if barren > MAX_BARREN_RESTARTS:
                    raise RuntimeError(
                        f"workers died {barren} times in a row without finishing a chunk "
                        "(see the worker errors above); the finished runs are kept, "
                        "run the same command again to resume"
                    )
                if backend == "process":  # one death breaks the whole pool: resend everything
                    lost += list(in_flight.values())
                    in_flight.clear()
                    runner.recover()
                else:
                    runner.recover()
                for chunk in lost:
                    for retry in _retry(chunk):
                        if isinstance(retry, dict):
                            store.write_part(rows_to_parquet([retry]), retry["run_index"])
                            report.runs_done += 1
                            report.errors += 1
                            bar.update(1)
                        else:
                            in_flight[runner.submit(retry.runs)] = retry
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        runner.cancel(list(in_flight))
        runner.close()  # lets chunks already running finish, so their work is kept
        for future in in_flight:
            if future.done() and not future.cancelled():
                try:
                    result = runner.result(future)
                except Exception:  # noqa: BLE001 - lost with the interrupt; resume redoes it
                    continue
                store.write_part(result.parquet, result.first_index)
                report.runs_done += result.n
                report.errors += result.errors
        raise
    finally:
        try:
            runner.close()
        finally:
            bar.close()
            report.elapsed = time.perf_counter() - started
            report.restarts = getattr(runner, "restarts", 0)
            report.status = status
            store.end_session(
                manifest, status=status,
                counts={
                    "runs_this_session": report.runs_done, "errors_this_session": report.errors,
                    "skipped_done": skipped[0], "worker_restarts": report.restarts,
                    "elapsed_seconds": round(report.elapsed, 3),
                    "compute_seconds": round(report.compute_seconds, 3),
                },
            )
    return report


def _retry(chunk: _Chunk) -> Iterator[_Chunk | dict[str, Any]]:
    """What to do with a chunk whose worker died: resend, split, or (one run) record the error."""
    attempts = chunk.attempts + 1
    if attempts < MAX_ATTEMPTS:
        yield _Chunk(chunk.runs, attempts)
    elif len(chunk.runs) > 1:
        half = len(chunk.runs) // 2
        yield _Chunk(chunk.runs[:half], 0)
        yield _Chunk(chunk.runs[half:], 0)
    else:
        yield _worker_died_row(chunk.runs[0], f"the worker died {attempts} times on this run")
