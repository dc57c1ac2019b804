"""Plots of one run (experiments/report/plots.py): tested data preparation, and plot functions that return
their Axes and write nothing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bargaining_chips.experiments.report import plots  # noqa: E402


@pytest.fixture(scope="module")
def model(play):
    return play("us_japan_2025", seed=1)  # a run that ends in a deal


@pytest.fixture
def nothing_written(tmp_path, monkeypatch):
    """Run in an empty folder where saving or showing a figure fails; check it stays empty."""
    def refuse(*args, **kwargs):
        raise AssertionError("a plot function saved or showed a figure")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Figure, "savefig", refuse)
    monkeypatch.setattr(plt, "savefig", refuse)
    monkeypatch.setattr(plt, "show", refuse)
    yield
    assert list(tmp_path.iterdir()) == []
    plt.close("all")


def test_dance_table_has_one_row_per_offer_and_government(model):
    table = plots.dance_table(model)
    assert len(table) == 2 * len(model.rows)
    assert list(table.columns) == ["round", "date", "proposer", "government", "utility",
                                   "reservation", "agreed"]
    for row in model.rows:
        part = table[table["round"] == row["round"]].set_index("government")
        for gov in ("US", "Japan"):
            assert part.loc[gov, "utility"] == row[f"u_{gov}"]
            assert part.loc[gov, "proposer"] == row["proposer"]
    # the reservation as each offer was judged: 0.6 in the scenario at the first offer (the firms
    # have no offer of the US's to judge yet), then moved round by round by the firms who judge
    # the US's offers (SoftBank for them; Toyota and JA against), within
    # coalitions.reservation_bound, ending where the run leaves it
    j = model.setup.index("Japan")
    japan = table.loc[table["government"] == "Japan", "reservation"].tolist()
    assert japan[0] == 0.6
    assert japan[-1] == float(model.reservation[j]) != 0.6
    assert all(0.5 <= r <= 0.7 for r in japan) and len(set(japan)) > 2
    assert japan == [float(r[j]) for r in model.offer_reservations]
    assert table["agreed"].tolist() == [False] * (len(table) - 2) + [True, True]
    assert table.attrs["deadlines"] == [(7, "G7 leaders' summit")]


def test_utility_space_table(model):
    data = plots.utility_space_table(model)
    assert (data["x"], data["y"]) == ("US", "Japan")
    assert len(data["offers"]) == len(model.rows)
    assert [o[0] for o in data["offers"]] == [row["proposer"] for row in model.rows]
    assert data["offers"][-1][3] is True
    # each government's reservation as its firms left it
    us, japan = model.setup.index("US"), model.setup.index("Japan")
    assert data["disagreement"] == pytest.approx((model.reservation[us], model.reservation[japan]))
    frontier = np.asarray(data["frontier"])
    assert frontier.shape[1] == 2
    assert np.all(np.diff(frontier[:, 0]) >= 0)
    dx, dy = data["disagreement"]
    for point in (data["nash"], data["ks"]):
        assert dx <= point[0] <= 1 and dy <= point[1] <= 1
    for _, ua, ub, _ in data["offers"]:
        assert -1e-12 <= ua <= 1 + 1e-12 and -1e-12 <= ub <= 1 + 1e-12


def test_plot_dance_draws_on_the_axes_it_is_given(model, nothing_written):
    fig, ax = plt.subplots()
    out = plots.plot_dance(plots.dance_table(model), ax=ax, title="t")
    assert out is ax
    assert ax.get_title() == "t"
    assert len(ax.lines) >= 2
    assert ax.get_ylabel() == "utility of the offer\n(0 = its worst package, 1 = its best)"


def test_the_dance_marks_every_move_of_the_calendar(play, nothing_written):
    """A hard-line US misses the G7 target and moves the end of the pause; a threat falls due:
    one marker per move along the top, each kind in the legend."""
    model = play("us_japan_2025", {"actors.US.strategy": {"name": "hardliner"},
                                   "issues.reciprocal_tariff.max": 35.0,
                                   "threats.letter.issue": "reciprocal_tariff",
                                   "threats.letter.no_deal": 35.0,
                                   "threats.letter.date": "2025-06-20"}, 0)
    table = plots.dance_table(model)
    assert table.attrs["moves"] == [(7, "target missed", "G7"),
                                    (8, "threat carried out", "letter"),
                                    (10, "deadline moved", "pause_end")]
    assert (14, "end of the 90-day pause") in table.attrs["deadlines"]  # where it now stands
    fig, ax = plt.subplots()
    plots.plot_dance(table, ax=ax)
    tops = [c for c in ax.collections if c.get_offsets().shape == (1, 2)
            and c.get_offsets()[0][1] == 1.0 and not c.get_clip_on()]
    assert sorted(c.get_offsets()[0][0] for c in tops) == [7, 8, 10]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"a target missed", "a threat carried out", "a deadline moved by its owner"} <= set(labels)


def test_plot_utility_space_draws_on_the_axes_it_is_given(model, nothing_written):
    fig, ax = plt.subplots()
    out = plots.plot_utility_space(plots.utility_space_table(model), ax=ax)
    assert out is ax
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert {"Pareto frontier", "Nash point", "Kalai–Smorodinsky point", "agreement"} <= set(labels)


def test_without_axes_a_new_one_is_made(model, nothing_written):
    assert isinstance(plots.plot_dance(plots.dance_table(model)), Axes)
    assert isinstance(plots.plot_utility_space(plots.utility_space_table(model)), Axes)


def test_a_run_without_a_deal_plots_without_an_agreement_marker(play, nothing_written):
    model = play("bilateral", {"actors.A.strategy": {"name": "hardliner"},
                               "actors.B.strategy": {"name": "hardliner"}})
    ax = plots.plot_utility_space(plots.utility_space_table(model))
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "agreement" not in labels
    assert not plots.dance_table(model)["agreed"].any()
