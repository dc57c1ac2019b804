"""Experiments: one run told and drawn, sweeps over parameters, sensitivity studies, theory checks.

- :mod:`.single` — the model as a function, ``run_once(params, seed) -> summary``, and ``play``;
- :mod:`.report` — one run told and drawn: transcript, files and plots (the dashboard uses it);
- :mod:`.sweep` — seeded sweeps: config, design, runner and its backends, store, summaries, plots;
- :mod:`.sensitivity` — Sobol', Morris and one-at-a-time studies (SALib), and toy functions;
- :mod:`.theory` — the classic bargaining results reproduced (``run.py validate``);
- :mod:`.cli` — the sub-commands of ``run.py``.

The names below are the public Python API.
"""

from bargaining_chips.experiments.sensitivity.study import run_sensitivity
from bargaining_chips.experiments.single import play, run_once
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.experiments.sweep.runner import run_sweep
from bargaining_chips.experiments.sweep.store import load_results

__all__ = ["play", "run_once", "run_sweep", "run_sensitivity", "load_results", "RunOptions"]
