"""Pictures of the dashboard as the class sees it, taken in headless Chromium from the real page.

``python -m bargaining_chips.viz.snapshot [--out DIR] [--rounds N] [--scenario S]`` starts the dashboard
(``python run.py demo``), opens it at 1280x720 with every outside request blocked, presses Step
``N`` times and saves two screenshots: the top of the page (the round card and the negotiation
dance) and its lower half (coalitions, utility space and the round's events). The pictures are of
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
    finally:
        context.close()
    if log.blocked or log.failed_assets:
        raise RuntimeError(
            f"the page was not served from this machine alone: {log.blocked + log.failed_assets}"
        )
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
    for path in take(args.out, args.rounds, args.scenario):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
