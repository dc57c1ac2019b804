"""Classroom mode in a real browser, with no outside network.

``python run.py demo --classroom`` is started as a lecturer starts it and its printed lecturer
address and join code are read from its output. Three browser contexts (three Solara sessions)
open it in Debian's headless Chromium: the lecturer's, and two students', who join the US and
Japan seats and play the game to its end — Japan proposes, the US answers; a deal the table
accepts goes to the vote at home — while the lecturer's screen follows. The lecturer's view
debriefs the game among the model's own runs, the lecturer saves the game, and its files equal those of a plain model run fed the same moves. A wrong join code and a
taken seat are refused. Then thirty players join and leave in waves of ten tabs (three of them
loading the page at a time), and the server
(which says what it holds through a route only this test turns on) is back where it was after
each wave. Skipped without Chromium or the asset cache, as the dashboard's browser
test is (a failure where ``BARGAINING_CHIPS_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("solara")
sync_api = pytest.importorskip("playwright.sync_api")

from bargaining_chips.agents.messages import Response  # noqa: E402
from bargaining_chips.agents.strategies import Strategy  # noqa: E402
from bargaining_chips.model import NegotiationModel, load_scenario  # noqa: E402
from bargaining_chips.model.metrics import summary  # noqa: E402
from bargaining_chips.viz.browser import (  # noqa: E402
    CHROMIUM,
    DashboardServer,
    NetworkLog,
    launch_chromium,
    offline_context,
)
from bargaining_chips.viz.install_assets import default_cache_dir, discover_assets, missing_files  # noqa: E402
from bargaining_chips.viz.server_stats import STATS_ENV, STATS_PATH  # noqa: E402

expect = sync_api.expect
TIMEOUT_MS = 30_000
#: Seconds after which the test's server closes the session of a page that vanished without
#: saying so (a killed tab): Solara's kernel cull timeout.
CULL_SECONDS = 3


@pytest.fixture(autouse=True)
def _patient_pages():
    """Every page is given 30 s, not Playwright's 5, to show what a move changed: CI runs the two
    Pythons' suites side by side on two cores, and the other may be playing thirty tabs (a
    student's page once took longer than 5 s to show its own join on Python 3.12)."""
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's own


class Scripted(Strategy):
    """A test double: the proposals and answers a seat made, in order."""

    def __init__(self, proposals, answers):
        self.proposals, self.answers = list(proposals), list(answers)

    def propose(self, view):
        return np.array(self.proposals.pop(0), dtype=float)

    def respond(self, view, offer):
        return self.answers.pop(0)


def _unavailable(reason: str) -> None:
    if os.environ.get("BARGAINING_CHIPS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (install with .ci/install_viz.sh)")
    pytest.skip(f"{reason}; install with .ci/install_viz.sh")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    if any(missing_files(p, default_cache_dir()) for p in discover_assets()[0]):
        _unavailable("Solara's asset cache is incomplete")
    out = tmp_path_factory.mktemp("played")
    # the server answers GET STATS_PATH with what it holds (tests only: viz.server_stats), and
    # gives up on a page whose tab died (no close message) after CULL_SECONDS, not a minute
    test_env = {STATS_ENV: "1", "SOLARA_KERNEL_CULL_TIMEOUT": f"{CULL_SECONDS}s"}
    saved = {name: os.environ.get(name) for name in test_env}
    os.environ.update(test_env)
    try:
        running = DashboardServer("--classroom", "--out", str(out))
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    running.out = out
    yield running
    running.stop()


class Wire:
    """A page's websocket to the server, passed through the test, which can change or hold back
    what the page sends: a crafted request, past everything the page itself would check.
    ``craft`` (a function of the decoded widget message returning the messages to send in its
    place: none to hold it back) applies to the page's widget messages while it is set;
    ``updates`` are the value changes the page has sent (decoded)."""

    def __init__(self, page) -> None:
        self.server = None
        self.craft = None
        self.updates: list[dict] = []
        page.route_web_socket(re.compile(".*"), self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()
        self.server = server

        def upstream(message) -> None:
            data = json.loads(message) if isinstance(message, str) else None
            widget = (data or {}).get("content", {}).get("data", {})
            if not isinstance(widget, dict) or widget.get("method") not in ("update", "custom"):
                server.send(message)
                return
            if "v_model" in widget.get("state", {}):
                self.updates.append(data)
            if self.craft is None:
                server.send(message)  # as the page sent it
                return
            for out in self.craft(data):
                server.send(message if out is data else json.dumps(out))

        ws.on_message(upstream)
        server.on_message(lambda message: ws.send(message))

    def replace_value(self, value) -> None:
        """The page's next change of a control's value says ``value`` instead."""
        def craft(data):
            if "v_model" not in data["content"]["data"].get("state", {}):
                return [data]
            self.craft = None
            return [_with_value(data, value)]
        self.craft = craft

    def value_before_click(self, update: dict, value) -> None:
        """Just before the page's next click, the control of ``update`` says ``value``: the
        page (which keeps a slider inside its range) has no chance to put it back."""
        def craft(data):
            if data["content"]["data"].get("method") != "custom":
                return [data]
            self.craft = None
            return [_with_value(update, value), data]
        self.craft = craft

    def hold_click(self) -> list:
        """Hold back the page's next click, and return the list it is put in."""
        held = []

        def craft(data):
            if data["content"]["data"].get("method") != "custom":
                return [data]
            held.append(data)
            self.craft = None
            return []
        self.craft = craft
        return held


def _with_value(message: dict, value) -> dict:
    crafted = json.loads(json.dumps(message))
    crafted["content"]["data"]["state"] = {"v_model": value}
    return crafted


def _printed(server, pattern: str) -> str:
    return server.printed(pattern)


def status(page):
    return page.locator('[data-field="status"]').first


def test_a_class_plays_a_game_to_the_end(server):
    lecturer_url = _printed(server, r"Lecturer's view: (\S+)")
    code = _printed(server, r"Join code for students: (\S+)")
    assert lecturer_url.startswith("http://127.0.0.1:") and "?lecturer=" in lecturer_url
    logs = []
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)

        wires = {}

        def open_page(url: str, name: str = ""):
            log = NetworkLog()
            logs.append(log)
            page = offline_context(browser, log).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda error: log.page_errors.append(str(error)))
            if name:
                wires[name] = Wire(page)
            page.goto(url)
            return page

        try:
            lecturer = open_page(lecturer_url)
            expect(lecturer.locator('[data-field="join-code"]')).to_have_text(code)
            us = open_page(server.url, "US")
            expect(status(us)).to_have_text("Join the class's game")
            wires["US"].replace_value("WRONG9")  # the right code typed, a wrong one sent
            us.get_by_label("Join code").fill(code)
            us.get_by_role("button", name="Join").click()
            expect(us.locator('[data-field="refused"]')).to_contain_text("join code: wrong code")
            us.get_by_label("Join code").fill("")
            us.get_by_label("Join code").fill(code.lower())
            us.get_by_role("button", name="Join").click()  # the first free seat: the US
            expect(us.locator('[data-field="seat"]')).to_have_text("You play US.")
            japan = open_page(server.url, "Japan")
            expect(status(japan)).to_have_text("Join the class's game")
            japan.get_by_label("Join code").fill(code)
            japan.get_by_role("button", name="Join").click()
            expect(japan.locator('[data-field="seat"]')).to_have_text("You play Japan.")
            nvidia = open_page(server.url, "NVIDIA")  # the governments' seats are taken now
            nvidia.get_by_label("Join code").fill(code)
            nvidia.get_by_label("Your name (for the lecturer's list)").fill("Ben")
            _choose(nvidia, "Seat", "Japan")
            nvidia.get_by_role("button", name="Join").click()
            expect(nvidia.locator('[data-field="refused"]')).to_contain_text(
                "taken by another player")
            expect(lecturer.locator('[data-seat="Japan"] [data-field="holder"]')).to_have_text(
                "taken")
            _choose(nvidia, "Seat", "NVIDIA")
            nvidia.get_by_role("button", name="Join").click()
            expect(nvidia.locator('[data-field="seat"]')).to_have_text("You play NVIDIA.")
            expect(lecturer.locator('[data-seat="NVIDIA"] [data-field="name"]')).to_have_text(
                "Ben")

            seats = {"US": us, "Japan": japan, "NVIDIA": nvidia}
            _crafted_moves_are_refused(lecturer, japan, wires)
            answered = 0
            for _ in range(24):  # moves: Japan opens; the US accepts once, then walks away;
                text = status(lecturer).inner_text()  # NVIDIA lobbies on the fund every round
                if "Agreement" in text or "No deal" in text:
                    break
                mover = re.search(r"waiting for (\w+) to (propose|answer|lobby)", text)
                assert mover, text
                seat, kind = mover.groups()
                page = seats[seat]
                expect(status(page)).to_contain_text(f"your turn, {seat}")
                if kind == "lobby":
                    _choose(page, "Push US on", "investment fund")
                    page.get_by_role("button", name="Lobby").click()
                elif kind == "propose":
                    page.get_by_role("button", name="What would the model offer?").click()
                    page.wait_for_timeout(300)
                    page.get_by_role("button", name="Propose").click()
                else:
                    answered += 1
                    label = "Accept" if answered == 1 else "Walk away"
                    page.get_by_role("button", name=label).click()
                # the move's redraw reaches the lecturer by its page's poll (within the 30 s
                # every page is given: _patient_pages)
                expect(status(lecturer)).not_to_have_text(text)
            final = status(lecturer).inner_text()
            assert "Agreement" in final or "No deal" in final
            for page in seats.values():
                expect(status(page)).to_have_text(final)
            debriefed = lecturer.locator('[data-panel="debrief"] [data-field="deals"]')
            expect(debriefed).to_contain_text("runs of the same scenario", timeout=90_000)
            lecturer.get_by_role("button", name="Save the game").click()
            saved = lecturer.locator('[data-field="saved"]')
            expect(saved).to_contain_text("Saved to ")
            folder = saved.inner_text().removeprefix("Saved to ").strip()
        finally:
            browser.close()
    for log in logs:
        assert log.blocked == [] and log.failed_assets == [] and log.page_errors == []
    _check_saved_game(folder)


def _crafted_moves_are_refused(lecturer, japan, wires) -> None:
    """On Japan's first turn: an offer out of range sent past the page's slider, and Japan's own
    Propose click sent from NVIDIA's connection (a move for someone else's seat), are refused;
    the game is where it was."""
    expect(status(japan)).to_contain_text("your turn, Japan, to make an offer")
    before = status(lecturer).inner_text()
    seen = len(wires["Japan"].updates)
    japan.locator(".v-slider").first.click()  # a click on the track: the slider's new value
    japan.wait_for_timeout(500)
    assert len(wires["Japan"].updates) > seen, "the slider sent no new value"
    wires["Japan"].value_before_click(wires["Japan"].updates[-1], 99.0)  # its range: 10 to 24
    japan.get_by_role("button", name="Propose").click()
    expect(japan.locator('[data-field="refused"]')).to_contain_text("is out of range")
    held = wires["Japan"].hold_click()
    japan.get_by_role("button", name="Propose").click()
    japan.wait_for_timeout(300)
    assert len(held) == 1, "Japan's click was not held back"
    wires["NVIDIA"].server.send(json.dumps(held[0]))
    japan.wait_for_timeout(800)
    assert status(lecturer).inner_text() == before  # no move was made for Japan
    expect(status(japan)).to_contain_text("your turn, Japan, to make an offer")


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the page's select labelled ``label`` (a Vuetify menu)."""
    page.get_by_label(label).click(force=True)
    page.get_by_role("option", name=option, exact=True).click()


def _check_saved_game(folder: str) -> None:
    """The saved game's files equal those of a plain model run fed the same moves: the two
    governments' proposals and answers, and NVIDIA pushing the investment fund with all its
    power from round 2 (it sat down once round 1's lobbying had been played)."""
    from pathlib import Path

    from bargaining_chips.model.lobbying import LobbyChoice

    folder = Path(folder)
    played = json.loads((folder / "summary.json").read_text())
    rounds = pd.read_csv(folder / "rounds.csv")
    spec = load_scenario("us_japan_2025")
    issues = list(spec.issues)
    model = NegotiationModel(spec, seed=0)
    for agent in model.governments:
        me = agent.actor_name
        proposals = [row[issues].to_numpy(float) for _, row in rounds.iterrows()
                     if row["proposer"] == me]
        answers = [Response(a) for a in rounds[f"response_{me}"].dropna()]
        agent.strategy = Scripted(proposals, answers)
    fund = LobbyChoice("investment_fund", 1.0)
    model.lobbyists[model.setup.actor_names.index("NVIDIA")] = lambda r: fund if r >= 2 else None
    model.run()
    assert played["seats_played"] == ["Japan", "NVIDIA", "US"]
    assert {k: v for k, v in played.items() if k not in ("seats_played", "moves_played")} == (
        json.loads(json.dumps(summary(model))))
    ours = model.rounds_table()
    pd.testing.assert_frame_equal(
        rounds.drop(columns=[c for c in rounds if c.startswith("threshold_")]),
        ours.drop(columns=[c for c in ours if c.startswith("threshold_")]).astype(
            rounds.dtypes.drop([c for c in rounds if c.startswith("threshold_")]).to_dict()),
        check_exact=False, rtol=1e-12,
    )
    lobbied = pd.read_csv(folder / "lobbying.csv")
    nvidia = lobbied[lobbied["firm"] == "NVIDIA"]
    assert list(nvidia["issue"]) == ["chip_purchases"] + ["investment_fund"] * (len(nvidia) - 1)
    votes = (folder / "transcript.txt").read_text()
    assert "accepts" in votes and "at home by" in votes  # the vote at home on the deal


#: Thirty players, in three waves of ten tabs of one browser, after a warm-up wave of WARM tabs
#: (the first sessions fill caches that later ones reuse): what a wave leaves behind is
#: measured against what the warm-up left.
WAVES, PLAYERS, WARM = 3, 10, 4
#: The seats a wave takes (the other players look on); the first LEAVERS leave their seat by its
#: button before closing the page, the others close it while seated.
SEATED, LEAVERS = ["US", "Japan", "NVIDIA", "SoftBank"], 2
#: The warm-up wave's last tabs die in their seats (they close without telling the server:
#: Solara's close beacon off): the server frees their sessions and seats after CULL_SECONDS.
DYING = 2
#: What a wave may leave behind once its sessions are closed: objects the collector tracks (a
#: wave of ten leaves about a hundred, log records and sockets of the moment among them; one
#: page kept alive keeps thousands) and resident memory (KiB; a wave adds about 700).
OBJECTS_SLACK, RSS_SLACK_KIB = 1_000, 16 * 1024
#: How many of a wave's tabs load the page at the same time, and how long one may take. With all
#: ten at once, on a loaded machine, a page once took more than 30 s; three at a time take about
#: as long in all (the browser's work is the same), each page sharing the machine with fewer.
ARRIVING, LOAD_MS = 3, 60_000
#: Counts that come back exactly: sessions, widgets, threads, Mesa models, seats, names.
EXACT = ["kernels", "widgets", "threads", "models", "mesa_registry", "holders", "names"]


def _stats(server) -> dict:
    """What the server holds (viz.server_stats), read from its test-only route."""
    with urllib.request.urlopen(server.url.rstrip("/") + STATS_PATH, timeout=60) as answer:
        return json.loads(answer.read())


def _settled(server, want: dict, seconds: float, objects: int | None = None) -> dict:
    """The server's counts once the closed pages' sessions are closed (a page that closes says
    so at once; a tab that died is given up after CULL_SECONDS), the counts of ``want`` are
    back and no more than ``objects`` objects are alive (the last connections' objects go a
    moment after them), or as they are after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        stats = _stats(server)
        if (all(stats[k] == v for k, v in want.items())
                and (objects is None or stats["objects"] <= objects)
                or time.monotonic() > deadline):
            return stats
        time.sleep(0.2)


def _quiet(server, want: dict, seconds: float) -> dict:
    """The server's counts once those of ``want`` are reached and the exact counts have stayed
    the same for a second (a closed session's models and threads go a moment after it), or as
    they are after ``seconds``."""
    deadline = time.monotonic() + seconds
    last, since = None, time.monotonic()
    while True:
        stats = _settled(server, want, max(0.0, deadline - time.monotonic()))
        now = {k: stats[k] for k in EXACT}
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 1.0 or time.monotonic() > deadline:
            return stats
        time.sleep(0.2)


def _open(tab, url: str) -> None:
    """Send ``tab`` to ``url`` without waiting for it to load (so a wave's tabs load at once)."""
    tab.evaluate("url => { window.location.href = url; }", url)


def _arrive(arrivals: list) -> None:
    """Send each tab of ``arrivals`` (pairs of a tab and its address) to its page, ARRIVING at a
    time: a tab is sent once the one sent ARRIVING tabs before it shows the join form; return
    once all show it."""
    loading = []
    for tab, url in arrivals:
        if len(loading) == ARRIVING:
            expect(status(loading.pop(0))).to_have_text("Join the class's game", timeout=LOAD_MS)
        _open(tab, url)
        loading.append(tab)
    for tab in loading:
        expect(status(tab)).to_have_text("Join the class's game", timeout=LOAD_MS)


def _join(tab, code: str, seat: str, name: str) -> None:
    """The player types the code and a name, picks ``seat`` in the seat menu, sees it picked
    and clicks Join."""
    tab.bring_to_front()  # a tab behind the others draws no frames: a click would wait for one
    tab.get_by_label("Join code").fill(code)
    tab.get_by_label("Your name (for the lecturer's list)").fill(name)
    chosen = tab.locator(".v-select__selection")
    for _ in range(3):  # the menu can close under a redraw (another player's join) before the
        tab.get_by_label("Seat").click(force=True)  # option is clicked: the student opens it again
        tab.get_by_role("option", name=seat, exact=True).dispatch_event("click")
        try:
            expect(chosen).to_have_text(seat, timeout=3_000)
            break
        except AssertionError:
            continue
    tab.get_by_role("button", name="Join").click()


def _seated_as_chosen(seated: list, wave: int) -> None:
    """Every seated player's page says they play the seat they chose; if not, which player
    chose which seat and what each page says."""
    for tab, seat in seated:
        try:
            expect(tab.locator('[data-field="seat"]')).to_have_text(f"You play {seat}.")
        except AssertionError:
            said = [(s, t.locator('[data-field="seat"], [data-field="refused"]').all_inner_texts())
                    for t, s in seated]
            pytest.fail(f"wave {wave}: the player who chose {seat} was not seated there; "
                        f"(seat chosen, what the page says) for each player: {said}")


def test_thirty_players_joining_and_leaving_leave_memory_flat(server):
    """Thirty students open the classroom page in waves of ten: four of a wave take a seat (two
    leave it by its button, two close their tab while seated), the others look on. Once a wave
    has closed, the server holds what it held before any player came: no session, widget,
    thread, Mesa model, seat or name more; nor more objects or memory than the warm-up wave
    left, but for a wave's noise."""
    code = _printed(server, r"Join code for students: (\S+)")
    empty = {"kernels": 0, "holders": 0, "names": 0}
    before = _quiet(server, empty, CULL_SECONDS + 30)  # the game's tabs died with its browser
    assert {k: before[k] for k in empty} == empty, before
    want = {k: before[k] for k in EXACT}
    waves = []
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        log = NetworkLog()
        context = offline_context(browser, log)  # one cache; a session per tab, as per player
        context.set_default_timeout(TIMEOUT_MS)
        tabs = [context.new_page() for _ in range(PLAYERS)]
        for tab in tabs:
            tab.on("pageerror", lambda error: log.page_errors.append(str(error)))
        try:
            for wave in range(WAVES + 1):
                players = tabs[:WARM] if wave == 0 else tabs
                dying = players[-DYING:] if wave == 0 else []
                _arrive([(tab, server.url + ("?solara-no-close-beacon" if tab in dying else ""))
                         for tab in players])
                seated = list(zip(players, SEATED, strict=False))
                for i, (tab, seat) in enumerate(seated):
                    _join(tab, code, seat, f"P{wave}-{i}")
                _seated_as_chosen(seated, wave)
                during = _stats(server)  # the server counts the players
                assert (during["kernels"], during["holders"], during["names"]) == (
                    len(players), len(seated), len(seated)), during
                for tab, _ in seated[:LEAVERS]:
                    tab.bring_to_front()
                    tab.get_by_role("button", name="Leave the seat").click()
                for tab, _ in seated[:LEAVERS]:
                    expect(status(tab)).to_have_text("Join the class's game")
                for tab in players:  # the players go: their pages close (the last wave's tabs)
                    if wave < WAVES:
                        _open(tab, "about:blank")
                    else:
                        tab.close()
                left = None if wave == 0 else waves[0]["objects"] + OBJECTS_SLACK
                waves.append(_settled(server, want, CULL_SECONDS + 30, left))
                assert {k: waves[-1][k] for k in EXACT} == want, (
                    f"wave {wave}: {waves[-1]}; before the players came: {before}")
        finally:
            browser.close()
    assert log.blocked == [] and log.failed_assets == [] and log.page_errors == []
    warm = waves[0]
    for wave, stats in enumerate(waves[1:], start=1):
        grown = stats["objects"] - warm["objects"]
        assert grown < OBJECTS_SLACK, f"{grown} more objects alive after wave {wave}: {waves}"
        if warm["rss_kib"] is not None:
            rss = stats["rss_kib"] - warm["rss_kib"]
            assert rss < RSS_SLACK_KIB, f"{rss} KiB more memory after wave {wave}: {waves}"
