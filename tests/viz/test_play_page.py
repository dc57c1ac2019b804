"""Play mode on the page, rendered in-process: take a seat, move sliders, propose, answer, see
the model's reasons; a crafted value is refused by the server. The browser test plays the same
in Chromium."""

from __future__ import annotations

import html
import re
import warnings

import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

from bargaining_chips.model import load_scenario  # noqa: E402
from bargaining_chips.viz.play import PlaySession  # noqa: E402

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message=r".*ComponentsView: `use_state`", category=UserWarning
    )
    from bargaining_chips.viz import app, play_page  # noqa: E402

SPEC = load_scenario("us_japan_2025")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


class Seated:
    def __init__(self, seat: str) -> None:
        self.box, self.rc = solara.render(
            solara.AppLayout(children=[app.Page()]), handle_error=False
        )
        self.rc.find(v.Select, label="Seat (taking one starts a new game)").widget.v_model = (
            f"Play as {seat}")

    def click(self, label: str) -> None:
        self.rc.find(v.Btn, children=[label]).widget.click()

    def html(self) -> str:
        return "\n".join(w.unsafe_innerHTML or "" for w in self.rc.find(solara.widgets.HTML).widgets)

    def slider(self, label: str):
        return self.rc.find(v.Slider, label=label).widget

    def close(self) -> None:
        self.rc.close()


@pytest.fixture
def japan():
    page = Seated("Japan")
    yield page
    page.close()


def test_a_seat_shows_one_control_per_issue_and_no_mesa_controls(japan):
    assert "your turn, Japan, to make an offer" in _text(japan.html())
    sliders = japan.rc.find(v.Slider).widgets
    assert len(sliders) == len(SPEC.issues)
    auto = japan.slider("auto tariff (%)")
    assert (auto.min, auto.max, auto.step, auto.v_model) == (2.5, 27.5, 0.5, 27.5)
    labels = {b.children[0] for b in japan.rc.find(v.Btn).widgets if b.children}
    assert "Propose" in labels and "Step" not in labels and "Reset" not in labels


def test_moving_a_slider_updates_the_worth_and_propose_plays_the_round(japan):
    before = _text(japan.html())
    japan.slider("auto tariff (%)").v_model = 10.0
    after = _text(japan.html())
    assert before != after
    terms = {c.issue: c.value for c in play_page.controls_for(SPEC)}
    terms["auto_tariff"] = 10.0
    reference = PlaySession(seats=["Japan"])
    worth = reference.worth(play_page.check_terms(SPEC, terms))
    assert f"you {worth['Japan']:.2f}" in after and f"US {worth['US']:.2f}" in after
    japan.click("Propose")
    reference.propose("Japan", terms)
    text = _text(japan.html())
    assert reference.answer_lines()[0] in text  # the model's answer with its reason
    assert "Round 2" in text and "answer the offer" in text
    assert "US offers you" in text
    japan.click("Reject")
    reference.answer("Japan", "reject")
    assert "your turn, Japan, to make an offer" in _text(japan.html())


def test_a_crafted_slider_value_is_refused_by_the_server(japan):
    japan.slider("auto tariff (%)").v_model = 99.0  # what a tampered page could send
    assert "terms.auto_tariff: 99 is out of range" in _text(japan.html())
    japan.click("Propose")
    text = _text(japan.html())
    assert "Refused: terms.auto_tariff: 99 is out of range" in text
    assert "your turn, Japan, to make an offer" in text  # nothing was played


def test_the_model_suggestion_fills_the_form(japan):
    japan.click("What would the model offer?")
    assert japan.slider("auto tariff (%)").v_model < 27.5


def test_the_text_size_scales_the_panels_for_a_projector(japan):
    assert app.scale_style("150%") == ":root { --bc-scale: 1.5; }"
    assert app.scale_style("huge") == ":root { --bc-scale: 1.0; }"
    assert "calc(15px * var(--bc-scale, 1))" in app.STYLE
    def scaled(scale: str) -> bool:
        return any(f"--bc-scale: {scale};" in str(getattr(w, "children", ""))
                   or f"--bc-scale: {scale};" in str(getattr(w, "css", ""))
                   for w in japan.rc.find().widgets)

    assert scaled("1.0") and not scaled("1.5")
    japan.rc.find(v.Select, label="Text size (for the projector)").widget.v_model = "150%"
    assert scaled("1.5"), "the page's style does not carry the chosen scale"
    assert app.figure_scale() == 1.5  # the figures are drawn at 150 dpi: larger, same layout
    japan.rc.find(v.Select, label="Text size (for the projector)").widget.v_model = "100%"


def test_the_debrief_runs_the_model_in_the_background_after_the_game(japan, monkeypatch):
    import time

    from bargaining_chips.viz import debrief

    monkeypatch.setattr(debrief, "RUNS", 4)
    japan.click("Propose")
    japan.click("Walk away")
    deadline = time.monotonic() + 30
    while "Debrief You reached no deal" not in _text(japan.html()):
        assert time.monotonic() < deadline, _text(japan.html())[-400:]
        time.sleep(0.1)
    assert "of 4 runs of the same scenario and settings" in _text(japan.html())


def test_a_seats_page_draws_the_panels_one_to_a_row(monkeypatch):
    """Beside a seat's card the panels get a row each, so they are drawn at their own size (two
    to a row, the column would show them at two thirds of it, their text too small to read);
    the lecturer's wider projected view keeps two to a row."""
    from bargaining_chips.viz import classroom_page
    from bargaining_chips.viz.classroom import Classroom

    asked = []
    real = play_page.Panels

    def spy(shown, components, per_row=2):
        asked.append((len(components), per_row))
        return real(shown, components, per_row)

    monkeypatch.setattr(play_page, "Panels", spy)
    page = Seated("Japan")
    try:
        assert asked and all(per_row == 1 for _, per_row in asked), asked
    finally:
        page.close()
    asked.clear()
    room = Classroom(code="ABC234", lecturer_key="k")
    box, rc = solara.render(classroom_page.LecturerView(room, "k", app.PLAY_COMPONENTS, 0),
                            handle_error=False)
    try:
        assert asked and all(per_row == 2 for _, per_row in asked), asked
    finally:
        rc.close()
