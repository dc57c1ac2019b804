"""The dashboard page: the talks round by round, in Mesa's SolaraViz.

Served by ``python run.py demo`` (``solara run viz.app``). The sidebar holds the scenario choice
and Mesa's own controls (Reset, play, Step; seed and the sliders of :mod:`viz.controls`, whose
defaults are the scenario's). The main area shows five panels, each drawn from the model's records
through :mod:`viz.panels`:

* the current round: date, the offer in the issues' own units, each government's utility of it,
  the responder's acceptance threshold and answer, and how the talks stand;
* the negotiation dance; the offers in utility space (Pareto frontier, Nash point, agreement);
* the coalition network (fixed, seeded positions); the round's events from the transcript.

Each browser session gets its own model: :func:`Page` creates it when the session renders the page
(nothing is created at import), and every model the session discards (Reset, another scenario, the
session closing) is released from Mesa 3.3's agent registry (:func:`viz.session.release`).
"""

from __future__ import annotations

import contextlib
import html
import os
from contextlib import AbstractContextManager
from typing import Any

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from bargaining_chips.experiments.report import transcript
from bargaining_chips.model import load_scenario, scenario_names
from bargaining_chips.model.loader import DEFAULT_SCENARIO
from bargaining_chips.viz import (
    classroom,
    classroom_page,
    controls,
    figures,
    panels,
    play_page,
    server_stats,
)
from bargaining_chips.viz.session import DashboardModel, release

#: Set by ``python run.py demo --scenario``: the scenario the page opens with.
SCENARIO_ENV = "BARGAINING_CHIPS_DEMO_SCENARIO"

#: Page-wide style for a projector: larger type, no tab bar (and no gaps above it) for the single
#: page of panels, panels that scroll inside their tile instead of spilling over the next one.
STYLE = """
.v-tabs { display: none; }
.solara-autorouter-content > .v-sheet, .solara-autorouter-content > .v-sheet > .v-sheet {
  row-gap: 0 !important; }
.vue-grid-item > div { overflow: auto; }
.bc-panel { font-size: calc(15px * var(--bc-scale, 1)); line-height: 1.35; padding: 6px 10px; }
.bc-heading { font-size: calc(17px * var(--bc-scale, 1)); font-weight: 700; margin-bottom: 4px; }
.bc-sub { color: #455a64; margin: 6px 0 2px 0; font-weight: 600; }
.bc-table { border-collapse: collapse; width: 100%; }
.bc-table th, .bc-table td { padding: 1px 6px; border-bottom: 1px solid #e0e0e0; text-align: right; }
.bc-table th:first-child, .bc-table td:first-child { text-align: left; }
.bc-table th { color: #455a64; font-weight: 600; }
.bc-status { margin-top: 8px; font-weight: 600; }
.bc-status.bc-agreement { color: #1e7b45; }
.bc-status.bc-nodeal { color: #b03a2e; }
.bc-log { font-family: "DejaVu Sans Mono", monospace; font-size: calc(12px * var(--bc-scale, 1));
          white-space: pre-wrap; margin: 0; }
.bc-problem { color: #b03a2e; font-weight: 600; }
.bc-settings { margin-top: 4px; color: #546e7a; font-size: calc(13px * var(--bc-scale, 1)); }
.bc-panel .v-btn { font-size: calc(14px * var(--bc-scale, 1)); }
/* Mesa's developer controls (play interval, render interval, threads) are not for the class: the
   card of Mesa's controls is the one with a checkbox and buttons; its inputs are hidden, its
   Reset/Play/Step buttons stay */
.v-card:has(.v-input--checkbox):has(.v-btn) .v-input,
.v-card:has(.v-input--checkbox):has(.v-btn) .v-input + p { display: none !important; }
.bc-code { font-family: "DejaVu Sans Mono", monospace; font-size: 44px; font-weight: 700;
           letter-spacing: 6px; color: #0d47a1; }
/* slider values always visible, as a pill on the thumb (Mesa's sliders show them only while
   dragged) */
.v-slider__thumb-label-container { display: block !important; }
.v-slider__thumb-label { height: 20px !important; width: auto !important; min-width: 26px;
  padding: 0 4px; border-radius: 10px !important; transform: translate(-50%, 10px) !important;
  background: #1976d2 !important; color: #fff !important; font-size: 12px; font-weight: 700; }
.v-slider__thumb-label > * { transform: none !important; }
"""


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _utility(value: float) -> str:
    """A utility with two decimals, never "-0.00"."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def settings_text(model: DashboardModel) -> str:
    """The seed and the controls that differ from the scenario file, as one line."""
    labels = {
        path: control["label"]
        for path, control in controls.model_params(model.spec, model.scenario_name).items()
        if isinstance(control, dict)
    }
    changed = ", ".join(
        f"{labels.get(path, path)} = {value:g}"
        if isinstance(value, float)
        else f"{labels.get(path, path)} = {value}"
        for path, value in model.overrides.items()
    )
    return f"Seed {model.seed_value}; " + (
        f"changed: {changed}" if changed else "settings as in the scenario file"
    )


def round_html(summary: panels.RoundSummary, settings: str = "") -> str:
    """The current-round card as HTML (every value escaped; data-* attributes name the fields)."""
    parts = [
        f'<div class="bc-heading" data-field="heading" data-date="{_esc(summary.date or "")}">'
        f"{_esc(summary.heading)}</div>"
    ]
    if summary.proposer is not None:
        parts.append(
            f'<div class="bc-sub" data-field="proposer">{_esc(summary.proposer)} proposes</div>'
        )
        rows = "".join(
            f'<tr data-issue="{_esc(t.issue)}"><td>{_esc(t.label)}</td>'
            f'<td data-field="offer">{_esc(t.shown)}</td><td>{_esc(t.no_deal)}</td></tr>'
            for t in summary.terms
        )
        parts.append(
            '<table class="bc-table" data-field="terms"><tr><th>issue</th><th>offer</th>'
            f"<th>no deal</th></tr>{rows}</table>"
        )
        stands = []
        for s in summary.stands:
            asks = "—" if s.threshold is None else _utility(s.threshold)
            answer = transcript.VERBS.get(s.answer or "", "proposed it")  # the transcript's verbs
            stands.append(
                f'<tr data-government="{_esc(s.government)}"><td>{_esc(s.government)}</td>'
                f'<td data-field="utility">{_utility(s.utility)}</td>'
                f'<td data-field="threshold">{_esc(asks)}</td>'
                f'<td data-field="answer">{_esc(answer)}</td></tr>'
            )
        parts.append(
            '<table class="bc-table" data-field="stands" style="margin-top:6px"><tr><th></th>'
            "<th>worth to it</th><th>asks for</th><th>answer</th></tr>"
            + "".join(stands)
            + "</table>"
        )
    tone = " bc-agreement" if summary.agreement else " bc-nodeal" if summary.finished else ""
    parts.append(f'<div class="bc-status{tone}" data-field="status">{_esc(summary.status)}</div>')
    if settings:
        parts.append(f'<div class="bc-settings" data-field="settings">{_esc(settings)}</div>')
    return '<div class="bc-panel" data-panel="round">' + "".join(parts) + "</div>"


def reading(model: Any) -> AbstractContextManager:
    """The lock to hold while a panel reads ``model.talks`` (a classroom's game moves on other
    sessions' threads: :attr:`viz.play_page.Shown.reading`); none for a model of one's own."""
    return getattr(model, "reading", contextlib.nullcontext)()


@solara.component
def Problem(model: DashboardModel):
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            '<div class="bc-panel bc-problem" data-panel="problem">These settings cannot run: '
            f"{_esc(model.problem)}<br>Change the control back, then press Reset.</div>"
        ),
    )


@solara.component
def RoundPanel(model: DashboardModel):
    """The current round: date, offer, utilities, threshold, answer, status."""
    update_counter.get()
    if model.talks is None:
        Problem(model)
        return
    summary = panels.round_summary(model.talks)
    solara.HTML(tag="div", unsafe_innerHTML=round_html(summary, settings_text(model)))


@solara.component
def DancePanel(model: DashboardModel):
    """Both governments' utility of every offer, over the whole calendar."""
    update_counter.get()
    if model.talks is None:
        return
    with reading(model):
        dance, ticks = panels.dance_table(model.talks), panels.calendar_ticks(model.talks)
        governments = model.talks.setup.governments
    fig = figures.new_figure(figures.PANEL_SIZE, figure_scale())
    figures.draw_dance(dance, ticks, fig.subplots(), governments)
    solara.FigureMatplotlib(fig, format="png")


@solara.component
def UtilitySpacePanel(model: DashboardModel):
    """Offers in utility space with the Pareto frontier, the Nash point and the agreement."""
    update_counter.get()
    if model.talks is None or len(model.talks.setup.governments) < 2:
        return
    with reading(model):
        space = panels.utility_space(model.talks)
    fig = figures.new_figure(figures.PANEL_SIZE, figure_scale())
    figures.draw_utility_space(space, fig.subplots())
    solara.FigureMatplotlib(fig, format="png")


def network_html(network: panels.CoalitionNetwork) -> str:
    """The coalitions in words under the drawing: which graph it is, then one line per coalition
    of two or more (stance, issue at stake, members) and one for the actors standing alone."""
    key = (
        " Grey: alone · dark lines: aligned · orange: lobbying." if network.source != "none" else ""
    )
    lines = [f'<div class="bc-settings" data-field="caption">{_esc(network.caption + key)}</div>']
    for group in network.groups:
        if len(group.members) > 1:
            lines.append(
                f'<div data-coalition="{group.id}"><b>{_esc(group.stance)} · {_esc(group.issue)}:</b> '
                f"{_esc(', '.join(group.members))}</div>"
            )
    alone = [m for g in network.groups if len(g.members) == 1 for m in g.members]
    if alone:
        lines.append(f'<div data-coalition="alone"><b>alone:</b> {_esc(", ".join(alone))}</div>')
    return f'<div data-panel="network">{"".join(lines)}</div>'


@solara.component
def NetworkPanel(model: DashboardModel):
    """The coalition network at fixed positions, coloured by coalition, with its members listed."""
    update_counter.get()
    talks = model.talks
    def layout() -> dict:
        with reading(model):
            return panels.network_layout(talks) if talks is not None else {}

    positions = solara.use_memo(layout, [model.scenario_name])
    if talks is None:
        return
    with reading(model):
        network = panels.coalition_network(talks)
    fig = figures.new_figure(figures.NETWORK_SIZE, figure_scale())
    figures.draw_network(network, positions, fig.subplots())
    with solara.Column(gap="0px", classes=["bc-panel"]):
        solara.FigureMatplotlib(fig, format="png")
        solara.HTML(tag="div", unsafe_innerHTML=network_html(network))


def beliefs_html(lines: list[panels.BeliefLine]) -> str:
    """Under private information, what each side believes of the other next to the truth: one
    table per belief (issue, believed weight, true weight), its reservation and accuracy."""
    if not lines:
        return ""
    parts = ['<div class="bc-panel" data-panel="beliefs"><div class="bc-heading">'
             "What each side believes (private information)</div>"]
    for b in lines:
        when = "the prior" if b.round_no is None else f"after round {b.round_no}"
        tau = "—" if b.kendall_tau is None else f"{b.kendall_tau:.2f}"
        rows = "".join(
            f"<tr><td>{_esc(label)}</td><td>{w:.2f}</td><td>{t:.2f}</td></tr>"
            for label, w, t in zip(b.issues, b.weights, b.true_weights, strict=True)
        )
        parts.append(
            f'<div data-belief="{_esc(b.believer)}-{_esc(b.about)}">'
            f"<b>{_esc(b.believer)}</b> of <b>{_esc(b.about)}</b> ({_esc(b.model)}, {when}): "
            f"reservation {b.reservation:.2f} (true {b.true_reservation:.2f}), "
            f"Kendall τ {tau}, weight distance {b.weight_distance:.2f}"
            f"<table><tr><th>issue</th><th>believed</th><th>true</th></tr>{rows}</table></div>"
        )
    parts.append("</div>")
    return "".join(parts)


@solara.component
def LogPanel(model: DashboardModel):
    """The round's events in the transcript's words."""
    update_counter.get()
    if model.talks is None:
        return
    lines = panels.round_log(model.talks)
    body = "\n".join(lines) if lines else "Nothing has happened yet: press Step."
    heading = f"Round {len(model.talks.rows)}: events" if lines else "Events"
    moves = panels.calendar_events(model.talks)  # targets missed, deadlines moved, threats
    calendar = (
        f'<div class="bc-heading">The calendar so far</div>'
        f'<pre class="bc-log" data-panel="calendar">{_esc(chr(10).join(moves))}</pre>'
        if moves else ""
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="bc-panel" data-panel="log">{calendar}'
            f'<div class="bc-heading">{_esc(heading)}</div>'
            f'<pre class="bc-log">{_esc(body)}</pre></div>'
            + beliefs_html(panels.belief_lines(model.talks))
        ),
    )


#: The panels, in reading order (Mesa lays them out two by two).
COMPONENTS = [RoundPanel, DancePanel, NetworkPanel, UtilitySpacePanel, LogPanel]


def initial_values(params: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a model built from ``params`` left at their defaults."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


@solara.component
def Talks(scenario_name: str):
    """SolaraViz for one scenario, with this session's own model."""
    spec = solara.use_memo(lambda: load_scenario(scenario_name), [scenario_name])
    params = solara.use_memo(lambda: controls.model_params(spec, scenario_name), [scenario_name])
    first = solara.use_memo(lambda: DashboardModel(**initial_values(params)), [scenario_name])
    model = solara.use_reactive(first)

    def track_releases():
        unsubscribe = model.subscribe_change(
            lambda new, old: release(old) if old is not new else None
        )

        def cleanup():
            unsubscribe()
            release(model.value)

        return cleanup

    solara.use_effect(track_releases, [])
    title = str(spec.meta.get("title", spec.name))
    SolaraViz(model, components=list(COMPONENTS), model_params=params, name=title)


def scenario_choices(current: str) -> list[str]:
    """The bundled scenarios, plus the one the command was started with if it is a file."""
    names = scenario_names()
    return names if current in names else [current, *names]


#: Text sizes for the projector (1024×768 needs the larger ones from the back of the room).
TEXT_SIZES = {"100%": 1.0, "125%": 1.25, "150%": 1.5}
#: The text size chosen on this page (a module-level reactive is per browser session in
#: Solara): the panels' text scales with it, and so do the figures, drawn at its dpi.
text_size = solara.reactive("100%")


def figure_scale() -> float:
    """The figures' scale for the chosen text size (1 at 100%)."""
    return TEXT_SIZES.get(text_size.value, 1.0)


def scale_style(size: str) -> str:
    """The page-wide CSS of a text size (a key of :data:`TEXT_SIZES`; unknown sizes: 100%)."""
    return f":root {{ --bc-scale: {TEXT_SIZES.get(size, 1.0)}; }}"


@solara.component
def TextSize():
    """The text size control and its style (kept per browser session)."""
    solara.Style(scale_style(text_size.value))
    solara.Select(label="Text size (for the projector)", value=text_size, values=list(TEXT_SIZES))


#: The seat choice's first entry: nobody plays, the model plays every seat (Mesa's controls).
WATCH = "Watch the model play"
#: The panels drawn beside a played game (its move card takes the round card's place).
PLAY_COMPONENTS = [DancePanel, UtilitySpacePanel, NetworkPanel]


def seat_choices(scenario_name: str) -> list[str]:
    """The seat choice: watch, or play as one of the scenario's governments."""
    return [WATCH, *(f"Play as {g}" for g in load_scenario(scenario_name).governments)]


@solara.component
def Page():
    """The whole page: the classroom's (``run.py demo --classroom``), or one browser's own."""
    if classroom.enabled():
        solara.Title("Bargaining Chips · classroom")
        solara.Style(STYLE)
        classroom_page.ClassroomPage(classroom.shared(), PLAY_COMPONENTS, TextSize)
    else:
        OwnPage()


@solara.component
def OwnPage():
    """One browser's page: the scenario and seat choice, then SolaraViz for that scenario, or the
    game of the seat taken (:mod:`viz.play_page`)."""
    start = os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO
    scenario = solara.use_reactive(start)
    seat = solara.use_reactive(WATCH)
    seats = solara.use_memo(lambda: seat_choices(scenario.value), [scenario.value])
    if seat.value not in seats:
        seat.set(WATCH)
    solara.Title("Bargaining Chips")
    solara.Style(STYLE)
    with solara.Sidebar():
        with solara.Card("Scenario", margin=2):
            solara.Select(
                label="Scenario (switching starts a new run)",
                value=scenario,
                values=scenario_choices(start),
            )
        with solara.Card("Take a seat", margin=2):
            solara.Select(label="Seat (taking one starts a new game)", value=seat, values=seats)
            TextSize()
    if seat.value == WATCH or seat.value not in seats:
        Talks(scenario.value).key(f"talks-{scenario.value}")
    else:
        government = seat.value.removeprefix("Play as ")
        play_page.PlayView(scenario.value, government, PLAY_COMPONENTS).key(
            f"play-{scenario.value}-{government}")


# Tests only: with viz.server_stats.STATS_ENV set in the server's environment, the server this
# page is served by (Solara imports this module as it starts) adds the route through which a
# test reads what the server holds. Without the variable (always, outside that test) this does
# nothing.
server_stats.install(classroom.shared if classroom.enabled() else None)
