"""No overlapping labels in any panel: each matplotlib figure of the dashboard (the dance, the
utility space, the coalition network: viz.figures over the data of viz.panels) is drawn at the
dashboard's sizes and text scales, over the talks at their start, in the middle and at the end of
several runs, and every piece of text must stay inside the figure and clear of every other."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.viz import figures, panels
from tests.experiments.plot_review import clashes

#: (scenario, seed, rounds played: None to the end): the talks at their start, in the middle
#: and at the end of runs that end differently (a deal, a deal after the summit, no deal).
RUNS = [("us_japan_2025", 0, 0), ("us_japan_2025", 0, 3), ("us_japan_2025", 0, None),
        ("us_japan_2025", 7, None), ("us_japan_2025", 11, None),
        ("us_japan_2025", 3, None), ("rubinstein", 0, None)]


def _talks():
    """(label, model) for each of :data:`RUNS`."""
    out = []
    for scenario, seed, rounds in RUNS:
        model = NegotiationModel(load_scenario(scenario), seed=seed, collect=False)
        model.run(max_steps=rounds)
        out.append((f"{scenario}-seed{seed}-{'end' if rounds is None else rounds}", model))
    return out


@pytest.fixture(scope="module")
def talks():
    """The runs' states, built once for this file's tests (not at import: a model built then
    would stay in Mesa 3.3's class-level registry for the rest of the suite)."""
    return _talks()


def _draw(kind: str, model, scale: float):
    if kind == "network":
        fig = figures.new_figure(figures.NETWORK_SIZE, scale)
        figures.draw_network(panels.coalition_network(model), panels.network_layout(model),
                             fig.subplots())
    elif kind == "dance":
        fig = figures.new_figure(figures.PANEL_SIZE, scale)
        figures.draw_dance(panels.dance_table(model), panels.calendar_ticks(model),
                           fig.subplots())
    else:
        fig = figures.new_figure(figures.PANEL_SIZE, scale)
        figures.draw_utility_space(panels.utility_space(model), fig.subplots())
    return fig


@pytest.mark.parametrize("scale", [1.0, 1.5])  # 125% lies between: the layout scales
@pytest.mark.parametrize("kind", ["dance", "utility", "network"])
def test_no_label_overlaps_another_or_leaves_the_figure(kind, scale, talks):
    found = []
    for label, model in talks:
        if kind == "utility" and len(model.setup.governments) < 2:
            continue
        found += [f"{label}: {p}" for p in clashes(_draw(kind, model, scale))]
    assert not found, "\n".join(found[:20])


def test_the_check_finds_a_clash():
    """The check itself: two labels drawn on top of each other, and one past the edge."""
    fig = figures.new_figure()
    ax = fig.subplots()
    ax.text(0.5, 0.5, "LNG_Developer")
    ax.text(0.52, 0.5, "NVIDIA")
    ax.text(0.2, 0.2, "clear of the rest", rotation=45)
    ax.text(-0.4, 0.1, "LNG_Developer", transform=ax.transAxes)
    problems = clashes(fig)
    assert any("overlaps" in p for p in problems)
    assert any("sticks out" in p for p in problems)


def test_the_dashboard_dance_keys_every_move_under_the_axes_and_keeps_its_frame():
    """The dashboard's dance shows the report's whole key (a target missed, a threat carried out,
    a deadline moved), under the dates where it hides no offer, and its axes keep one size from
    the empty panel to the last round (its key grows from three rows to five meanwhile)."""
    from tests.experiments.plot_review import legend_hides_data

    model = NegotiationModel(load_scenario("us_japan_2025", {
        "actors.US.strategy": {"name": "hardliner"}, "issues.reciprocal_tariff.max": 35.0,
        "threats.letter.issue": "reciprocal_tariff", "threats.letter.no_deal": 35.0,
        "threats.letter.date": "2025-06-20"}), 0)
    frames, keys = [], []
    try:
        while True:
            fig = figures.new_figure()
            ax = fig.add_subplot()
            figures.draw_dance(panels.dance_table(model), panels.calendar_ticks(model), ax,
                               model.setup.governments)
            FigureCanvasAgg(fig).draw()
            frames.append(tuple(np.round(ax.get_position().bounds, 9)))
            legend = ax.get_legend()
            keys.append([] if legend is None else [t.get_text() for t in legend.get_texts()])
            assert legend_hides_data(ax) == []
            assert clashes(fig) == []
            assert legend is None or legend.get_window_extent().y1 < ax.get_window_extent().y0
            if model.outcome is not None:
                break
            model.step()
    finally:
        model.release()
    assert len(set(frames)) == 1, frames
    assert keys[0] == [] and len(keys[1]) == 6
    assert {"a target missed", "a threat carried out", "a deadline moved by its owner",
            "its own offer", "the other's offer"} <= set(keys[-1])
