"""Where a sweep's runs execute: one interface (:class:`~.base.Backend`), one module per backend.

- :mod:`.serial` — in this process, for debugging;
- :mod:`.process` — a local process pool (the default);
- :mod:`.dask` — a ``distributed`` cluster at an address, or a local one;
- :mod:`.pool` — the loop the two pools share: work in flight bounded, dead workers survived.

:func:`make_backend` builds the one a :class:`~..options.RunOptions` names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bargaining_chips.experiments.sweep.backends.base import Backend, default_workers
from bargaining_chips.experiments.sweep.backends.dask import DaskBackend
from bargaining_chips.experiments.sweep.backends.process import ProcessBackend
from bargaining_chips.experiments.sweep.backends.serial import SerialBackend

if TYPE_CHECKING:
    from bargaining_chips.experiments.sweep.models import ModelFunction
    from bargaining_chips.experiments.sweep.options import RunOptions

__all__ = ["Backend", "DaskBackend", "ProcessBackend", "SerialBackend", "make_backend"]


def make_backend(options: RunOptions, model: ModelFunction) -> Backend:
    """Start the backend ``options`` names, ready to run chunks of ``model`` (its workers start
    now; :meth:`~.base.Backend.close` stops them)."""
    if options.backend == "serial":
        return SerialBackend(model)
    if options.backend == "process":
        return ProcessBackend(model, options.workers or default_workers(), options.mp_start_method)
    return DaskBackend(
        model, options.workers, options.address, options.connect_timeout, options.worker_timeout
    )
