"""Plot data preparation with known answers; plot functions return Axes and write nothing."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.axes import Axes

from bargaining_chips.experiments.sweep import plots as sweep_plots
from bargaining_chips.experiments.sweep.config import PlotSpec


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
    table = sweep_plots.heatmap_table(
        frame, "deadlines.G7.extension_probability", "actors.Japan.strategy.beta",
        "utilities.Japan",
    )
    assert list(table.index) == [0.5, 2.0] and list(table.columns) == [0.0, 0.5, 1.0]
    assert table.loc[0.5, 0.0] == pytest.approx(0.5 + 1.5)  # the error row is left out
    assert table.loc[2.0, 1.0] == pytest.approx(3.0 + 1.5)


def test_p_deal_table_has_wilson_bands(frame):
    table = sweep_plots.p_deal_table(frame, "deadlines.G7.extension_probability")
    assert list(table["x"]) == [0.0, 0.5, 1.0]
    assert list(table["mean"]) == pytest.approx([0.25, 0.5, 0.75])
    assert (table["low"] < table["mean"]).all() and (table["mean"] < table["high"]).all()
    by_beta = sweep_plots.p_deal_table(frame, "deadlines.G7.extension_probability",
                              by="actors.Japan.strategy.beta")
    assert list(by_beta["group"]) == [0.5] * 3 + [2.0] * 3
    assert list(by_beta["mean"]) == pytest.approx([0.25, 0.5, 0.75] * 2)
    ax = sweep_plots.plot_p_deal(frame, "deadlines.G7.extension_probability",
                        by="actors.Japan.strategy.beta")
    assert len(ax.get_lines()) == 2


def test_deadline_offsets(frame):
    offsets = sweep_plots.deadline_offsets(frame)
    assert sorted(offsets.unique()) == [-1, 0, 1]
    assert len(offsets) == 2 * (1 + 2 + 3)


def test_distribution_groups(frame):
    groups = sweep_plots.distribution_groups(
        frame, ["actors.Japan.strategy.beta", "deadlines.G7.extension_probability"],
        "utilities.Japan",
    )
    assert len(groups) == 6 and list(groups["0.5 / 0.0"]) == [0.5, 1.5, 2.5, 3.5]


def test_unknown_column_is_a_user_error(frame):
    from bargaining_chips.model.errors import UserError

    with pytest.raises(UserError, match="no column"):
        sweep_plots.heatmap_table(frame, "nope", "actors.Japan.strategy.beta", "utilities.Japan")


def test_plots_return_axes(frame):
    x, y = "deadlines.G7.extension_probability", "actors.Japan.strategy.beta"
    assert isinstance(sweep_plots.plot_heatmap(frame, x, y, "utilities.Japan"), Axes)
    assert isinstance(sweep_plots.plot_p_deal(frame, x), Axes)
    assert isinstance(sweep_plots.plot_distributions(frame, [y], "utilities.Japan"), Axes)
    ax = sweep_plots.plot_deadline_effect(frame)
    assert isinstance(ax, Axes) and sum(p.get_height() for p in ax.patches) == 12


def test_render_plots_writes_pngs(frame, tmp_path):
    specs = [
        PlotSpec(kind="heatmap", x="deadlines.G7.extension_probability",
                 y="actors.Japan.strategy.beta", outcome="utilities.Japan"),
        PlotSpec(kind="p_deal", x="deadlines.G7.extension_probability"),
        PlotSpec(kind="distribution", by=("actors.Japan.strategy.beta",), outcome="utilities.Japan"),
        PlotSpec(kind="deadline_effect"),
    ]
    written = sweep_plots.render_plots(frame, specs, tmp_path)
    assert len(written) == 4
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
