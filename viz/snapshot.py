"""Pictures of the dashboard as the class sees it, taken in headless Chromium from the real page.

``python -m bargaining_chips.viz.snapshot [--out DIR] [--rounds N] [--scenario S]`` starts the dashboard
(``python run.py demo``), opens it at 1280x720 with every outside request blocked, presses Step
``N`` times and saves three screenshots: the top of the page (the round card and the negotiation
dance), its lower half (coalitions, utility space and the round's events), and the whole page in
a window tall enough for it (``dashboard-whole.png``, the README's picture). ``--play`` pictures
play mode and classroom mode instead. The pictures are of
the running model, so they can be regenerated at any time, e.g. for the README or a handout.

Needs Debian's ``chromium`` and Playwright (the dev extra); see ``.ci/install_viz.sh``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bargaining_chips.viz.browser import (
    CHROMIUM,
    DashboardServer,
    NetworkLog,
    launch_chromium,
    offline_context,
)

TIMEOUT_MS = 60_000
#: The window height at which the whole dashboard fits (its five panels, two by two).
WHOLE_HEIGHT = 1400


def capture(browser, url: str, out: Path, rounds: int = 3) -> list[Path]:
    """Open the dashboard at ``url`` in a fresh offline context of ``browser`` (a Playwright
    Chromium), step it ``rounds`` times and save the two screenshots in ``out``."""
    from playwright.sync_api import expect

    out.mkdir(parents=True, exist_ok=True)
    log = NetworkLog()
    context = offline_context(browser, log)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        heading = page.locator('[data-panel="round"] [data-field="heading"]')
        expect(heading).to_contain_text("Before round 1")
        step = page.get_by_role("button", name="Step")
        for k in range(1, rounds + 1):
            if not step.is_enabled():  # the talks ended
                break
            step.click()
            expect(page.locator('[data-panel="log"]')).to_contain_text(f"Round {k}: events")
        page.wait_for_timeout(500)  # let the last figures arrive
        paths = [out / "dashboard-top.png", out / "dashboard-lower.png"]
        page.screenshot(path=paths[0])
        page.locator('[data-panel="log"]').scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=paths[1])
        # The whole page at once (the page scrolls inside its own frame, so a full-page shot of
        # a 720-pixel window shows only that window): a window as tall as the page.
        page.set_viewport_size({"width": 1280, "height": WHOLE_HEIGHT})
        page.wait_for_timeout(800)
        paths.append(out / "dashboard-whole.png")
        page.screenshot(path=paths[2])
    finally:
        context.close()
    if log.blocked or log.failed_assets:
        raise RuntimeError(
            f"the page was not served from this machine alone: {log.blocked + log.failed_assets}"
        )
    return paths


def _page(browser, url: str, log: NetworkLog):
    context = offline_context(browser, log)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    return page


def capture_solo(browser, url: str, out: Path) -> list[Path]:
    """Play mode: take Japan's seat, propose the model's own offer, and picture the US's answer
    (``play.png``, the whole page); then walk away from the US's offer and picture the debrief
    once the model's own runs of the same talks are in (``debrief.png``, the whole page)."""
    from playwright.sync_api import expect

    log = NetworkLog()
    page = _page(browser, url, log)
    try:
        expect(page.get_by_role("button", name="Step")).to_be_enabled()
        page.get_by_label("Seat (taking one starts a new game)").click(force=True)
        page.get_by_role("option", name="Play as Japan").click()
        page.get_by_role("button", name="What would the model offer?").click()
        page.wait_for_timeout(300)
        page.get_by_role("button", name="Propose").click()
        expect(page.locator('[data-field="status"]')).to_contain_text("answer the offer")
        page.wait_for_timeout(800)
        path = out / "play.png"
        page.screenshot(path=path, full_page=True)
        page.get_by_role("button", name="Walk away").click()
        debriefed = page.locator('[data-panel="debrief"] [data-field="deals"]')
        expect(debriefed).to_contain_text("runs of the same scenario", timeout=180_000)
        page.set_viewport_size({"width": 1280, "height": WHOLE_HEIGHT})
        page.wait_for_timeout(800)
        debrief_path = out / "debrief.png"
        page.screenshot(path=debrief_path, full_page=True)
    finally:
        page.context.close()
    _offline(log)
    return [path, debrief_path]


def capture_classroom(browser, server: DashboardServer, out: Path) -> list[Path]:
    """Classroom mode: the lecturer's view and a student's, after the first offer
    (``classroom-lecturer.png``, ``classroom-student.png``), and a student in NVIDIA's seat on
    its turn to lobby, once the US has turned the offer down (``classroom-firm.png``; whole
    pages)."""
    from playwright.sync_api import expect

    lecturer_url = server.printed(r"Lecturer's view: (\S+)")
    code = server.printed(r"Join code for students: (\S+)")
    log = NetworkLog()
    lecturer = _page(browser, lecturer_url, log)
    students = []
    try:
        for _ in range(2):  # the US, then Japan
            page = _page(browser, server.url, log)
            page.get_by_label("Join code").fill(code)
            page.get_by_role("button", name="Join").click()
            expect(page.locator('[data-field="seat"]')).to_be_visible()
            students.append(page)
        firm = _page(browser, server.url, log)
        firm.get_by_label("Join code").fill(code)
        firm.get_by_label("Your name (for the lecturer's list)").fill("Ben")
        firm.get_by_label("Seat").click(force=True)
        firm.get_by_role("option", name="NVIDIA", exact=True).click()
        firm.get_by_role("button", name="Join").click()
        expect(firm.locator('[data-field="seat"]')).to_have_text("You play NVIDIA.")
        students.append(firm)
        japan = students[1]
        expect(japan.locator('[data-field="status"]')).to_contain_text("your turn")
        japan.get_by_role("button", name="What would the model offer?").click()
        japan.wait_for_timeout(300)
        japan.get_by_role("button", name="Propose").click()
        expect(lecturer.locator('[data-field="status"]')).to_contain_text("waiting for US")
        lecturer.get_by_role("button", name="Reveal private info").click()
        expect(lecturer.locator('[data-panel="private"]')).to_be_visible()
        expect(students[0].locator('[data-field="status"]')).to_contain_text("answer the offer")
        lecturer.wait_for_timeout(800)
        paths = [out / "classroom-lecturer.png", out / "classroom-student.png",
                 out / "classroom-firm.png"]
        # the page scrolls inside its own frame: a window as tall as the page shows it all
        lecturer.set_viewport_size({"width": 1280, "height": WHOLE_HEIGHT})
        lecturer.wait_for_timeout(800)
        lecturer.screenshot(path=paths[0], full_page=True)
        students[0].screenshot(path=paths[1], full_page=True)
        students[0].get_by_role("button", name="Reject").click()
        expect(firm.locator('[data-field="status"]')).to_contain_text("your turn, NVIDIA")
        firm.get_by_label("Push US on").click(force=True)
        firm.get_by_role("option", name="investment fund", exact=True).click()
        firm.wait_for_timeout(500)
        firm.screenshot(path=paths[2], full_page=True)
    finally:
        for page in [lecturer, *students]:
            page.context.close()
    _offline(log)
    return paths


def _offline(log: NetworkLog) -> None:
    if log.blocked or log.failed_assets:
        raise RuntimeError(
            f"the page was not served from this machine alone: {log.blocked + log.failed_assets}"
        )


def take_play_views(out: Path) -> list[Path]:
    """Pictures of play mode and of classroom mode (both servers started and stopped here)."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            server = DashboardServer()
            try:
                paths += capture_solo(browser, server.url, out)
            finally:
                server.stop()
            server = DashboardServer("--classroom")
            try:
                paths += capture_classroom(browser, server, out)
            finally:
                server.stop()
        finally:
            browser.close()
    return paths


def take(out: Path, rounds: int = 3, scenario: str | None = None) -> list[Path]:
    """Start the dashboard and Chromium, :func:`capture` the page, stop both."""
    from playwright.sync_api import sync_playwright

    server = DashboardServer(*(["--scenario", scenario] if scenario else []))
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                return capture(browser, server.url, out, rounds)
            finally:
                browser.close()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bargaining_chips.viz.snapshot",
        description="Screenshots of the dashboard (1280x720, headless Chromium, offline).",
    )
    parser.add_argument("--out", type=Path, default=Path("results") / "dashboard")
    parser.add_argument("--rounds", type=int, default=3, help="rounds to step (default 3)")
    parser.add_argument("--scenario", default=None, help="bundled name or .toml path")
    parser.add_argument("--play", action="store_true",
                        help="picture play mode and classroom mode instead (play.png, "
                        "classroom-lecturer.png, classroom-student.png, classroom-firm.png)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(
            f"error: no Chromium at {CHROMIUM}; install it with .ci/install_viz.sh", file=sys.stderr
        )
        return 2
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("error: needs Playwright: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    if args.rounds < 0:
        print(f"error: --rounds {args.rounds}: expected 0 or more", file=sys.stderr)
        return 2
    taken = take_play_views(args.out) if args.play else take(args.out, args.rounds, args.scenario)
    for path in taken:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
