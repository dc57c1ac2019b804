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


def test_the_forecasts_plots_pass_review() -> None:
    """The marginals, the pairs, P(deal by date) and the terms, drawn from draws that fill every
    panel to its top (uniform parameters: the tallest bars reach the corners a key would take):
    no text over text, no key over data, words where names would be."""
    import numpy as np

    from bargaining_chips.experiments.calibrate import plots
    from bargaining_chips.experiments.labels import labels_for
    from tests.experiments.plot_review import clashes, legend_hides_data, raw_words

    rng = np.random.default_rng(5)
    parameters = ["actors.Japan.reservation", "actors.Japan.strategy.beta",
                  "actors.US.reservation", "actors.US.strategy.beta",
                  "deadlines.G7.extension_probability"]

    def draws(n: int) -> pd.DataFrame:
        frame = pd.DataFrame({f"param.{p}": rng.uniform(0.1, 0.9, n) for p in parameters})
        deal = rng.random(n) < 0.8
        frame["agreement_date"] = np.where(deal, rng.choice(
            ["2025-06-06", "2025-06-16", "2025-06-30", "2025-07-07"], n), None)
        for issue in ("reciprocal_tariff", "auto_tariff"):
            frame[f"terms.{issue}"] = np.where(deal, rng.uniform(10.0, 24.0, n), np.nan)
        return frame

    post, prior = draws(400), draws(300)
    labels = labels_for("us_japan_2025")
    spec = load_scenario("us_japan_2025")
    dates = forecast_dates(spec, dt.date(2025, 5, 28))
    drawn = {
        "marginals": plots.plot_marginals(post, prior, parameters, labels),
        "pairs": plots.plot_pairs(post, parameters, labels),
        "p_deal": plots.plot_p_deal_by_date(deal_table(post, prior, dates), dt.date(2025, 5, 28)),
        "terms": plots.plot_terms(terms_table(post, prior, ["reciprocal_tariff", "auto_tariff"]),
                                  labels),
    }
    found = {}
    for name, ax in drawn.items():
        problems = {"texts": clashes(ax.figure), "raw names": raw_words(ax.figure),
                    "key over data": [p for a in ax.figure.axes for p in legend_hides_data(a)]}
        found[name] = {k: v for k, v in problems.items() if v}
    assert not any(found.values()), found
