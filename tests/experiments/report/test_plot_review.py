"""Every plot ``run`` and ``validate --plots`` draw, looked at as a reviewer would
(tests/experiments/plot_review.py): no text over text, no legend over data, words not raw names,
whole rounds on round axes, short file names — on the default run, a long undated theory run and
three governments at the table."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from bargaining_chips.experiments.cli import theory as theory_cli  # noqa: E402
from bargaining_chips.experiments.report import coalition_plots as cp  # noqa: E402
from bargaining_chips.experiments.report import output, plots, run_files  # noqa: E402
from bargaining_chips.experiments.theory import plots as theory_plots  # noqa: E402
from tests.experiments.plot_review import (  # noqa: E402
    MAX_FILE_NAME,
    legend_hides_data,
    overlaps,
    raw_words,
    review,
    whole_ticks,
)

CLEAN = {"overlapping texts": [], "legend over data": [], "raw names": []}


@pytest.fixture
def drawn(monkeypatch, tmp_path):
    """The figures the writers would save, by file name, kept open instead of written."""
    figures = {}

    def keep(path, fig, fmt="png", dpi=200):
        figures[path.name] = fig

    monkeypatch.setattr(output, "save_figure", keep)
    yield figures
    plt.close("all")


def draw_run(model, drawn, tmp_path) -> dict:
    run_files.write_plots(model, {}, tmp_path)
    run_files.write_coalition_plots(model, {}, tmp_path)
    return drawn


@pytest.mark.parametrize("scenario", ["us_japan_2025", "deadline_effect", "three_governments"])
def test_the_plots_of_a_run_pass_review(scenario, play, drawn, tmp_path):
    figures = draw_run(play(scenario, seed=0), drawn, tmp_path)
    assert sorted(figures) == sorted(f"{stem}.png" for stem in run_files.PLOT_STEMS)
    for name, fig in figures.items():
        assert len(name) <= MAX_FILE_NAME
        assert review(fig) == CLEAN, name
    dance = figures["negotiation_dance.png"].axes[0]
    membership = figures["coalition_membership.png"].axes[0]
    assert whole_ticks(dance.xaxis) and whole_ticks(membership.xaxis)
    assert "0 = its worst package" in dance.get_ylabel()  # the utility's scale
    dated = scenario != "deadline_effect"
    assert dance.get_xlabel() == ("date of the round (2025)" if dated else "round")
    if scenario == "us_japan_2025":
        assert [t.get_text() for t in dance.get_xticklabels()][:2] == ["16 Apr", "1 May"]
        space = figures["utility_space.png"].axes[0]
        assert space.get_xlabel() == "utility to the US (0–1)"
        assert "offers by the US" in [t.get_text() for t in space.get_legend().get_texts()]
        names = [t.get_text() for t in membership.get_yticklabels()]
        assert "LNG Developer" in names and "JA Farm" in names


def test_the_network_names_its_coalitions_from_the_scenario(default_run, drawn, tmp_path):
    figures = draw_run(default_run, drawn, tmp_path)
    final = figures["coalition_network.png"].axes[-1]
    keys = [t.get_text() for t in final.get_legend().get_texts()]
    labels = "|".join(issue.label for issue in default_run.spec.issues.values())
    assert keys and all(  # the issue's label, not its name
        re.fullmatch(rf"(for|against) the deal, chiefly over ({labels}) \(\d+\)", k) for k in keys), keys
    key = [t.get_text() for t in figures["coalition_network.png"].legends[0].get_texts()]
    assert "government" in key and any("τ = 0.3" in k for k in key)


def test_names_that_would_overlap_are_moved_apart():
    node = {"government": False, "size": 400.0, "colour": cp.ALONE, "coalition": 0,
            "stance": "undecided"}
    panel = {"label": "round 1", "edges": [], "coalitions": [],
             "nodes": [{**node, "name": "Toyota_Motor", "x": 0.0, "y": 0.0},
                       {**node, "name": "Toyota_Tsusho", "x": 0.01, "y": 0.005},
                       {**node, "name": "Honda", "x": 0.0, "y": 0.012},
                       {**node, "name": "far", "x": 1.0, "y": 1.0}]}
    fig, ax = plt.subplots(figsize=(4, 4))
    cp.plot_network(panel, ax=ax, separate=False)
    assert overlaps(ax)  # drawn where they belong, the names clash
    assert cp.separate_labels(ax) >= 1
    assert not overlaps(ax)
    plt.close(fig)


def test_a_long_run_labels_whole_rounds_without_crowding():
    rounds = list(range(1, 61))
    table = pd.DataFrame({"round": rounds * 2, "date": [None] * 120,
                          "proposer": ["A", "B"] * 60, "government": ["A"] * 60 + ["B"] * 60,
                          "utility": [r / 60 for r in rounds] * 2, "reservation": 0.3,
                          "agreed": False})
    ax = plots.plot_dance(table)
    ticks = ax.get_xticks()
    assert whole_ticks(ax.xaxis) and len(ticks) <= plots.MAX_ROUND_TICKS
    assert ticks[0] == 1 and ticks[-1] == 60
    assert review(ax.figure) == CLEAN
    hist = theory_plots.plot_deadline_histogram(
        theory_plots.deadline_table([100] * 40 + [95] * 10 + [None] * 3, 100))
    assert whole_ticks(hist.xaxis) and len(hist.get_xticks()) <= plots.MAX_ROUND_TICKS
    assert review(hist.figure) == CLEAN
    plt.close("all")


def test_the_round_ticks_keep_the_first_and_the_last():
    assert plots.round_ticks([1, 2, 3]) == [1, 2, 3]
    shown = plots.round_ticks(list(range(1, 101)), most=10)
    assert shown[0] == 1 and shown[-1] == 100 and len(shown) <= 10


def test_the_theory_plot_passes_review(drawn, tmp_path):
    rounds = ([19] * 365 + [20] * 94 + [18] * 41, 20)
    path = theory_cli.write_deadline_plot(rounds, tmp_path, "svg", 150)
    assert path.name == "deadline_effect.svg" and len(path.name) <= MAX_FILE_NAME
    fig = drawn[path.name]
    assert review(fig) == CLEAN
    ax = fig.axes[0]
    assert whole_ticks(ax.xaxis)
    assert ax.get_title().startswith("The deadline effect (Roth, Murnighan & Schoumaker 1988)\n")
    assert ax.get_ylabel() == "agreements (runs)"
    title = ax.title.get_window_extent()
    assert title.width <= ax.figure.bbox.width  # not wider than the figure


def test_the_review_sees_what_a_reviewer_would_send_back():
    fig, ax = plt.subplots()
    steps = [k / 20 for k in range(21)]
    ax.plot(steps, steps[::-1], marker="o", label="offers by LNG_Developer")  # from top left
    ax.legend(loc="upper left")
    ax.set_xlabel("actors.Japan.strategy.beta")
    ax.set_xticks([0, 0.5, 1])
    assert legend_hides_data(ax)
    assert raw_words(fig) == ["actors.Japan.strategy.beta", "offers by LNG_Developer"]
    assert not whole_ticks(ax.xaxis)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    assert not legend_hides_data(ax)
    plt.close(fig)
