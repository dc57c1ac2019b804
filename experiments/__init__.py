"""Experiments: single runs, sweeps over parameters, sensitivity analysis, results and plots."""

from bargaining_chips.experiments.single import play, run_once

__all__ = ["play", "run_once"]

from bargaining_chips.experiments.runner import run_sweep  # noqa: E402
from bargaining_chips.experiments.sensitivity import run_sensitivity  # noqa: E402
from bargaining_chips.experiments.store import load_results  # noqa: E402

__all__ += ["run_sweep", "run_sensitivity", "load_results"]
