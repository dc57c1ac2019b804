"""Sensitivity plots return their Axes, drawn from tidy index and tornado tables."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from bargaining_chips.experiments.sensitivity import plots as sp


def test_sensitivity_plots_return_axes():
    indices = pd.DataFrame(
        [("sobol", "y", "a", None, "S1", 0.3, 0.05), ("sobol", "y", "a", None, "ST", 0.5, 0.05),
         ("sobol", "y", "b", None, "S1", 0.1, 0.02), ("sobol", "y", "b", None, "ST", 0.2, 0.03),
         ("morris", "y", "a", None, "mu_star", 2.0, 0.1),
         ("morris", "y", "a", None, "sigma", 0.5, None),
         ("morris", "y", "a", None, "mu", 2.0, None)],
        columns=["method", "outcome", "parameter", "parameter_2", "index", "value", "conf"],
    )
    ax = sp.plot_sobol(indices, "y")
    assert isinstance(ax, Axes) and len(ax.patches) == 4
    assert isinstance(sp.plot_morris(indices, "y"), Axes)
    tornado = pd.DataFrame({"outcome": ["y", "y"], "parameter": ["a", "b"], "baseline": [1.0, 1.0],
                            "low": [0.5, 0.9], "high": [2.0, 1.2], "swing": [1.5, 0.3]})
    ax = sp.plot_tornado(tornado, "y")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]  # widest on top
