"""How a sweep is executed: one small frozen type shared by sweeps and sensitivity studies.

:class:`RunOptions` says *where* and *how* runs execute — backend, workers, resume, chunking —
never *what* they compute: a run's result depends only on its parameters and seed, so two sweeps
of one config with different options write the same rows. It is checked when it is made, so bad
input (an unknown backend, ``--workers 0``, an address without the dask backend) fails before a
config is read or a folder touched.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bargaining_chips.model.errors import UserError

BACKENDS = ("serial", "process", "dask")


@dataclass(frozen=True)
class RunOptions:
    """Where and how a sweep's runs execute.

    ``backend``: ``serial`` (in this process, for debugging), ``process`` (a local process pool)
    or ``dask`` (a ``distributed`` cluster). ``workers``: processes (``None``: one per core; for
    dask, a local cluster's size). ``address``: a Dask scheduler to connect to (dask only; without
    it a local cluster is started). ``resume``: skip runs already in the output folder (off:
    refuse a folder holding runs). ``quiet``: no progress bar. ``chunk_seconds``: the work aimed
    at per chunk of runs, measured as the sweep goes, at most ``max_chunk`` runs.
    ``connect_timeout``: seconds to wait for the scheduler at ``address``. ``mp_start_method``:
    the process pool's start method (``auto``, ``fork``, ``spawn``, ``forkserver``; see
    :func:`~.backends.process.start_method`). ``part_rows``: rows per Parquet part (a part is
    also written after ``part_seconds`` without one, so a killed driver loses little work).
    ``worker_timeout``: seconds a dask sweep waits with no worker at all before it stops (one
    line; the finished runs are kept and the same command resumes). ``yes``: go ahead with a
    design of more than :data:`~.config.CONFIRM_RUNS` runs (up to :data:`~.config.MAX_RUNS`).
    """

    backend: str = "process"
    workers: int | None = None
    address: str | None = None
    resume: bool = True
    quiet: bool = False
    chunk_seconds: float = 1.0
    max_chunk: int = 2000
    connect_timeout: float = 10.0
    mp_start_method: str = "auto"
    part_rows: int = 10_000
    part_seconds: float = 30.0
    worker_timeout: float = 60.0
    yes: bool = False

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise UserError(
                f"unknown backend {self.backend!r}; choose one of {', '.join(BACKENDS)}"
            )
        if self.workers is not None and self.workers < 1:
            raise UserError(f"--workers must be at least 1, got {self.workers}")
        if self.part_rows < 1:
            raise UserError(f"--part-rows must be at least 1, got {self.part_rows}")
        if not self.worker_timeout > 0:
            raise UserError(f"--worker-timeout must be above 0 seconds, got {self.worker_timeout}")
        if self.address and self.backend != "dask":
            raise UserError("--address is for the dask backend; add --backend dask")

    @classmethod
    def of(cls, options: RunOptions | None = None, **changes: Any) -> RunOptions:
        """``options`` (default: the defaults) with the fields named in ``changes`` replaced: the
        keyword form of ``run_sweep(config, out, backend="serial", quiet=True)``."""
        return dataclasses.replace(options or cls(), **changes)
