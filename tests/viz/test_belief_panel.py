"""The dashboard shows, under private information, what each side believes of the other."""

from __future__ import annotations

import warnings

import pytest

from bargaining_chips.model import NegotiationModel
from bargaining_chips.viz import panels

pytest.importorskip("solara")

with warnings.catch_warnings():  # Mesa 3.3's SolaraViz hook warning, as in test_app.py
    warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state`", category=UserWarning)
    from bargaining_chips.viz import app  # noqa: E402


def test_belief_lines_start_at_the_prior_and_follow_the_records():
    m = NegotiationModel("synthetic_5", seed=0)
    before = panels.belief_lines(m)
    assert [(b.believer, b.about, b.round_no) for b in before] == [
        ("Buyer", "Seller", None), ("Seller", "Buyer", None)]
    assert before[0].weights == pytest.approx((0.2,) * 5)
    assert before[0].reservation == pytest.approx(0.5)
    for _ in range(3):
        m.step()
    after = {(b.believer, b.about): b for b in panels.belief_lines(m)}
    assert after[("Buyer", "Seller")].round_no == 2 and after[("Seller", "Buyer")].round_no == 3
    assert after[("Buyer", "Seller")].true_weights == pytest.approx((0.1, 0.15, 0.2, 0.25, 0.3))
    html = app.beliefs_html(list(after.values()))
    assert 'data-panel="beliefs"' in html and 'data-belief="Buyer-Seller"' in html
    assert "after round 2" in html and "Kendall τ" in html


def test_nothing_is_shown_under_complete_information():
    m = NegotiationModel("us_japan_2025", seed=0)
    m.step()
    assert panels.belief_lines(m) == [] and app.beliefs_html([]) == ""


def test_the_page_shows_the_beliefs_of_a_private_scenario(monkeypatch):
    """In-process page on the synthetic domain (private information): after two steps the log
    panel carries the belief table, each side's belief next to the truth."""
    import ipyvuetify as v
    import solara

    monkeypatch.setenv(app.SCENARIO_ENV, "synthetic_5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        for _ in range(2):
            rc.find(v.Btn, children=["Step"]).widget.click()
        shown = [w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets]
        panel = next(h for h in shown if 'data-panel="beliefs"' in h)
        assert 'data-belief="Buyer-Seller"' in panel and "after round 2" in panel
        assert "<th>believed</th><th>true</th>" in panel
    finally:
        rc.close()
