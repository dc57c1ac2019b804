"""No overlapping labels in any panel: each matplotlib figure of the dashboard (the dance, the
utility space, the coalition network: viz.figures over the data of viz.panels) is drawn at the
dashboard's sizes and text scales, over the talks at their start, in the middle and at the end of
several runs, and every piece of text must stay inside the figure and clear of every other."""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.viz import figures, panels

#: An overhang of at most this many pixels is anti-aliasing, not a clash.
SLACK = 1.0
#: A pixel is inked by a text where its alpha exceeds this (of 255): the letters, not their fringe.
INK = 96
#: Two texts that share at most this many inked pixels touch; more, and they overlap.
SHARED = 2

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


def drawn_texts(fig) -> tuple[list[Text], object]:
    """The texts a drawing of ``fig`` puts on its canvas (visible, non-empty: not the tick
    labels of an axis turned off or of ticks outside the view), as laid out for the PNG."""
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    drawn: list[Text] = []
    draw = Text.draw

    def record(self, renderer):  # noqa: ANN001 - matplotlib's own signature
        drawn.append(self)
        return draw(self, renderer)

    with mock.patch.object(Text, "draw", record):
        fig.draw(renderer)
    seen, out = set(), []
    for text in drawn:
        if id(text) not in seen and text.get_visible() and text.get_text().strip():
            seen.add(id(text))
            out.append(text)
    return out, renderer


def _ink(text: Text, renderer) -> np.ndarray:  # noqa: ANN001
    """The pixels ``text`` inks when drawn alone where the figure put it."""
    renderer.clear()
    Text.draw(text, renderer)
    return np.asarray(renderer.buffer_rgba())[..., 3] > INK


def clashes(fig) -> list[str]:
    """What is wrong with the text of ``fig``: a text outside it, two texts overlapping (by the
    pixels both ink, so rotated tick labels are judged by their letters, not their boxes)."""
    width, height = fig.bbox.width, fig.bbox.height
    texts, renderer = drawn_texts(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    problems = []
    for text, box in zip(texts, boxes, strict=True):
        if (box.x0 < -SLACK or box.y0 < -SLACK or box.x1 > width + SLACK
                or box.y1 > height + SLACK):
            problems.append(f"{text.get_text()!r} sticks out of the figure ({box.x0:.0f}, "
                            f"{box.y0:.0f}, {box.x1:.0f}, {box.y1:.0f} in {width:.0f}×{height:.0f})")
    ink: dict[int, np.ndarray] = {}  # drawn once per text, only for texts whose boxes meet

    def inked(k: int) -> np.ndarray:
        if k not in ink:
            ink[k] = _ink(texts[k], renderer)
        return ink[k]

    for (i, p), (j, q) in itertools.combinations(enumerate(boxes), 2):
        if min(p.x1, q.x1) - max(p.x0, q.x0) <= 0 or min(p.y1, q.y1) - max(p.y0, q.y0) <= 0:
            continue  # their boxes do not even meet
        a, b = texts[i], texts[j]
        shared = int(np.logical_and(inked(i), inked(j)).sum())
        if shared > SHARED:
            problems.append(f"{a.get_text()!r} overlaps {b.get_text()!r} ({shared} pixels "
                            "inked by both)")
    return problems


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
