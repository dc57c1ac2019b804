"""The dashboard in a real browser, with no outside network.

``python run.py demo --port 0`` is started as a lecturer starts it; Debian's Chromium (headless,
driven by Playwright, no browser download) opens it at 1280x720 with every request that is not for
127.0.0.1 aborted, and Solara's asset proxy pointed at an unreachable CDN, so the page must come
entirely from this machine. The test steps the talks, moves a slider, resets, and checks the round
date, the offer and the coalition panel against the model's own records for the same settings and
seed; it checks that two browser sessions each have their own model; and it saves screenshots to
``results/dashboard-screenshots/`` (or ``$BARGAINING_CHIPS_SCREENSHOTS``).

Without Chromium or a filled asset cache the tests are skipped, unless
``BARGAINING_CHIPS_REQUIRE_BROWSER=1`` (as in CI), where that is a failure. Install both with
``.ci/install_viz.sh``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytest.importorskip("solara")
sync_api = pytest.importorskip("playwright.sync_api")

from bargaining_chips.experiments.report import transcript  # noqa: E402
from bargaining_chips.model import NegotiationModel, load_scenario  # noqa: E402
from bargaining_chips.viz import panels  # noqa: E402
from bargaining_chips.viz.browser import (  # noqa: E402
    CHROMIUM,
    PROJECT_ROOT,
    DashboardServer,
    NetworkLog,
    launch_chromium,
    offline_context,
)
from bargaining_chips.viz.install_assets import default_cache_dir, discover_assets, missing_files  # noqa: E402

expect = sync_api.expect
SCREENSHOTS = Path(
    os.environ.get(
        "BARGAINING_CHIPS_SCREENSHOTS", PROJECT_ROOT / "results" / "dashboard-screenshots"
    )
)
TIMEOUT_MS = 30_000


def _unavailable(reason: str) -> None:
    if os.environ.get("BARGAINING_CHIPS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (install with .ci/install_viz.sh)")
    pytest.skip(f"{reason}; install with .ci/install_viz.sh")


@pytest.fixture(scope="module")
def dashboard():
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    cache = default_cache_dir()
    if any(missing_files(p, cache) for p in discover_assets()[0]):
        _unavailable(f"Solara's asset cache {cache} is incomplete")
    server = DashboardServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(dashboard):
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def open_session(browser, dashboard):
    """Open the dashboard in a new browser context (a session of its own); returns (page, log)."""
    contexts = []

    def _open():
        log = NetworkLog()
        context = offline_context(browser, log)
        contexts.append((context, log))
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))
        page.goto(dashboard.url)
        expect(page.get_by_role("button", name="Step")).to_be_enabled()
        expect(heading(page)).to_contain_text("Before round 1")
        return page, log

    yield _open
    for context, log in contexts:
        context.close()
        assert log.blocked == [], f"the page asked for outside addresses: {log.blocked}"
        assert log.failed_assets == [], f"assets missing from the local cache: {log.failed_assets}"
        assert log.page_errors == [], f"errors in the page: {log.page_errors}"


def heading(page):
    return page.locator('[data-panel="round"] [data-field="heading"]')


def reference(rounds: int, overrides: dict | None = None, seed: int = 0) -> NegotiationModel:
    """The model's own run for the same settings and seed (released at once; records stay)."""
    model = NegotiationModel(load_scenario("us_japan_2025", overrides), seed)
    for _ in range(rounds):
        model.step()
    model.release()
    return model


def step_to(page, model: NegotiationModel, rounds: int) -> None:
    """Press Step ``rounds`` times, waiting each time for the round the model played."""
    for k in range(rounds):
        page.get_by_role("button", name="Step").click()
        expect(heading(page)).to_have_attribute("data-date", model.rows[k]["date"])


def check_round(page, model: NegotiationModel) -> None:
    """The card shows the model's last round: date, heading, every offer value, the answer."""
    row = model.rows[-1]
    expect(heading(page)).to_have_attribute("data-date", row["date"])
    expect(heading(page)).to_have_text(panels.round_summary(model).heading)
    for name, issue in model.spec.issues.items():
        cell = page.locator(f'[data-panel="round"] [data-issue="{name}"] [data-field="offer"]')
        expect(cell).to_have_text(issue.render(row[name]))
    for who, answer in row["responses"].items():
        cell = page.locator(f'[data-panel="round"] [data-government="{who}"] [data-field="answer"]')
        expect(cell).to_have_text(transcript.VERBS[answer])


def check_network(page, model: NegotiationModel) -> None:
    """The coalition panel lists the model's coalitions and shows its drawing."""
    network = panels.coalition_network(model)
    expect(page.locator('[data-panel="network"] [data-field="caption"]')).to_contain_text(
        network.caption
    )
    alone = []
    for group in network.groups:
        if len(group.members) == 1:
            alone.extend(group.members)
            continue
        line = page.locator(f'[data-panel="network"] [data-coalition="{group.id}"]')
        expect(line).to_have_text(f"{group.stance} · {group.issue}: {', '.join(group.members)}")
    if alone:
        line = page.locator('[data-panel="network"] [data-coalition="alone"]')
        expect(line).to_have_text(f"alone: {', '.join(alone)}")
    drawing = page.locator(".vue-grid-item", has=page.locator('[data-panel="network"]')).locator(
        "img"
    )
    expect(drawing).to_have_count(1)
    assert drawing.evaluate("img => img.naturalWidth") > 300


def shoot(page, name: str, scroll_to: str | None = None) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if scroll_to:
        page.locator(scroll_to).scroll_into_view_if_needed()
    else:
        page.locator('[data-panel="round"]').scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


def test_a_lecture_steps_moves_a_slider_and_resets_offline(open_session, capsys):
    """The lecturer's round: step three rounds, move Japan's β, reset, step again, reset."""
    page, log = open_session()
    core = ("/@widgetti/solara-vuetify-app@", "/requirejs@", "/font-awesome@")
    assert all(any(part in url for url in log.asset_urls) for part in core), log.asset_urls

    model = reference(3)
    step_to(page, model, 3)
    check_round(page, model)
    check_network(page, model)
    log_panel = page.locator('[data-panel="log"]')
    expect(log_panel).to_contain_text(f"{model.rows[-1]['proposer']} proposes")
    expect(log_panel).to_contain_text(panels.round_log(model)[-1])
    shots = [
        shoot(page, "01-round-3"),
        shoot(page, "02-round-3-network-and-log", '[data-panel="log"]'),
    ]

    slider = page.locator(".v-input", has_text="Japan: concession β").get_by_role("slider")
    before = load_scenario("us_japan_2025").actors["Japan"].strategy.params["beta"]
    expect(slider).to_have_attribute("aria-valuenow", re.compile(rf"^{before:g}(\.0)?$"))
    slider.focus()
    for _ in range(10):  # +0.1 a press
        slider.press("ArrowRight")
    target = round(before + 1.0, 10)
    expect(slider).to_have_attribute("aria-valuenow", re.compile(rf"^{target:g}(\.0)?$"))
    expect(heading(page)).to_have_attribute("data-date", model.rows[-1]["date"])  # not yet applied
    # The browser sends a slider's value to the server at most once per round trip, so a Reset
    # pressed within milliseconds of the last key can overtake it; a lecturer is slower. Reset
    # (again, if need be) until the new run reports the slider's value among its settings.
    settings = page.locator('[data-panel="round"] [data-field="settings"]')
    for _ in range(3):
        page.wait_for_timeout(500)
        page.get_by_role("button", name="Reset").click()
        expect(heading(page)).to_contain_text("Before round 1")
        if f"Japan: concession β = {target:g}" in settings.text_content():
            break
    expect(settings).to_have_text(f"Seed 0; changed: Japan: concession β = {target:g}")

    moved = reference(3, {"actors.Japan.strategy.beta": target})
    changed = [
        name
        for name, issue in moved.spec.issues.items()
        if issue.render(moved.rows[-1][name]) != issue.render(model.rows[-1][name])
    ]
    assert changed, "Japan's β should change its third offer"
    step_to(page, moved, 3)
    check_round(page, moved)
    check_network(page, moved)
    shots.append(shoot(page, "03-japan-beta-moved-round-3"))

    page.get_by_role("button", name="Reset").click()
    expect(heading(page)).to_contain_text("Before round 1")
    expect(page.locator('[data-panel="log"]')).to_contain_text("press Step")
    shots.append(shoot(page, "04-after-reset"))
    with capsys.disabled():
        print("\ndashboard screenshots:", *map(str, shots), sep="\n  ")


def test_two_browser_sessions_do_not_share_a_model(open_session):
    first, _ = open_session()
    second, _ = open_session()
    for label in ("Play Interval (ms)", "Render Interval (steps)", "Use Threads"):
        expect(first.get_by_text(label)).to_be_hidden()  # Mesa's developer controls
    expect(first.get_by_role("button", name="Step")).to_be_visible()
    model = reference(2)
    step_to(first, model, 2)
    expect(heading(second)).to_contain_text("Before round 1")
    step_to(second, model, 1)
    expect(heading(first)).to_have_attribute("data-date", model.rows[1]["date"])
    first.get_by_role("button", name="Reset").click()
    expect(heading(first)).to_contain_text("Before round 1")
    expect(heading(second)).to_have_attribute("data-date", model.rows[0]["date"])


def test_snapshot_pictures_the_page_at_projector_size(dashboard, browser, tmp_path):
    from PIL import Image

    from bargaining_chips.viz.snapshot import WHOLE_HEIGHT, capture

    paths = capture(browser, dashboard.url, tmp_path, rounds=1)
    assert [p.name for p in paths] == [
        "dashboard-top.png", "dashboard-lower.png", "dashboard-whole.png"]
    for path in paths:
        with Image.open(path) as image:
            assert image.size == (1280, WHOLE_HEIGHT if "whole" in path.name else 720)
            colours = image.convert("L").getcolors(maxcolors=256)
            assert colours is not None and len(colours) > 50  # a page, not a blank screen
