"""The ``demo`` command: its options, its checks, and the server it would start."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bargaining_chips.viz import cli

ROOT = Path(__file__).resolve().parents[2]


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["demo", *argv])


def test_defaults_bind_this_machine_only_on_a_free_port():
    args = _parse()
    assert args.host == "127.0.0.1" and args.port == 0 and args.scenario is None
    assert args.handler is cli.run_demo
    args = _parse("--host", "0.0.0.0", "--port", "8765", "--scenario", "us_japan_2025")
    assert (args.host, args.port, args.scenario) == ("0.0.0.0", 8765, "us_japan_2025")


def test_free_port_is_bindable():
    port = cli.free_port("127.0.0.1")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8765/"),
        ("0.0.0.0", "http://127.0.0.1:8765/"),
        ("::", "http://[::1]:8765/"),
        ("::1", "http://[::1]:8765/"),
        ("lab-pc.local", "http://lab-pc.local:8765/"),
    ],
)
def test_printed_address(host, url):
    assert cli.browser_url(host, 8765) == url


def test_server_is_solara_in_production_without_a_browser_window():
    command = cli.server_command("127.0.0.1", 8765)
    assert command[:5] == [sys.executable, "-m", "solara", "run", "bargaining_chips.viz.app"]
    assert {"--production", "--no-open"} <= set(command)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8765"


def test_server_environment_turns_telemetry_off_and_finds_the_project(monkeypatch, tmp_path):
    monkeypatch.setenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "True")
    monkeypatch.delenv("SOLARA_HOME", raising=False)
    env = cli.server_environment("us_japan_2025", str(tmp_path))
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_HOME"] == str(tmp_path)
    assert env["PYTHONPATH"].split(":")[0] == str(ROOT)
    assert env[cli.SCENARIO_ENV] == "us_japan_2025"
    assert cli.SCENARIO_ENV not in cli.server_environment(None, str(tmp_path))


def test_a_classroom_server_frees_a_vanished_page_after_a_minute(monkeypatch, tmp_path):
    """Solara keeps the session of a page that went without closing (a killed tab) for 24 hours
    by default, and the seat it holds with it; a classroom server gives it up after a minute, the
    one-player dashboard (no seat, only its game) after an hour, unless told otherwise (the
    browser test's server, after a few seconds)."""
    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    keys = cli.ClassroomKeys("ABC234", "key")
    assert cli.server_environment(None, str(tmp_path), keys)["SOLARA_KERNEL_CULL_TIMEOUT"] == "60s"
    assert cli.server_environment(None, str(tmp_path))["SOLARA_KERNEL_CULL_TIMEOUT"] == "1h"
    monkeypatch.setenv("SOLARA_KERNEL_CULL_TIMEOUT", "3s")
    assert cli.server_environment(None, str(tmp_path), keys)["SOLARA_KERNEL_CULL_TIMEOUT"] == "3s"
    assert cli.server_environment(None, str(tmp_path))["SOLARA_KERNEL_CULL_TIMEOUT"] == "3s"


def test_an_unknown_scenario_is_one_line_and_status_2():
    done = subprocess.run(
        [sys.executable, "run.py", "demo", "--scenario", "no_such_scenario"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no_such_scenario")


def test_demo_is_listed_in_the_help():
    done = subprocess.run(
        [sys.executable, "run.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "demo" in done.stdout


@pytest.fixture
def asset_cache(monkeypatch, tmp_path):
    """Point the asset installer at an empty cache and record (instead of doing) downloads."""
    from bargaining_chips.viz import install_assets

    calls = []
    monkeypatch.setattr(install_assets, "default_cache_dir", lambda: tmp_path)

    def fake_install(cache, log=print, **kwargs):
        calls.append(cache)
        return fake_install.status

    fake_install.status = 0
    monkeypatch.setattr(install_assets, "install", fake_install)
    return tmp_path, calls, fake_install


def test_demo_fills_an_empty_asset_cache_once_before_starting(asset_cache, capsys):
    cache, calls, _ = asset_cache
    cli._check_ready(None)
    assert calls == [cache]
    assert "fetching them once" in capsys.readouterr().err


def test_demo_leaves_a_full_asset_cache_alone(asset_cache):
    from bargaining_chips.viz import install_assets

    cache, calls, _ = asset_cache
    for package in install_assets.discover_assets()[0]:
        for inner in package.files:
            (cache / package.spec / inner).parent.mkdir(parents=True, exist_ok=True)
            (cache / package.spec / inner).write_text("cached")
    cli._check_ready(None)
    assert calls == []


def test_demo_warns_when_the_assets_cannot_be_fetched(asset_cache, capsys):
    _, calls, fake_install = asset_cache
    fake_install.status = 1
    cli._check_ready(None)
    assert len(calls) == 1
    assert "the page stays blank" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "warns"),
    [("127.0.0.1", False), ("127.0.1.1", False), ("::1", False), ("[::1]", False),
     ("localhost", False), ("0.0.0.0", True), ("::", True), ("192.168.1.20", True),
     ("lab-pc.local", True)],
)
def test_a_bind_open_to_the_network_is_warned_about(host, warns):
    warning = cli.network_warning(host)
    assert (warning is not None) == warns
    if warns:
        assert warning.startswith(f"warning: --host {host} opens the dashboard to the network")
        assert "\n" not in warning


def test_demo_on_every_interface_warns_on_stderr_before_it_starts(monkeypatch, capsys):
    class Exited:  # a server that stops at once: nothing listens, nothing is bound
        def __init__(self, *args, **kwargs):
            pass

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(cli, "_check_ready", lambda scenario: None)
    monkeypatch.setattr(cli.subprocess, "Popen", Exited)
    args = _parse("--host", "0.0.0.0", "--port", "8765")
    assert cli.run_demo(args) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "open" in err[0] and "network" in err[0]
    assert cli.run_demo(_parse("--port", "8765")) == 0
    assert capsys.readouterr().err == ""
