"""Drive the dashboard in Debian's Chromium, offline: shared by the browser test and the snapshots.

The server is started exactly as a lecturer starts it, ``python run.py demo --port 0``, and its
printed address is read from its output. Chromium is the system one (``/usr/bin/chromium``, or
``$CHROMIUM_PATH``), driven by Playwright (a dev dependency, imported only by the functions that
need it) without any browser download. Every request that does not go to 127.0.0.1 is aborted and
remembered, so a caller can assert that the page needed no outside network; the server is pointed
at an unreachable CDN, so an asset missing from the local cache fails loudly instead of being
fetched.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: Where a cache miss would send Solara's asset proxy: nothing listens there.
DEAD_CDN = "http://127.0.0.1:9/npm/"
VIEWPORT = {"width": 1280, "height": 720}
_ADDRESS = re.compile(r"dashboard: (http://\S+)")


class DashboardServer:
    """``python run.py demo`` in its own process group; ``url`` once it has printed its address."""

    def __init__(self, *extra_args: str, timeout: float = 90.0) -> None:
        """Start the server with ``extra_args`` (e.g. ``--scenario NAME``); wait for its address."""
        env = dict(os.environ)
        env["SOLARA_ASSETS_CDN"] = DEAD_CDN
        env["PYTHONUNBUFFERED"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "run.py", "demo", "--port", "0", *extra_args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output: list[str] = []
        self.url: str | None = None
        found = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)
                match = _ADDRESS.search(line)
                if match and self.url is None:
                    self.url = match.group(1)
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        found.wait(timeout)
        if self.url is None:
            self.stop()
            raise RuntimeError("the dashboard did not start:\n" + "".join(self.output[-40:]))

    def printed(self, pattern: str, timeout: float = 15.0) -> str:
        """The first group of ``pattern`` in what the command printed, waiting for the line to
        arrive (the lines after the address follow it by a moment); RuntimeError if it does not."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, "".join(self.output))
            if match:
                return match.group(1)
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"the command did not print {pattern!r}:\n"
                                   + "".join(self.output[-40:]))
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM the command (it stops its server); kill the group if anything lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=5)


@dataclass
class NetworkLog:
    """What a browser context asked for beyond the dashboard, and which local assets failed."""

    blocked: list[str] = field(default_factory=list)
    failed_assets: list[str] = field(default_factory=list)
    asset_urls: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    return bool(
        re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/", url)
    ) or url.startswith(("data:", "blob:", "about:"))


def _is_close_beacon(url: str) -> bool:
    """Solara's "this page has closed" request to the dashboard itself."""
    return is_local(url) and "/_solara/api/close/" in url


def offline_context(browser, log: NetworkLog):
    """A fresh browser context (its own cookies: its own Solara session) with outside network cut."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)

    def route(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort()

    # Solara's close beacon, sent as a tab closes, goes straight to the dashboard: routed, its
    # handler races the closing tab (and Playwright prints the lost race as an error)
    context.route(lambda url: not _is_close_beacon(url), route)

    def on_response(response) -> None:
        if "/_solara/cdn/" in response.url:
            log.asset_urls.append(response.url)
            if response.status >= 400:
                log.failed_assets.append(f"{response.status} {response.url}")

    context.on("response", on_response)
    context.on(
        "requestfailed",
        lambda request: (
            log.failed_assets.append(f"failed {request.url}")
            if "/_solara/cdn/" in request.url
            else None
        ),
    )
    return context


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the flags that work on these machines."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
