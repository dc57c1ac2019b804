"""Plot data preparation with known answers; plot functions return Axes and write nothing."""

from __future__ import annotations

import pandas as pd
import pytest
from bargaining_chips.experiments.sensitivity import plots as sp
from bargaining_chips.experiments.sweep import plots as ap
from bargaining_chips.experiments.sweep.config import PlotSpec
from matplotlib.axes import Axes


@pytest.fixture
def frame() -> pd.DataFrame:
    rows = []
    for i, (beta, prob) in enumerate([(b, p) for b in (0.5, 2.0) for p in (0.0, 0.5, 1.0)]):
        for rep in range(4):
            deal = rep < (1 + i % 3)
            rows.append({
                "param.actors.Japan.strategy.beta": beta,
                "param.deadlines.G7.extension_probability": prob,
                "status": "ok",
                "agreement_by_first_deadline": deal,
                "utilities.Japan": beta + prob + rep,
                "agreement_round": 5 + rep if deal else None,
                "first_deadline_round": 6,
            })
    rows.append({**rows[0], "status": "error", "utilities.Japan": 1000.0})
    return pd.DataFrame(rows)


def test_heatmap_table_means_per_cell(frame):
    table = ap.heatmap_table(
        frame, "deadlines.G7.extension_probability", "actors.Japan.strategy.beta",
        "utilities.Japan",
    )
    assert list(table.index) == [0.5, 2.0] and list(table.columns) == [0.0, 0.5, 1.0]
    assert table.loc[0.5, 0.0] == pytest.approx(0.5 + 1.5)  # the error row is left out
    assert table.loc[2.0, 1.0] == pytest.approx(3.0 + 1.5)


def test_p_deal_table_has_wilson_bands(frame):
    table = ap.p_deal_table(frame, "deadlines.G7.extension_probability")
    assert list(table["x"]) == [0.0, 0.5, 1.0]
    assert list(table["mean"]) == pytest.approx([0.25, 0.5, 0.75])
    assert (table["low"] < table["mean"]).all() and (table["mean"] < table["high"]).all()
    by_beta = ap.p_deal_table(frame, "deadlines.G7.extension_probability",
                              by="actors.Japan.strategy.beta")
    assert list(by_beta["group"]) == [0.5] * 3 + [2.0] * 3
    assert list(by_beta["mean"]) == pytest.approx([0.25, 0.5, 0.75] * 2)
    ax = ap.plot_p_deal(frame, "deadlines.G7.extension_probability",
                        by="actors.Japan.strategy.beta")
    assert len(ax.get_lines()) == 2


def test_deadline_offsets(frame):
    offsets = ap.deadline_offsets(frame)
    assert sorted(offsets.unique()) == [-1, 0, 1]
    assert len(offsets) == 2 * (1 + 2 + 3)


def test_distribution_groups(frame):
    groups = ap.distribution_groups(
        frame, ["actors.Japan.strategy.beta", "deadlines.G7.extension_probability"],
        "utilities.Japan",
    )
    assert len(groups) == 6 and list(groups["0.5 / 0.0"]) == [0.5, 1.5, 2.5, 3.5]


def test_unknown_column_is_a_user_error(frame):
    from bargaining_chips.model.errors import UserError

    with pytest.raises(UserError, match="no column"):
        ap.heatmap_table(frame, "nope", "actors.Japan.strategy.beta", "utilities.Japan")


def test_plots_return_axes(frame):
    x, y = "deadlines.G7.extension_probability", "actors.Japan.strategy.beta"
    assert isinstance(ap.plot_heatmap(frame, x, y, "utilities.Japan"), Axes)
    assert isinstance(ap.plot_p_deal(frame, x), Axes)
    assert isinstance(ap.plot_distributions(frame, [y], "utilities.Japan"), Axes)
    ax = ap.plot_deadline_effect(frame)
    assert isinstance(ax, Axes) and sum(p.get_height() for p in ax.patches) == 12


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


def test_render_plots_writes_pngs(frame, tmp_path):
    specs = [
        PlotSpec(kind="heatmap", x="deadlines.G7.extension_probability",
                 y="actors.Japan.strategy.beta", outcome="utilities.Japan"),
        PlotSpec(kind="p_deal", x="deadlines.G7.extension_probability"),
        PlotSpec(kind="distribution", by=("actors.Japan.strategy.beta",), outcome="utilities.Japan"),
        PlotSpec(kind="deadline_effect"),
    ]
    written = ap.render_plots(frame, specs, tmp_path)
    assert len(written) == 4
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
