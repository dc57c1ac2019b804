"""Experiments: single runs, sweeps over parameters, sensitivity analysis, results and plots."""

from experiments.single import play, run_once

__all__ = ["play", "run_once"]
