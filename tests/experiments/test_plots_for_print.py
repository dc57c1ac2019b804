"""Plots a paper can print: words from the scenario, PNG/SVG/PDF, no overlapping text, whole
rounds, tornado ends, short file names (experiments.labels and the plot modules)."""

from __future__ import annotations

import pandas as pd
import pytest

from bargaining_chips.experiments.labels import Labels, labels_for, short_name
from bargaining_chips.experiments.sensitivity import plots as sp
from bargaining_chips.experiments.sweep import plots as sweep_plots
from bargaining_chips.experiments.sweep.config import PlotSpec
from tests.experiments.plot_review import overlaps
from tests.experiments.sweep.test_sweep_plots import frame  # noqa: F401 - the shared fixture

LABELS = labels_for("us_japan_2025")
PARAMS = ["actors.US.strategy.beta", "actors.Japan.strategy.beta", "actors.Japan.strategy.sigma",
          "deadlines.G7.extension_probability", "actors.NVIDIA.lobbying_power",
          "actors.Toyota.lobbying_power"]


def test_labels_come_from_the_scenario():
    assert LABELS.parameter("param.actors.Japan.strategy.beta") == "Japan's concession exponent β"
    assert LABELS.parameter("deadlines.G7.extension_probability") == "P(G7 target slips)"
    assert LABELS.parameter("deadlines.pause_end.extension_probability") == (
        "P(pause_end deadline extended)")
    assert Labels().parameter("deadlines.G7.extension_probability") == "P(G7 deadline extended)"
    assert LABELS.outcome("agreement_by_first_deadline") == "P(deal by the G7)"
    assert LABELS.outcome("terms.auto_tariff") == "auto tariff (%)"
    assert LABELS.outcome("utilities.Japan") == "Japan's utility"
    assert LABELS.mean("utilities.Japan") == "mean Japan's utility"
    assert Labels().parameter("x") == "x"  # unknown: as it is
    assert short_name("param.actors.Japan.strategy.beta") == "Japan-beta"
    assert short_name("deadlines.G7.extension_probability") == "G7-extension"


def test_plots_have_words_not_paths(frame):  # noqa: F811
    ax = sweep_plots.plot_heatmap(frame, "deadlines.G7.extension_probability",
                                  "actors.Japan.strategy.beta", "agreement_by_first_deadline",
                                  labels=LABELS)
    assert ax.get_title() == "P(deal by the G7)"
    assert ax.get_ylabel() == "Japan's concession exponent β"
    assert not overlaps(ax)
    ax = sweep_plots.plot_p_deal(frame, "deadlines.G7.extension_probability",
                                 by="actors.Japan.strategy.beta", labels=LABELS)
    assert ax.get_legend().get_title().get_text() == "Japan's concession exponent β"
    assert "." not in ax.get_xlabel().replace("P(", "")
    assert not overlaps(ax)


def test_deadline_effect_ticks_whole_rounds(frame):  # noqa: F811
    ax = sweep_plots.plot_deadline_effect(frame, labels=LABELS)
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert "G7" in ax.get_xlabel()


def test_config_title_label_name_and_formats(frame, tmp_path):  # noqa: F811
    spec = PlotSpec(kind="heatmap", x="deadlines.G7.extension_probability",
                    y="actors.Japan.strategy.beta", outcome="utilities.Japan",
                    title="Japan's gain", label="utility (0-1)")
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}
    for fmt, head in magic.items():
        (path,) = sweep_plots.render_plots(frame, [spec], tmp_path, LABELS, fmt=fmt, dpi=150)
        assert path.suffix == f".{fmt}" and path.read_bytes().startswith(head)
        assert len(path.name) < 60
    ax = sweep_plots.plot_heatmap(frame, spec.x, spec.y, spec.outcome, labels=LABELS,
                                  title=spec.title, label=spec.label)
    assert ax.get_title() == "Japan's gain"
    named = PlotSpec(kind="deadline_effect", name="fig3")
    (path,) = sweep_plots.render_plots(frame, [named], tmp_path, LABELS, fmt="svg")
    assert path.name == "fig3.svg"
    with pytest.raises(ValueError):
        PlotSpec(kind="deadline_effect", name="../x")


def test_morris_labels_do_not_overlap_even_when_points_crowd():
    rows = []
    for k, p in enumerate(PARAMS):  # six points within 2% of each other
        rows += [("morris", "y", p, None, "mu_star", 0.50 + 0.002 * k, 0.01),
                 ("morris", "y", p, None, "sigma", 0.40 + 0.001 * k, None)]
    indices = pd.DataFrame(rows, columns=["method", "outcome", "parameter", "parameter_2",
                                          "index", "value", "conf"])
    ax = sp.plot_morris(indices, "y", labels=LABELS)
    assert not overlaps(ax)
    # and no name covers another point: a name moved off its point has a line back to it
    renderer = ax.figure.canvas.get_renderer()
    names = [t for t in ax.texts if t.get_text()]
    points = [ax.transData.transform(t.xy) for t in names]
    for k, text in enumerate(names):
        box = text.get_window_extent(renderer)
        assert not any(box.x0 - 3 < x < box.x1 + 3 and box.y0 - 3 < y < box.y1 + 3
                       for j, (x, y) in enumerate(points) if j != k), text.get_text()
    leaders = [t for t in ax.texts if not t.get_text()]
    moved = [t for t in names if t.get_position() not in [b[:2] for b in sp.BESIDE]]
    assert len(leaders) == len(moved) >= 1
    assert {tuple(t.xy) for t in leaders} == {tuple(t.xy) for t in moved}
    ax = sp.plot_sobol(pd.DataFrame(
        [("sobol", "y", p, None, i, 0.1 * k, 0.02) for k, p in enumerate(PARAMS) for i in ("S1", "ST")],
        columns=indices.columns), "y", labels=LABELS)
    assert not overlaps(ax)


def test_tornado_shows_both_ends_from_the_baseline():
    table = pd.DataFrame({"outcome": ["y"] * 3, "parameter": PARAMS[:3], "baseline": [3.0] * 3,
                          "low": [2.5, 2.9, 1.0], "high": [4.0, 3.2, 3.1],
                          "swing": [1.5, 0.3, 2.1]})
    ax = sp.plot_tornado(table, "y", labels=LABELS)
    texts = {t.get_text() for t in ax.texts}
    assert {"2.5", "4", "2.9", "3.2", "1", "3.1"} <= texts  # each bar's two ends, written
    low, high = ax.get_xlim()
    assert low < 1.0 and high > 4.0
    assert not overlaps(ax)
