"""Classroom pages rendered in-process: two students and the lecturer share one game; a page
that closes frees its seat; thirty joins and leaves leave memory flat. The browser test plays a
classroom game in Chromium."""

from __future__ import annotations

import gc
import html
import re
import threading
import time
import warnings

import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")
ipywidgets = pytest.importorskip("ipywidgets")
solara_comm = pytest.importorskip("solara.comm")

from bargaining_chips.viz.classroom import Classroom  # noqa: E402

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message=r".*ComponentsView: `use_state`", category=UserWarning
    )
    from bargaining_chips.viz import app, classroom_page  # noqa: E402


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


class View:
    """One browser's page of the classroom, rendered in-process."""

    def __init__(self, room: Classroom, lecturer: str = "", components=None) -> None:
        self.room = room
        components = app.PLAY_COMPONENTS if components is None else components
        address = f"/?lecturer={lecturer}" if lecturer else "/"

        @solara.component
        def Root():  # the address the page was opened at, as Solara's router gives it
            solara.routing.router_context.provide(
                solara.routing.Router(address, [solara.Route("/")]))
            classroom_page.ClassroomPage(room, components)

        self.box, self.rc = solara.render(Root(), handle_error=False)

    def click(self, label: str) -> None:
        self.rc.find(v.Btn, children=[label]).widget.click()

    def text(self) -> str:
        return _text("\n".join(w.unsafe_innerHTML or ""
                               for w in self.rc.find(solara.widgets.HTML).widgets))

    def join(self, code: str, seat: str) -> None:
        self.rc.find(v.TextField, label="Join code").widget.v_model = code
        self.rc.find(v.Select, label="Seat").widget.v_model = seat
        self.click("Join")

    def close(self) -> None:
        self.rc.close()


def _until(condition, seconds: float = 20.0) -> None:
    """Wait for the polling thread of a page to redraw it."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the page did not follow the shared game"
        time.sleep(0.05)


@pytest.fixture
def room():
    return Classroom(code="ABC234", lecturer_key="secret-key")


def test_two_students_play_and_the_lecturer_sees_it(room):
    japan, us = View(room), View(room)
    try:
        japan.join("WRONG1", "Japan")
        assert "Refused: join code: wrong code" in japan.text()
        assert room.holders == {}
        japan.join("ABC234", "Japan")
        us.join("ABC234", "US")
        assert room.holders.keys() == {"Japan", "US"}
        assert "your turn, Japan, to make an offer" in japan.text()
        japan.click("Propose")  # the no-deal terms
        assert room.game.waiting.seat == "US"
        lecturer = View(room, lecturer="secret-key")
        try:
            text = lecturer.text()
            assert "Join code ABC234" in text and "waiting for US to answer" in text
            tariff = room.game.spec.issues["reciprocal_tariff"].render(
                float(room.game.waiting.offer.terms[0]))
            assert f"Japan's offer on the table: issue offer reciprocal tariff {tariff}" in text
            lecturer.click("Reveal private info")
            assert "Private information (revealed)" in lecturer.text()
        finally:
            lecturer.close()
        assert "Join code ABC234" not in View(room, lecturer="wrong").text()
        _until(lambda: "answer the offer" in us.text())  # the US page learns of the offer
        us.click("Reject")
        assert room.game.answer_lines()[0].startswith("US rejects")
        _until(lambda: room.game.answer_lines()[0] in japan.text())
        us_view = View(room)  # a fresh look at the shared game (the polling thread's redraw)
        try:
            us_view.join("ABC234", "Japan")
            assert "Japan is taken by another player" in us_view.text()
        finally:
            us_view.close()
    finally:
        japan.close()
        us.close()
    assert room.holders == {}  # closed pages free their seats


def test_a_seat_picked_stays_picked_when_another_student_takes_a_seat(room):
    """A student's menu shows the first free seat until they pick one; another student's join
    (a redraw with a new first free seat) must not change a seat already picked."""
    chooser, idle, other = View(room), View(room), View(room)
    try:
        menu = chooser.rc.find(v.Select, label="Seat").widget
        assert menu.v_model == "US"  # the first free seat
        menu.v_model = "SoftBank"
        other.join("ABC234", "US")
        idle_menu = idle.rc.find(v.Select, label="Seat").widget
        _until(lambda: idle_menu.v_model == "Japan")  # the others' pages follow the free seats
        _until(lambda: "taken" in chooser.text())
        assert menu.v_model == "SoftBank"
        for view in (chooser, idle):
            view.rc.find(v.TextField, label="Join code").widget.v_model = "ABC234"
            view.click("Join")
        assert set(room.holders) == {"US", "SoftBank", "Japan"}
    finally:
        for view in (chooser, idle, other):
            view.close()


def test_join_asks_for_the_seat_the_menu_showed(room):
    """A student who has not picked joins as the seat the menu showed them: if another student
    took it before this page was redrawn, the join is refused, never turned into a seat this
    student did not see (here the next free one, Japan)."""
    box, rc = solara.render(classroom_page.StudentView(room, 0), handle_error=False)
    try:  # drawn once: no polling thread redraws this page
        assert rc.find(v.Select, label="Seat").widget.v_model == "US"
        room.join("another-student", "ABC234", "US")
        rc.find(v.TextField, label="Join code").widget.v_model = "ABC234"
        rc.find(v.Btn, children=["Join"]).widget.click()
        assert room.holders == {"US": "another-student"}
        assert "Refused: seat: US is taken by another player" in _text(
            "".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets))
    finally:
        rc.close()


def test_thirty_joins_and_leaves_leave_memory_flat(room):
    """The pages here leave out the figures (drawn the same for every page, and slow): what is
    measured is what a player's joining and leaving keeps on the server."""

    def cycle():
        page = View(room, components=[])
        page.join("ABC234", "Japan")
        assert room.holders.get("Japan")
        page.close()
        # Rendered outside a kernel, Solara keeps every widget's dummy comm with the stack that
        # made it (a debugging aid of its test harness, solara.comm); a server has no such record.
        solara_comm.orphan_comm_stacks.clear()

    for _ in range(5):  # warm up caches (Solara's widgets, the scenario)
        cycle()
    gc.collect()
    widgets, threads = len(ipywidgets.widgets.widget._instances), threading.active_count()
    objects = len(gc.get_objects())  # Python objects alive: cheaper than tracemalloc, as telling
    for _ in range(30):
        cycle()
    gc.collect()
    grown = len(gc.get_objects()) - objects
    assert room.holders == {}
    assert (len(ipywidgets.widgets.widget._instances), threading.active_count()) == (widgets, threads)
    assert grown < 300, f"{grown} more objects alive after 30 joins and leaves"


def _retry(action, seconds: float = 20.0) -> None:
    """Do ``action`` once the page has redrawn (a polling thread may be redrawing it)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            action()
            return
        except (ValueError, AssertionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_a_firm_seat_lobbies_from_its_page_and_the_lecturer_frees_seats(room):
    japan, us, nvidia = View(room), View(room), View(room)
    lecturer = None
    try:
        japan.join("ABC234", "Japan")
        us.join("ABC234", "US")
        nvidia.rc.find(v.TextField, label="Your name (for the lecturer's list)").widget.v_model = (
            "Ben <b>")
        nvidia.join("ABC234", "NVIDIA")
        assert room.holders["NVIDIA"] and room.holder_name("NVIDIA") == "Ben <b>"
        text = nvidia.text()
        assert "You play NVIDIA." in text and "You lobby US , your home government" in text
        assert "waiting for Japan to propose" in text
        _retry(lambda: japan.click("Propose"))
        _until(lambda: "answer the offer" in us.text())
        _retry(lambda: us.click("Reject"))
        _until(lambda: "your turn, NVIDIA, to lobby US" in nvidia.text())

        def lobby():
            nvidia.rc.find(v.Select, label="Push US on").widget.v_model = "investment fund"
            nvidia.click("Lobby")
            assert any(m.kind == "lobby" for m in room.game.moves)

        _retry(lobby)
        assert "Refused" not in nvidia.text()
        (move,) = [m for m in room.game.moves if m.kind == "lobby"]
        assert (move.seat, move.lobby.issue, move.lobby.effort, move.round_no) == (
            "NVIDIA", "investment_fund", 1.0, 2)
        lecturer = View(room, lecturer="secret-key")
        text = lecturer.text()
        assert "NVIDIA firm, lobbies US taken Ben <b>" in text  # escaped on the page
        raw = "".join(w.unsafe_innerHTML or "" for w in lecturer.rc.find(
            solara.widgets.HTML).widgets)
        assert '<td data-field="name">Ben &lt;b&gt;</td>' in raw
        _retry(lambda: lecturer.click("Free NVIDIA"))
        assert "NVIDIA" not in room.holders and room.game.firm_seats == {}
        _until(lambda: "Join the class's game" in nvidia.text())
    finally:
        for page in (japan, us, nvidia, lecturer):
            if page is not None:
                page.close()


def test_the_lecturers_panels_read_the_game_under_the_classrooms_lock(room, monkeypatch):
    """A move on a student's thread appends the offer before its answers; a panel drawn on the
    lecturer's thread meanwhile must not see it half done, so it reads under the moves' lock."""
    from bargaining_chips.viz import panels

    held = {}
    def spy(name, real):
        def read(talks):
            held.setdefault(name, []).append(room.reading().locked())
            return real(talks)
        return read

    for name in ("dance_table", "utility_space", "coalition_network", "network_layout"):
        monkeypatch.setattr(panels, name, spy(name, getattr(panels, name)))
    View(room, lecturer=room.lecturer_key)
    assert set(held) == {"dance_table", "utility_space", "coalition_network", "network_layout"}
    assert all(all(v) for v in held.values()), held
    assert not room.reading().locked()


def test_every_view_reads_the_game_and_the_seats_under_the_classrooms_lock(room, monkeypatch):
    """The pages, like the panels, read the shared game under the moves' lock: the seats, whose
    move it is, the offer on the table and its worth, the form's start, a firm's stand, the
    answers and the private information, on the lecturer's page and on every kind of student's
    (not yet seated, proposing, answering, lobbying), so that a join or a move on another
    thread is seen whole or not at all (a seat list read while another student joins)."""
    from bargaining_chips.viz import play_page

    held: dict[str, list[bool]] = {}

    def spy(owner, name):  # noqa: ANN001 - a module or a class
        real = getattr(owner, name)

        def read(*args, **kwargs):
            held.setdefault(name, []).append(room.reading().locked())
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, read)

    for name in ("seats_html", "private_html"):
        spy(classroom_page, name)
    for name in ("status_html", "table_html", "answers_html", "offer_html", "worth_html",
                 "lobby_html", "_start_values"):
        spy(play_page, name)
    spy(Classroom, "seat_of")
    japan, us, nvidia = View(room), View(room), View(room)
    lecturer = None
    try:
        japan.join("ABC234", "Japan")
        us.join("ABC234", "US")
        nvidia.join("ABC234", "NVIDIA")
        _retry(lambda: japan.click("Propose"))
        _until(lambda: "answer the offer" in us.text())
        lecturer = View(room, lecturer="secret-key")
        _retry(lambda: lecturer.click("Reveal private info"))
        _until(lambda: "Private information (revealed)" in lecturer.text())
        _retry(lambda: us.click("Reject"))
        _until(lambda: "your turn, NVIDIA, to lobby US" in nvidia.text())
    finally:
        for page in (japan, us, nvidia, lecturer):
            if page is not None:
                page.close()
    assert set(held) == {"seats_html", "private_html", "status_html", "table_html",
                         "answers_html", "offer_html", "worth_html", "lobby_html",
                         "_start_values", "seat_of"}
    assert all(all(v) for v in held.values()), {k: v.count(False) for k, v in held.items()}
    assert not room.reading().locked()
