"""The forecast's tables from hand-made draws: P(deal by date), quantiles of terms, the calendar."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from bargaining_chips.experiments.calibrate.forecast import (
    calendar_table,
    deal_table,
    forecast_dates,
    marginals_table,
    terms_table,
)
from bargaining_chips.model import load_scenario

POSTERIOR = pd.DataFrame({
    "agreement_date": ["2025-06-16", "2025-06-16", "2025-07-07", None],
    "terms.auto_tariff": [10.0, 12.0, 14.0, None],
    "param.actors.US.strategy.beta": [0.2, 0.3, 0.4, 0.5],
    "missed.G7": [False, False, True, True],
    "moves.pause_end": [0, 0, 0, 1],
})
PRIOR = pd.DataFrame({
    "agreement_date": ["2025-06-06", None],
    "terms.auto_tariff": [20.0, None],
    "param.actors.US.strategy.beta": [1.0, 0.1],
    "missed.G7": [False, True],
    "moves.pause_end": [0, 0],
})


def test_p_deal_by_each_date_counts_the_deals_on_or_before_it() -> None:
    dates = [(dt.date(2025, 6, 13), "Round 6"), (dt.date(2025, 6, 16), "G7"),
             (dt.date(2025, 7, 9), "pause")]
    table = deal_table(POSTERIOR, PRIOR, dates).set_index("date")
    assert table["p_posterior"].tolist() == [0.0, 0.5, 0.75]
    assert table["p_prior"].tolist() == [0.5, 0.5, 0.5]
    assert (table["low_posterior"] <= table["p_posterior"]).all()
    assert (table["p_posterior"] <= table["high_posterior"]).all()


def test_terms_marginals_and_calendar() -> None:
    terms = terms_table(POSTERIOR, PRIOR, ["auto_tariff"]).set_index("sample")
    assert terms.loc["posterior", "deals"] == 3 and terms.loc["posterior", "q50"] == 12.0
    assert terms.loc["prior", "mean"] == 20.0
    marginals = marginals_table(POSTERIOR, PRIOR, ["actors.US.strategy.beta"]).set_index("sample")
    assert marginals.loc["posterior", "mean"] == pytest.approx(0.35)
    calendar = calendar_table(POSTERIOR, PRIOR, load_scenario("us_japan_2025"))
    row = calendar.set_index(["deadline", "sample"])
    assert row.loc[("G7", "posterior"), "p"] == 0.5 and row.loc[("G7", "prior"), "p"] == 0.5
    assert row.loc[("pause_end", "posterior"), "p"] == 0.25


def test_the_dates_after_a_day_are_the_calendars_rounds_and_deadlines() -> None:
    dates = forecast_dates(load_scenario("us_japan_2025"), dt.date(2025, 6, 10))
    assert dates[0] == (dt.date(2025, 6, 13), "Round 6")
    assert (dt.date(2025, 6, 17), "G7 leaders' summit") in dates
    assert dates[-1] == (dt.date(2025, 7, 9), "end of the 90-day pause")


def test_a_weighted_posterior_shows_its_effective_sample_size_in_the_plots() -> None:
    from bargaining_chips.experiments.calibrate.forecast import _ess
    from bargaining_chips.experiments.calibrate.plots import plot_marginals, plot_pairs
    from bargaining_chips.experiments.labels import labels_for

    labels = labels_for("us_japan_2025")
    weighted = POSTERIOR.assign(weight=[0.7, 0.1, 0.1, 0.1])
    ess = _ess(weighted)
    assert ess == pytest.approx(1 / (0.49 + 0.03))
    parameters = ["actors.US.strategy.beta"]
    legend = plot_marginals(weighted, PRIOR, parameters, labels, ess=ess).get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["posterior (n=4, effective 2)",
                                                          "prior (n=2)"]
    title = plot_pairs(weighted, parameters, labels, ess=ess).figure.get_suptitle()
    assert title == "Posterior draws (n=4, effective 2)"
    plain = plot_marginals(POSTERIOR, PRIOR, parameters, labels).get_legend()
    assert plain.get_texts()[0].get_text() == "posterior (n=4)"
