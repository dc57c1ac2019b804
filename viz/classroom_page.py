"""Classroom mode's pages: the lecturer's view and a student's (:mod:`viz.classroom`).

Every page of a classroom server shows the one shared game. The page opened with the lecturer key
(``/?lecturer=KEY``) is the lecturer's: the join code in large type, the seats and whether they are
taken, whose move it is, Pause/Resume, Reset, Reveal, and the dance, the utility space and the
coalition graph of the game so far; its seat table says who sits where (the name each student
gave) and has a Free button per taken seat, for a tab that is stuck or gone. Any other page is a
student's: a join code box, a name and a choice of seat (a government's, or a firm's that lobbies);
once seated, the seat's move card of solo play (:mod:`viz.play_page`), or a firm's lobbying card,
and the round's events, without the figures (the projector shows them). A student's page frees its
seat when it closes.

Pages learn of other people's moves by polling the classroom's version a few times a second
(a thread per page, stopped with it), so the lecturer's screen follows the game live.
"""

from __future__ import annotations

import html
import secrets
import threading
from typing import Any
from urllib.parse import parse_qs

import solara

from bargaining_chips.viz import play_page
from bargaining_chips.viz.classroom import Classroom, MoveRefused

#: Seconds between two looks at the shared game.
POLL_SECONDS = 0.3


def _esc(value: Any) -> str:
    return html.escape(str(value))


def use_room_version(room: Classroom) -> int:
    """A hook: the classroom's version, updated from a polling thread while the page is open."""
    version = solara.use_reactive(room.version)

    def poll(cancel: threading.Event) -> None:
        while not cancel.wait(POLL_SECONDS):
            if room.version != version.value:
                version.set(room.version)

    solara.use_thread(poll, dependencies=[room], intrusive_cancel=False)
    return version.value


def seats_html(room: Classroom, names: bool = False) -> str:
    """The seats, taken or free (a firm's with the government it lobbies); with ``names`` (the
    lecturer's view) who sits where, by the name each student gave."""
    def who(seat: str) -> str:
        name = room.holder_name(seat)
        return "" if not names or name is None else (
            f'<td data-field="name">{_esc(name) or "(no name)"}</td>')

    def what(seat: str) -> str:
        return (f"firm, lobbies {_esc(room.game.firm_control(seat).government)}"
                if room.is_firm(seat) else "government")

    rows = "".join(
        f'<tr data-seat="{_esc(s)}"><td>{_esc(s)}</td><td class="bc-settings">{what(s)}</td>'
        f'<td data-field="holder">{"taken" if s in room.holders else "free"}</td>{who(s)}</tr>'
        for s in room.seats
    )
    return ('<table class="bc-table" data-field="seats"><tr><th>seat</th><th></th><th></th>'
            f"{'<th>who</th>' if names else ''}</tr>{rows}</table>")


def private_html(room: Classroom) -> str:
    """Each government's reservation and weights, once the lecturer reveals them."""
    if not room.revealed:
        return ""
    issues = room.game.spec.issues
    head = "".join(f"<th>{_esc(i.label)}</th>" for i in issues.values())
    rows = "".join(
        f'<tr data-government="{_esc(p.government)}"><td>{_esc(p.government)}</td>'
        f"<td>{p.reservation:.2f}</td>"
        + "".join(f"<td>{p.weights[i]:.2f}</td>" for i in issues)
        + "</tr>"
        for p in room.private_info()
    )
    return ('<div class="bc-panel" data-panel="private"><div class="bc-heading">Private '
            'information (revealed)</div><table class="bc-table"><tr><th></th>'
            f"<th>no deal worth</th>{head}</tr>{rows}</table>"
            '<div class="bc-settings">Weights of the issues, after lobbying so far.</div></div>')


@solara.component
def LecturerView(room: Classroom, key: str, components: list, version: int,
                 text_size=None):  # noqa: ANN001 - a component drawing the text size control
    """The projected view: join code, seats, whose move, the controls, the panels."""
    problem = solara.use_reactive("")
    tick = solara.use_reactive(0)  # redraws at once after the lecturer's own action

    def do(action) -> None:  # noqa: ANN001 - a function of no arguments
        try:
            action()
        except MoveRefused as err:
            problem.set(str(err))
        else:
            problem.set("")
        tick.set(tick.value + 1)

    _ = tick.value

    game = room.game
    # Everything the view shows of the game and the seats, read at once under the moves' lock:
    # a student's move or join on another thread meanwhile is seen whole or not at all.
    with room.reading():
        seats = seats_html(room, names=True)
        taken = [s for s in room.seats if s in room.holders]
        status, table = play_page.status_html(game, ""), play_page.table_html(game)
        answers, private = play_page.answers_html(game), private_html(room)
        paused, revealed = room.paused, room.revealed
        finished, game_version = game.finished, game.version
    with solara.Columns([2, 3]):
        with solara.Column(classes=["bc-panel"]):
            solara.HTML(tag="div", unsafe_innerHTML=(
                '<div data-panel="join"><div class="bc-sub">Join code</div>'
                f'<div class="bc-code" data-field="join-code">{_esc(room.code)}</div>'
                '<div class="bc-settings">Open this page\'s address without the lecturer key '
                "and type the code.</div></div>"))
            solara.HTML(tag="div", unsafe_innerHTML=seats)
            if taken:
                with solara.Row(style={"flex-wrap": "wrap"}):
                    for seat in taken:
                        solara.Button(f"Free {seat}", text=True, small=True,
                                      on_click=lambda s=seat: do(lambda: room.free(key, s)))
            solara.HTML(tag="div", unsafe_innerHTML=status)
            solara.HTML(tag="div", unsafe_innerHTML=table)
            if paused:
                solara.HTML(tag="div", unsafe_innerHTML=(
                    '<div class="bc-problem" data-field="paused">Paused.</div>'))
            if problem.value:
                solara.HTML(tag="div", unsafe_innerHTML=(
                    f'<div class="bc-problem">Refused: {_esc(problem.value)}</div>'))
            with solara.Row():
                solara.Button("Resume" if paused else "Pause",
                              on_click=lambda: do(lambda: room.set_paused(key, not paused)))
                solara.Button("Reset", on_click=lambda: do(lambda: room.reset(key)))
                solara.Button("Hide private info" if revealed else "Reveal private info",
                              on_click=lambda: do(lambda: room.reveal(key, not revealed)))
            if text_size is not None:
                text_size()
            play_page.SaveButton(game, "Save the game").key(f"save-{game_version}")
            if finished:
                play_page.DebriefCard(game).key(f"debrief-{game_version}")
            solara.HTML(tag="div", unsafe_innerHTML=answers)
        with solara.Column():
            solara.HTML(tag="div", unsafe_innerHTML=private)
            play_page.Panels(play_page.Shown(game.model, room.scenario_name, version, room.reading),
                             components)


def first_free(room: Classroom) -> str:
    """The first seat nobody holds (the first seat when all are taken)."""
    return next((s for s in room.seats if s not in room.holders), room.seats[0])


@solara.component
def StudentView(room: Classroom, version: int):
    """A student's page: join with the code, then play the seat (the figures are on the
    lecturer's view)."""
    client = solara.use_memo(lambda: secrets.token_hex(8), [])
    solara.use_effect(lambda: (lambda: room.leave(client)), [])
    code = solara.use_reactive("")
    name = solara.use_reactive("")
    # The seat the student picked (None until they pick one): the menu shows the first free
    # seat until then. Kept apart from that default, so that another student taking a seat (a
    # redraw with a new first free seat) never changes the one this student chose.
    picked = solara.use_reactive(None)
    joined = solara.use_reactive(0)
    game = room.game
    # What the page shows of the seats and the game, read at once under the moves' lock (as
    # the lecturer's view), so another student's join or move meanwhile is seen whole or not.
    with room.reading():
        seat = room.seat_of(client)
        seats = room.seats
        # What the menu shows in this drawing of the page: Join asks for this seat, not for
        # the first one free when the click arrives (which may be one the student never saw).
        shown = picked.value or first_free(room)
        seat_list = seats_html(room) if seat is None else ""
        firm = seat is not None and room.is_firm(seat)
        private, answers = (("", "") if seat is None else  # a seat's page only
                            (private_html(room), play_page.answers_html(game)))
        paused = room.paused

    def send(kind: str, what: Any) -> None:
        if kind == "join":
            room.join(client, code.value, picked.value or shown, name.value)
            joined.set(joined.value + 1)
        elif kind == "leave":
            room.leave(client)
            joined.set(joined.value + 1)
        elif kind == "propose":
            room.propose(client, seat, what)
        elif kind == "lobby":
            room.lobby(client, seat, what["issue"], what["effort"], what.get("government"))
        else:
            room.answer(client, seat, what)

    act, problem = play_page.use_mover(send)
    _ = joined.value
    if seat is None:
        with solara.Column(classes=["bc-panel"]):
            solara.HTML(tag="div", unsafe_innerHTML=(
                '<div class="bc-heading" data-field="status">Join the class\'s game</div>'))
            solara.InputText("Join code", value=code, continuous_update=True)
            solara.InputText("Your name (for the lecturer's list)", value=name,
                             continuous_update=True)
            # ipyvuetify's menu itself, its choice going straight to ``picked``: solara.Select
            # would copy the value into a state of its own, and a choice that arrived while
            # another thread (this page's poll) redrew the page could be lost in that copy
            solara.v.Select(label="Seat", v_model=shown, items=seats,
                            on_v_model=picked.set)
            solara.Button("Join", color="primary", on_click=lambda: act("join", None))
            if problem:
                solara.HTML(tag="div", unsafe_innerHTML=(
                    f'<div class="bc-problem" data-field="refused">Refused: {_esc(problem)}'
                    "</div>"))
            solara.HTML(tag="div", unsafe_innerHTML=seat_list)
        return
    # The figures are the projector's (the lecturer's view): drawn on every student's page they
    # would cost the server three matplotlib figures per page at every move of the class.
    with solara.Columns([1, 1]):
        with solara.Column():
            if firm:
                play_page.LobbyCard(game, seat, act, problem, version, paused=paused,
                                    reading=room.reading)
            else:
                play_page.MoveCard(game, seat, act, problem, version, paused=paused,
                                   reading=room.reading)
            solara.Button("Leave the seat", text=True, on_click=lambda: act("leave", None))
        with solara.Column():
            solara.HTML(tag="div", unsafe_innerHTML=private)
            solara.HTML(tag="div", unsafe_innerHTML=answers)


def lecturer_key(search: str | None) -> str:
    """The ``lecturer`` query parameter of the page's address ("" when absent)."""
    return parse_qs(search or "").get("lecturer", [""])[0]


@solara.component
def ClassroomPage(room: Classroom, components: list, text_size=None):  # noqa: ANN001
    """The lecturer's view for the lecturer key in the address, a student's otherwise;
    ``text_size`` (a component) is drawn on the lecturer's view."""
    router = solara.use_router()
    key = lecturer_key(router.search)
    version = use_room_version(room)
    if room.is_lecturer(key):
        LecturerView(room, key, components, version, text_size)
    else:
        StudentView(room, version)
