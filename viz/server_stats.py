"""What a dashboard server keeps alive: counts the classroom's memory test reads, for tests only.

A player who joins and leaves must leave nothing behind on the server: no Solara session
(virtual kernel), no widget, no polling thread, no seat or name in the classroom, no Mesa model,
no memory. A browser test can only see the page, so the server itself has to say what it holds.

Only when the server's environment has ``BARGAINING_CHIPS_SERVER_STATS=1`` (set by
``tests/viz/test_classroom_browser.py`` around the server it starts; ``run.py demo`` never sets
it, and nothing else reads it) does :mod:`viz.app`, as the server imports it, add one route to
Solara's own web app, ``GET /_bargaining_chips/stats``: a JSON object of :func:`snapshot`.
Without the variable the route does not exist (the path is answered like any unknown address),
so a normal player can never read what the server holds.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bargaining_chips.viz.classroom import Classroom

#: The environment variable that turns the route on (tests only).
STATS_ENV = "BARGAINING_CHIPS_SERVER_STATS"
#: The route's path on the dashboard's own port.
STATS_PATH = "/_bargaining_chips/stats"

_installed = False
_install_lock = threading.Lock()


def enabled() -> bool:
    return os.environ.get(STATS_ENV) == "1"


def rss_kib() -> int | None:
    """This process's resident memory in KiB now (Linux's /proc; None elsewhere)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return None
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _pooled(thread: threading.Thread) -> bool:
    """A thread of a pool that grows with the load and shrinks when idle (the web server's
    workers, AnyIO's, or one Python did not start: the count of these says nothing of leaks)."""
    return (type(thread).__name__ == "WorkerThread" or isinstance(thread, threading._DummyThread)
            or thread.name == "solara-gc-after-kernel-close")


def snapshot(room: Classroom | None = None) -> dict[str, int | None]:
    """What the server holds now, after a full garbage collection.

    ``kernels``: Solara's live sessions (one per open page, and per page whose tab died until
    Solara culls it); ``widgets``: ipywidgets alive; ``threads``: Python threads running (not
    counting those of pools that grow and shrink with the load: :func:`_pooled`);
    ``models``: ``mesa.Model`` objects alive; ``mesa_registry``: models in Mesa 3.3's class-level
    agent registry (0 on Mesa 3.4+, which has none); ``objects``: objects the collector tracks;
    ``rss_kib``: resident memory; with a ``room``, ``holders`` (seats taken) and ``names``
    (students' names kept).
    """
    import mesa
    from ipywidgets.widgets import widget
    from solara.server import kernel_context

    gc.collect()
    objects = gc.get_objects()
    stats: dict[str, int | None] = {
        "kernels": len(kernel_context.contexts),
        "widgets": len(widget._instances),
        "threads": sum(1 for t in threading.enumerate() if not _pooled(t)),
        "models": sum(1 for o in objects if isinstance(o, mesa.Model)),
        "mesa_registry": len(getattr(mesa.Agent, "_ids", None) or {}),
        "objects": len(objects),
        "rss_kib": rss_kib(),
    }
    del objects
    if room is not None:
        stats["holders"] = len(room.holders)
        stats["names"] = len(room.names)
    return stats


def install(room: Callable[[], Classroom] | None = None) -> bool:
    """Add the stats route to Solara's web app, once, if :data:`STATS_ENV` is 1 (else nothing);
    ``room`` gives the server's classroom when asked (None: not a classroom server). True if the
    route is there afterwards."""
    global _installed
    if not enabled():
        return False
    with _install_lock:
        if _installed:
            return True
        from solara.server import starlette as solara_starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def stats(request):  # noqa: ANN001, ARG001 - a Starlette endpoint
            # async: answered on the event loop, so reading the counts starts no worker thread
            return JSONResponse(snapshot(None if room is None else room()))

        # first, ahead of Solara's catch-all route that serves the page for any other path
        solara_starlette.app.router.routes.insert(0, Route(STATS_PATH, endpoint=stats))
        _installed = True
        return True
