"""The dashboard page rendered in-process: Mesa's own Step/Reset buttons drive it, the panels show
the model's records, bad settings are explained, and a hundred Step/Reset cycles leave no models
behind.

Solara renders the page into widgets without a browser (``solara.render``); clicks are sent to the
real button widgets, so SolaraViz's controller, our session handling and the panels all run as in
the server. The browser test (``test_dashboard_browser.py``) checks the same in Chromium.
"""

from __future__ import annotations

import gc
import html
import re
import warnings
from pathlib import Path

import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

import mesa  # noqa: E402

from bargaining_chips.model import NegotiationModel, load_scenario  # noqa: E402
from bargaining_chips.viz.session import DashboardModel  # noqa: E402

with warnings.catch_warnings():
    # Mesa 3.3's SolaraViz declares a hook after an early return; Solara's hook check warns about
    # it when Mesa's visualization module is imported. Only that warning is silenced.
    warnings.filterwarnings(
        "ignore", message=r".*ComponentsView: `use_state`", category=UserWarning
    )
    from bargaining_chips.viz import app, panels  # noqa: E402


class PageDriver:
    """The page rendered in-process, with helpers to click and read it."""

    def __init__(self, monkeypatch, components=None) -> None:
        if components is not None:
            monkeypatch.setattr(app, "COMPONENTS", components)
        self.box, self.rc = solara.render(
            solara.AppLayout(children=[app.Page()]), handle_error=False
        )

    def click(self, label: str) -> None:
        self.rc.find(v.Btn, children=[label]).widget.click()

    def panel(self, name: str) -> str:
        for widget in self.rc.find(solara.widgets.HTML).widgets:
            if f'data-panel="{name}"' in (widget.unsafe_innerHTML or ""):
                return widget.unsafe_innerHTML
        raise LookupError(f"no {name} panel on the page")

    def slider(self, label: str):
        return self.rc.find(v.Slider, label=label).widget

    def type_seed(self, text: str) -> None:
        """Type into the seed box and press Enter (the box reports on Enter or leaving it)."""
        box = self.rc.find(v.TextField, label="Seed (a whole number)").widget
        box.v_model = text
        box.fire_event("keyup.enter", None)

    def close(self) -> None:
        self.rc.close()


@pytest.fixture
def page(monkeypatch):
    driver = PageDriver(monkeypatch)
    yield driver
    driver.close()


def _text(fragment: str) -> str:
    """The text of an HTML fragment, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _reference(rounds: int, overrides: dict | None = None, seed: int = 0) -> NegotiationModel:
    """The model's own run for the same settings, released from Mesa 3.3's registry at once (its
    records stay readable)."""
    model = NegotiationModel(load_scenario("us_japan_2025", overrides), seed)
    for _ in range(rounds):
        model.step()
    model.release()
    return model


def test_step_shows_the_models_round_date_offer_and_log(page):
    assert "Before round 1" in page.panel("round")
    for _ in range(3):
        page.click("Step")
    reference = _reference(3)
    row = reference.rows[-1]
    card = page.panel("round")
    assert f'data-date="{row["date"]}"' in card
    for name, issue in reference.spec.issues.items():
        cell = re.search(rf'data-issue="{name}">.*?data-field="offer">([^<]*)<', card).group(1)
        assert html.unescape(cell) == issue.render(row[name])
    log = _text(page.panel("log"))
    assert "Round 3: events" in log and f"{row['proposer']} proposes" in log
    coalitions = _text(page.panel("network"))
    assert "As round 3 opened" in coalitions
    for group in panels.coalition_network(reference).groups:
        if len(group.members) > 1:
            assert f"{group.stance} · {group.issue}: {', '.join(group.members)}" in coalitions


def test_reset_starts_again_with_the_moved_slider(page):
    slider = page.slider("Japan: concession β")
    assert slider.v_model == load_scenario("us_japan_2025").actors["Japan"].strategy.params["beta"]
    slider.v_model = 2.0
    page.click("Step")  # the running model is unchanged until Reset
    assert f'data-date="{_reference(1).rows[-1]["date"]}"' in page.panel("round")
    page.click("Reset")
    assert "Before round 1" in page.panel("round")
    for _ in range(3):
        page.click("Step")
    moved = _reference(3, {"actors.Japan.strategy.beta": 2.0})
    default = _reference(3)
    card = page.panel("round")
    differing = [
        (name, issue)
        for name, issue in moved.spec.issues.items()
        if issue.render(moved.rows[-1][name]) != issue.render(default.rows[-1][name])
    ]
    assert differing, "the slider should change the third offer"
    for name, issue in differing:
        cell = re.search(rf'data-issue="{name}">.*?data-field="offer">([^<]*)<', card).group(1)
        assert html.unescape(cell) == issue.render(moved.rows[-1][name])


def test_a_bad_seed_is_explained_on_the_page_not_raised(page):
    page.type_seed("twelve")
    page.click("Reset")
    problem = _text(page.panel("problem"))
    assert "These settings cannot run" in problem and "whole number" in problem
    page.click("Step")  # stepping a model that cannot run does nothing
    assert "These settings cannot run" in _text(page.panel("problem"))
    page.type_seed("4")
    page.click("Reset")
    page.click("Step")
    assert f'data-date="{_reference(1, seed=4).rows[-1]["date"]}"' in page.panel("round")


def _live_models() -> int:
    gc.collect()
    return sum(isinstance(o, (DashboardModel, NegotiationModel)) for o in gc.get_objects())


def test_a_hundred_step_reset_cycles_leave_no_models_behind(monkeypatch):
    # the figure panels are left out to keep the test short; they hold no model (see below)
    driver = PageDriver(monkeypatch, components=[app.RoundPanel, app.LogPanel])
    try:
        for _ in range(10):
            driver.click("Step")
            driver.click("Reset")
        settled = _live_models()
        for _ in range(100):
            driver.click("Step")
            driver.click("Reset")
        assert _live_models() <= settled
        registry = getattr(mesa.Agent, "_ids", {})
        sessions = [m for m in list(registry) if isinstance(m, NegotiationModel)]
        assert len(sessions) <= 1  # only the run on screen
    finally:
        driver.close()
    registry = getattr(mesa.Agent, "_ids", {})
    assert not any(isinstance(m, NegotiationModel) for m in list(registry))


def test_figure_panels_keep_no_model_or_figure_alive(page):
    import matplotlib.figure

    def figures() -> int:
        gc.collect()
        return sum(isinstance(o, matplotlib.figure.Figure) for o in gc.get_objects())

    for _ in range(2):  # the page holds up to three models: on screen, before it, the first
        page.click("Step")
        page.click("Reset")
    settled_models, settled_figures = _live_models(), figures()
    for _ in range(3):
        page.click("Step")
        page.click("Reset")
    assert _live_models() <= settled_models
    assert figures() <= settled_figures


def test_the_scenario_choice_starts_a_new_run_of_that_scenario(monkeypatch):
    fixture = str(Path(__file__).resolve().parents[1] / "fixtures" / "bilateral.toml")
    monkeypatch.setenv(app.SCENARIO_ENV, fixture)
    driver = PageDriver(monkeypatch, components=[app.RoundPanel, app.LogPanel])
    try:
        choice = driver.rc.find(v.Select, label="Scenario (switching starts a new run)").widget
        assert choice.v_model == fixture and "us_japan_2025" in choice.items
        assert driver.panel("round").count("Before round 1") == 1
        driver.click("Step")
        assert "A proposes" in _text(driver.panel("round"))  # the fixture's governments: A and B
        assert driver.rc.find(v.Slider, label="A: concession β").widget  # its own controls
        choice.v_model = "us_japan_2025"
        assert "Before round 1 (Wed 16 Apr 2025" in _text(driver.panel("round"))
        driver.click("Step")
        assert "Japan proposes" in _text(driver.panel("round"))
        assert driver.rc.find(v.Slider, label="Japan: concession β").widget
        registry = getattr(mesa.Agent, "_ids", {})
        assert not any(  # the fixture's run was released when the scenario changed
            isinstance(m, NegotiationModel) and m.spec.name == "bilateral" for m in list(registry)
        )
    finally:
        driver.close()
