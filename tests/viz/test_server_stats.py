"""The server's counts of what it holds (viz.server_stats): a route that only a test turns on.

The browser test reads them from the classroom server it starts (tests/viz/
test_classroom_browser.py); here, in-process: without the variable no route is added (a normal
player can never read what the server holds), with it the route answers the counts, once
added however often asked."""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("solara")
solara_starlette = pytest.importorskip("solara.server.starlette")

from bargaining_chips.viz import server_stats  # noqa: E402
from bargaining_chips.viz.classroom import Classroom  # noqa: E402


def _stats_routes() -> list:
    return [r for r in solara_starlette.app.router.routes
            if getattr(r, "path", None) == server_stats.STATS_PATH]


@pytest.fixture
def no_route(monkeypatch):
    """The web app as Solara makes it, whatever a test adds."""
    routes = list(solara_starlette.app.router.routes)
    monkeypatch.setattr(server_stats, "_installed", False)
    yield
    solara_starlette.app.router.routes[:] = routes


def test_without_the_variable_there_is_no_route(no_route, monkeypatch):
    monkeypatch.delenv(server_stats.STATS_ENV, raising=False)
    assert server_stats.install(lambda: Classroom(code="ABC234")) is False
    assert _stats_routes() == []


def test_with_it_the_route_answers_what_the_server_holds(no_route, monkeypatch):
    monkeypatch.setenv(server_stats.STATS_ENV, "1")
    room = Classroom(code="ABC234", lecturer_key="key")
    room.join("a", "ABC234", "Japan", name="Aiko")
    assert server_stats.install(lambda: room) and server_stats.install(lambda: room)
    (route,) = _stats_routes()  # added once, first: ahead of the page's catch-all route
    assert solara_starlette.app.router.routes[0] is route
    stats = json.loads(asyncio.run(route.endpoint(None)).body)
    assert set(stats) == {"kernels", "widgets", "threads", "models", "mesa_registry", "objects",
                          "rss_kib", "holders", "names"}
    assert (stats["holders"], stats["names"]) == (1, 1)
    assert stats["models"] >= 1 and stats["objects"] > 0  # the room's game is a Mesa model
    room.leave("a")
    stats = server_stats.snapshot(room)
    assert (stats["holders"], stats["names"]) == (0, 0)
