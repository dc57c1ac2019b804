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


def test_the_deadline_effect_names_the_first_date_by_its_kind(frame):
    """The G7 summit is the leaders' target (missing it ends nothing), the theory scenario's end
    a deadline: the histogram's words say which; with no scenario, "the first deadline"."""
    from bargaining_chips.experiments.labels import labels_for

    def words(labels):
        ax = sweep_plots.plot_deadline_effect(frame, labels=labels)
        return ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]

    assert words(labels_for("us_japan_2025")) == (
        "rounds from the G7 target to agreement (0: in its round)", ["the G7 target's round"])
    assert words(labels_for("deadline_effect"))[1] == ["the end deadline's round"]
    assert words(None)[1] == ["the first deadline's round"]


def test_the_deadline_effects_key_hides_no_bar():
    """Most deals two rounds after the target, the tallest bar at the right, where the key
    would go: it stays above the bars."""
    from tests.experiments.plot_review import legend_hides_data

    offsets = [0] * 930 + [2] * 1050
    frame = pd.DataFrame({"status": "ok", "agreement_round": [7 + k for k in offsets],
                          "first_deadline_round": 7})
    ax = sweep_plots.plot_deadline_effect(frame)
    assert sorted(p.get_height() for p in ax.patches) == [0, 930, 1050]
    assert legend_hides_data(ax) == []


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


@pytest.mark.parametrize("config", ["strategy_grid.toml", "deadline_credibility.toml"])
def test_the_bundled_sweeps_plots_pass_review(config, tmp_path):
    """Every plot a bundled sweep config asks for, drawn from a small real sweep of it (a few
    replications a point): no text over text (by the pixels it inks: the distribution's group
    labels are rotated), no key over data, words where names would be."""
    import tomllib
    from pathlib import Path

    import matplotlib.pyplot as plt

    from bargaining_chips.experiments.labels import labels_for
    from bargaining_chips.experiments.sweep.config import parse_config
    from bargaining_chips.experiments.sweep.runner import run_sweep
    from bargaining_chips.experiments.sweep.store import load_results
    from tests.experiments.plot_review import clashes, legend_hides_data, raw_words

    path = Path(__file__).resolve().parents[3] / "experiments" / "configs" / config
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cfg = parse_config({**data, "replications": 6}, source=config)
    run_sweep(cfg, tmp_path / "s", backend="serial", quiet=True)
    frame = load_results(tmp_path / "s")
    found = {}
    for spec in cfg.plots:
        ax, stem = sweep_plots.draw_plot(frame, spec, labels_for(cfg.scenario))
        problems = {"texts": clashes(ax.figure), "key over data": legend_hides_data(ax),
                    "raw names": raw_words(ax.figure)}
        found[stem] = {k: v for k, v in problems.items() if v}
        plt.close(ax.figure)
    assert len(found) == len(cfg.plots)
    assert not any(found.values()), found
