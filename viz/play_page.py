"""Play mode on the page: a person in a government's seat, the model in the others.

The game is :class:`viz.play.PlaySession`; this module only draws it and forwards the person's
clicks to it. Every move goes to :meth:`~viz.play.PlaySession.propose` or
:meth:`~viz.play.PlaySession.answer`, which check it on the server (whatever the page sends) and
refuse it with one line shown on the page. The move card shows, on the seat's turn to propose,
one control per issue in the issue's own units and steps (options for a categorical issue) and
what the offer is worth to each government now; on its turn to answer, the offer it was made and
its worth, with Accept, Reject and Walk away. Under it: the model's answers with their reasons,
the round's events, and the panels of the dashboard (dance, coalitions, utility space) drawn from
the rounds completed so far.

:func:`html_table` and the other ``*_html`` functions are plain functions of the session (every
value escaped, ``data-*`` attributes naming the fields), tested without a browser.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import solara

from bargaining_chips.model.metrics import summary
from bargaining_chips.model.negotiation import NegotiationModel
from bargaining_chips.viz import debrief, panels
from bargaining_chips.viz.play import (
    MoveRefused,
    PlaySession,
    check_terms,
    controls_for,
    games_folder,
    new_game_folder,
)


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _u(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


#: A lock to hold while a card reads its game (:attr:`Shown.reading`): a classroom's
#: :meth:`~viz.classroom.Classroom.reading`, or no lock for a game of one's own.
Reading = Callable[[], AbstractContextManager]


@dataclass(frozen=True)
class Shown:
    """What the dashboard's panels draw (:mod:`viz.app`): the rounds a game has completed.
    A new object for every move, so the panels redraw."""

    talks: NegotiationModel
    scenario_name: str
    version: int
    #: Held while a panel reads ``talks``: a classroom's game moves on other sessions' threads
    #: (:meth:`viz.classroom.Classroom.reading`); a game of one's own needs no lock.
    reading: Reading = contextlib.nullcontext


def worth_html(session: PlaySession, seat: str, terms: Any) -> str:
    """What ``terms`` are worth to each government now, the seat's own first, beside what no
    deal gives it; or the reason the terms cannot be offered."""
    try:
        values = check_terms(session.spec, terms)
    except MoveRefused as err:
        return f'<div class="bc-problem" data-field="worth">{_esc(err)}</div>'
    worth = session.worth(values)
    order = [seat, *[g for g in worth if g != seat]]
    cells = " · ".join(
        f'<span data-government="{_esc(g)}">{"you" if g == seat else _esc(g)} '
        f"<b>{_u(worth[g])}</b></span>"
        for g in order
    )
    return (
        f'<div data-field="worth">Worth to {cells}'
        f'<div class="bc-settings">No deal is worth {_u(session.reservation(seat))} to you.</div>'
        "</div>"
    )


def offer_html(session: PlaySession, seat: str) -> str:
    """The offer ``seat`` must answer, in the issues' own units, and its worth."""
    waiting = session.waiting
    offer = waiting.offer
    rows = "".join(
        f'<tr data-issue="{_esc(name)}"><td>{_esc(issue.label)}</td>'
        f'<td data-field="offer">{_esc(issue.render(float(v)))}</td>'
        f"<td>{_esc(issue.render(issue.no_deal))}</td></tr>"
        for (name, issue), v in zip(session.spec.issues.items(), offer.terms, strict=True)
    )
    terms = dict(zip(session.spec.issues, _wire(session, offer.terms), strict=True))
    return (
        f'<div class="bc-sub">{_esc(offer.proposer)} offers you:</div>'
        '<table class="bc-table" data-field="terms"><tr><th>issue</th><th>offer</th>'
        f"<th>no deal</th></tr>{rows}</table>{worth_html(session, seat, terms)}"
    )


def table_html(session: PlaySession) -> str:
    """For the class: the offer waiting for an answer, in the issues' own units, and its worth
    to each government (empty when no offer waits)."""
    waiting = session.waiting
    if waiting is None or waiting.offer is None:
        return ""
    offer = waiting.offer
    rows = "".join(
        f'<tr data-issue="{_esc(name)}"><td>{_esc(issue.label)}</td>'
        f'<td data-field="offer">{_esc(issue.render(float(v)))}</td></tr>'
        for (name, issue), v in zip(session.spec.issues.items(), offer.terms, strict=True)
    )
    worth = session.worth(offer.terms)
    cells = " · ".join(f"{_esc(g)} <b>{_u(u)}</b>" for g, u in worth.items())
    return (
        f'<div data-panel="table"><div class="bc-sub">{_esc(offer.proposer)}\'s offer on the '
        f'table:</div><table class="bc-table"><tr><th>issue</th><th>offer</th></tr>{rows}'
        f"</table><div>Worth to {cells}</div></div>"
    )


def _wire(session: PlaySession, terms) -> list[Any]:  # noqa: ANN001 - an array of terms
    """Engine terms as the form sends them (a categorical issue by its option's name)."""
    out = []
    for issue, v in zip(session.spec.issues.values(), terms, strict=True):
        out.append(issue.options[int(round(float(v)))] if issue.categorical else float(v))
    return out


def status_html(session: PlaySession, seat: str) -> str:
    """Whose move it is, or how the talks ended."""
    w = session.waiting
    due = session.lobby_due()
    if w is None:
        tone = "bc-agreement" if session.model.outcome.agreement else "bc-nodeal"
        text = panels.status_line(session.model)
    elif w.kind == "lobby" and seat in due:
        home = session.firm_control(seat).government
        tone, text = "", f"{w.heading}: your turn, {seat}, to lobby {home}."
    elif w.kind == "lobby":
        tone, text = "", f"{w.heading}: waiting for {', '.join(due)} to lobby."
    elif w.seat == seat:
        verb = "make an offer" if w.kind == "propose" else "answer the offer"
        tone, text = "", f"{w.heading}: your turn, {seat}, to {verb}."
    else:
        tone, text = "", f"{w.heading}: waiting for {w.seat} to {w.kind}."
    return f'<div class="bc-heading bc-status {tone}" data-field="status">{_esc(text)}</div>'


def answers_html(session: PlaySession) -> str:
    """The last round's answers with their reasons and its events, in the transcript's words."""
    lines = panels.round_log(session.model)
    if not lines:
        return ""
    heading = f"Round {len(session.model.rows)}: what happened"
    return (
        f'<div class="bc-panel" data-panel="log"><div class="bc-heading">{_esc(heading)}</div>'
        f'<pre class="bc-log">{_esc(chr(10).join(lines))}</pre></div>'
    )


def _start_values(session: PlaySession, seat: str) -> dict[str, Any]:
    """Where the form starts: the seat's last offer, or else the no-deal terms."""
    mine = [m for m in session.moves if m.seat == seat and m.kind == "propose"]
    if mine:
        return dict(zip(session.spec.issues, _wire(session, mine[-1].terms), strict=True))
    return {c.issue: c.value for c in controls_for(session.spec)}


#: A move sent from the page: ("propose", terms) or ("answer", response); it raises MoveRefused.
Mover = Callable[[str, Any], None]


@solara.component
def OfferForm(session: PlaySession, seat: str, act: Callable[[str, Any], None],
              reading: Reading = contextlib.nullcontext):
    """One control per issue, the offer's worth, and Propose; the game is read under
    ``reading``."""
    with reading():
        start = _start_values(session, seat)
    values = solara.use_reactive(start)
    for c in session.controls():
        def set_value(v, issue=c.issue):
            values.set({**values.value, issue: v})

        if c.options:
            solara.Select(label=c.label, value=values.value[c.issue], values=list(c.options),
                          on_value=set_value)
        else:
            label = f"{c.label} ({c.unit})" if c.unit else c.label
            solara.SliderFloat(label, value=float(values.value[c.issue]), min=c.min, max=c.max,
                               step=c.step, on_value=set_value, thumb_label="always")
    with reading():
        worth = worth_html(session, seat, values.value)
    solara.HTML(tag="div", unsafe_innerHTML=worth)

    def suggest():
        with reading():
            terms = _wire(session, session.suggestion(seat))
        values.set(dict(zip(session.spec.issues, terms, strict=True)))

    with solara.Row():
        solara.Button("Propose", color="primary",
                      on_click=lambda: act("propose", dict(values.value)))
        solara.Button("What would the model offer?", text=True, on_click=suggest)


def _seat_header(seat: str, status: str, problem: str, paused: bool) -> None:
    """A seat card's first lines: whose seat it is, where the talks stand (``status``, from
    :func:`status_html`), a pause and a refusal."""
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<div class="bc-sub" data-field="seat">You play {_esc(seat)}.</div>'))
    solara.HTML(tag="div", unsafe_innerHTML=status)
    if paused:
        solara.HTML(tag="div", unsafe_innerHTML=(
            '<div class="bc-problem" data-field="paused">The lecturer has paused the game.'
            "</div>"))
    if problem:
        solara.HTML(tag="div", unsafe_innerHTML=(
            f'<div class="bc-problem" data-field="refused">Refused: {_esc(problem)}</div>'))


@solara.component
def MoveCard(session: PlaySession, seat: str, act: Callable[[str, Any], None],
             problem: str, version: int, paused: bool = False,
             reading: Reading = contextlib.nullcontext):
    """The seat's move: the offer form, or the offer to answer, or the end of the talks
    (``version``, the session's, makes the card redraw after every move). ``act(kind, what)``
    sends a move. What the card shows of the game is read at once under ``reading``, so a move
    made meanwhile on another thread is seen whole or not at all."""
    with reading():
        w = session.waiting
        status = status_html(session, seat)
        mine = w is not None and w.seat == seat and w.kind == "propose"
        # the offer as it stands while the other answers, or the offer this seat must answer
        shown = ("" if w is None or mine else
                 table_html(session) if w.seat != seat else offer_html(session, seat))
        game_version = session.version
    with solara.Column(gap="4px", classes=["bc-panel"]):
        _seat_header(seat, status, problem, paused)
        if mine:
            OfferForm(session, seat, act, reading).key(f"offer-{game_version}")
        elif w is not None:
            solara.HTML(tag="div", unsafe_innerHTML=shown)
            if w.seat == seat:  # the offer is this seat's to answer
                with solara.Row():
                    for label, answer in (("Accept", "accept"), ("Reject", "reject"),
                                          ("Walk away", "walk_away")):
                        solara.Button(label, color="primary" if answer == "accept" else None,
                                      on_click=lambda a=answer: act("answer", a))


#: The choice of a firm's own priorities in the lobbying form (its rule's target).
OWN_PRIORITIES = "its own priorities (as its rule)"


def lobby_html(session: PlaySession, firm: str) -> str:
    """What a firm's seat sees: whom it lobbies, its stance on the other side's last offer
    (what its push on the government's reservation follows), its lobbying power, and what its
    pushes did in the rounds so far."""
    control = session.firm_control(firm)
    stance = session.stance(firm)
    if stance > 0:
        reading = f"for it: your push urges {control.government} to settle"
    elif stance < 0:
        reading = f"against it: your push urges {control.government} to hold out"
    else:
        reading = "no stance yet (the other side has made no offer, or it is worth no deal)"
    wants = ", ".join(f"{_esc(label)} {control.weights[i]:.2f}"
                      for i, label in control.issues.items())
    talks = session.pending or session.model
    past = [m for m in talks.lobby_moves if m.firm == firm][-3:]
    rows = "".join(
        f'<tr data-round="{m.round_no}"><td>{m.round_no}</td><td>{_esc(_label(session, m.issue))}'
        f"</td><td>{m.intensity:.3f}</td><td>{m.weight_shift:.3f}</td></tr>"
        for m in past
    )
    table = ("" if not rows else
             '<table class="bc-table" data-field="lobbied"><tr><th>round</th><th>raised most'
             f"</th><th>intensity</th><th>weight moved</th></tr>{rows}</table>")
    return (
        f'<div data-panel="lobby"><div data-field="lobby-target">You lobby '
        f"<b>{_esc(control.government)}</b>, your home government, on the issues you and it "
        f"want moved the same way: {wants} (your weights).</div>"
        f'<div data-field="stance">Your stance on the other side\'s last offer: '
        f"<b>{stance:+.2f}</b>, {_esc(reading)}.</div>"
        f'<div class="bc-settings">At full effort you push with intensity '
        f"{control.intensity:.3f} (your lobbying power × the scenario's rate), more with your "
        f"coalition behind you; effort 0 keeps you silent.</div>{table}</div>"
    )


def _label(session: PlaySession, issue: str) -> str:
    return session.spec.issues[issue].label


@solara.component
def LobbyForm(session: PlaySession, firm: str, act: Callable[[str, Any], None]):
    """The issue to push (or the firm's own priorities), the effort, and Lobby."""
    control = session.firm_control(firm)
    by_label = {OWN_PRIORITIES: None} | {label: i for i, label in control.issues.items()}
    issue = solara.use_reactive(OWN_PRIORITIES)
    effort = solara.use_reactive(1.0)
    solara.Select(label=f"Push {control.government} on", value=issue, values=list(by_label))
    solara.SliderFloat("Effort (share of your lobbying power)", value=effort, min=0.0, max=1.0,
                       step=0.05, thumb_label="always")
    solara.Button("Lobby", color="primary", on_click=lambda: act("lobby", {
        "issue": by_label[issue.value], "effort": effort.value,
        "government": control.government}))


@solara.component
def LobbyCard(session: PlaySession, firm: str, act: Callable[[str, Any], None],
              problem: str, version: int, paused: bool = False,
              reading: Reading = contextlib.nullcontext):
    """A firm's seat: whom it lobbies and how it stands, and on its turn the lobbying form (the
    game read under ``reading``, as :func:`MoveCard`)."""
    with reading():
        status = status_html(session, firm)
        stand = lobby_html(session, firm)
        due = firm in session.lobby_due()
        table = "" if due or session.waiting is None else table_html(session)
        game_version = session.version
    with solara.Column(gap="4px", classes=["bc-panel"]):
        _seat_header(firm, status, problem, paused)
        solara.HTML(tag="div", unsafe_innerHTML=stand)
        if due:
            LobbyForm(session, firm, act).key(f"lobby-{game_version}")
        elif table:
            solara.HTML(tag="div", unsafe_innerHTML=table)


def use_mover(send: Mover) -> tuple[Callable[[str, Any], None], str]:
    """A hook: ``act(kind, what)`` that sends a move and keeps its refusal; returns (act, the
    last refusal or "")."""
    problem = solara.use_reactive("")
    tick = solara.use_reactive(0)

    def act(kind: str, what: Any) -> None:
        try:
            send(kind, what)
        except MoveRefused as err:
            problem.set(str(err))
        else:
            problem.set("")
        tick.set(tick.value + 1)

    _ = tick.value
    return act, problem.value


@solara.component
def SaveButton(session: PlaySession, label: str = "Save this game"):
    """Save the finished game as a run's files (:meth:`PlaySession.save`) and say where."""
    saved = solara.use_reactive("")

    def save() -> None:
        try:
            folder = new_game_folder(games_folder(), session.seats)
            session.save(folder)
        except (MoveRefused, OSError) as err:
            saved.set(f"Not saved: {err}")
        else:
            saved.set(f"Saved to {folder}")

    solara.Button(label, on_click=save, disabled=not session.finished)
    if saved.value:
        solara.HTML(tag="div", unsafe_innerHTML=(
            f'<div class="bc-settings" data-field="saved">{_esc(saved.value)}</div>'))


@solara.component
def DebriefCard(session: PlaySession):
    """After the game: the model's own runs of the same scenario and settings (:data:`debrief.
    RUNS` seeds), played in a background thread with a progress bar, and the played game among
    them."""
    done = solara.use_reactive(0)
    runs = debrief.RUNS

    def sweep(cancel) -> debrief.Debrief:  # noqa: ANN001 - the thread's cancel event
        outcomes = debrief.model_outcomes(session.scenario_name, session.overrides, runs,
                                          progress=done.set, stop=cancel.is_set)
        return debrief.compare(summary(session.model), outcomes, list(session.spec.governments))

    result = solara.use_thread(sweep, dependencies=[session.version], intrusive_cancel=False)
    if result.value is None or result.state != solara.ResultState.FINISHED:
        with solara.Column(classes=["bc-panel"]):
            solara.HTML(tag="div", unsafe_innerHTML=(
                '<div class="bc-sub" data-field="debrief-progress">Debrief: the model plays '
                f"the same talks, run {done.value} of {runs}…</div>"))
            solara.ProgressLinear(value=100 * done.value / runs)
        return
    solara.HTML(tag="div", unsafe_innerHTML=debrief.debrief_html(result.value))


@solara.component
def Panels(shown: Shown, components: list, per_row: int = 2):
    """The dashboard's own panels (``components``, from :mod:`viz.app`, each taking an object
    with ``talks`` and ``scenario_name``) for the rounds completed so far, ``per_row`` to a row
    (one beside a seat's card, where two would be drawn at two thirds of their size)."""
    for k in range(0, len(components), per_row):
        with solara.Columns([1] * len(components[k:k + per_row])):
            for component in components[k:k + per_row]:
                component(shown)


@solara.component
def PlayView(scenario_name: str, seat: str, components: list):
    """Solo play: this browser session's own game, the person in ``seat``; ``components`` are
    the dashboard's panels to draw beside it."""
    session = solara.use_memo(lambda: PlaySession(scenario_name, seats=[seat]),
                              [scenario_name, seat])
    solara.use_effect(lambda: session.release, [session])

    def send(kind: str, what: Any) -> None:
        if kind == "propose":
            session.propose(seat, what)
        elif kind == "answer":
            session.answer(seat, what)
        else:
            session.reset()

    act, problem = use_mover(send)
    with solara.Columns([2, 3]):
        with solara.Column():
            MoveCard(session, seat, act, problem, session.version)
            solara.HTML(tag="div", unsafe_innerHTML=answers_html(session))
            with solara.Row():
                solara.Button("Start again", on_click=lambda: act("reset", None))
                if session.waiting is None:
                    SaveButton(session).key(f"save-{session.version}")
            if session.waiting is None:
                DebriefCard(session).key(f"debrief-{session.version}")
        with solara.Column():
            Panels(Shown(session.model, scenario_name, session.version), components, per_row=1)
