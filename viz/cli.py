"""The ``demo`` sub-command: serve the dashboard on this machine and print its address.

``python run.py demo [--port P] [--host H] [--scenario S]`` runs the Solara server on the page in
:mod:`viz.app` (``solara run viz.app --production --no-open``) as a child process and waits for it;
Ctrl+C stops it. By default it binds 127.0.0.1 only, so the class sees the lecturer's screen and the
network sees nothing; ``--host 0.0.0.0`` must be asked for explicitly. ``--port 0`` (the default)
picks a free port.

The server runs with Solara's telemetry off, without Solara's "runs on Solara" banner, and with
``SOLARA_HOME`` in a temporary folder removed on exit (Solara otherwise creates ``~/.solara``).
Its front-end assets come from the local cache that ``python -m bargaining_chips.viz.install_assets`` fills; when
that cache is incomplete the command fills it first from the npm registry, and if that fails it
says so before starting (offline, the page would be blank).
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bargaining_chips.model.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Environment variable through which the command tells the page which scenario to open with.
SCENARIO_ENV = "BARGAINING_CHIPS_DEMO_SCENARIO"

#: Solara settings for a classroom server: no telemetry, no "runs on Solara" banner, and no
#: rules-of-hooks report at start-up (it concerns Mesa's own SolaraViz code, not ours).
SOLARA_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_CHECK_HOOKS": "off",
}

#: How long a classroom server keeps the session of a page that went away without closing (its
#: tab killed, a laptop shut, the room's network lost) before closing it, which frees its seat
#: and its memory. Solara's own default, 24 hours, would hold a crashed tab's seat (and its
#: session) long past the class; a minute outlasts a network blip, within which Solara lets the
#: page reconnect to its session. ``SOLARA_KERNEL_CULL_TIMEOUT`` in the environment overrides
#: it. (A tab that closes tells the server at once.)
CLASSROOM_CULL_TIMEOUT = "60s"
#: The same for the one-player dashboard, whose vanished page holds no seat, only its game: an
#: hour outlasts a laptop shut for a class's break (the game is there when it wakes) and frees
#: the memory within the class, where Solara's 24 hours would keep every crashed tab's game for
#: the day.
SOLO_CULL_TIMEOUT = "1h"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="the browser dashboard: step through the talks, move sliders, reset",
        description=(
            "Serve the teaching dashboard (Mesa SolaraViz) and print its address. Needs the viz "
            "extra (pip install -e '.[viz]') and, offline, the asset cache filled once by "
            "python -m bargaining_chips.viz.install_assets."
        ),
        epilog=(
            "examples:\n"
            "  python run.py demo                      http://127.0.0.1:<free port>/\n"
            "  python run.py demo --port 8765\n"
            "  python run.py demo --scenario rubinstein\n"
            "  python run.py demo --host 0.0.0.0       reachable from other machines\n"
            "  python run.py demo --classroom          one shared game: students join with a code"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: 0, a free port)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--scenario",
        default=None,
        help="scenario to open with: a bundled name or a .toml path (default: us_japan_2025)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results") / "played",
        help="folder the page saves played games under, one folder per game "
        "(default: results/played)",
    )
    parser.add_argument(
        "--classroom",
        action="store_true",
        help="one shared game that several browsers join with a join code, each in a seat; "
        "prints the lecturer's address and the code",
    )
    parser.set_defaults(handler=run_demo)


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, "localhost")."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def network_warning(host: str) -> str | None:
    """The one-line warning for a bind other machines can reach, or None on a loopback one."""
    if is_loopback(host):
        return None
    return (f"warning: --host {host} opens the dashboard to the network: anyone who can reach "
            "this machine can open the page and play; use --host 127.0.0.1 to keep it local")


def free_port(host: str) -> int:
    """A port on ``host`` that nothing listens on right now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def browser_url(host: str, port: int) -> str:
    """The address to open: a wildcard bind is reached through 127.0.0.1 on this machine."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def server_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the dashboard page."""
    return [
        sys.executable, "-m", "solara", "run", "bargaining_chips.viz.app",
        "--host", host, "--port", str(port), "--production", "--no-open",
    ]  # fmt: skip


@dataclass(frozen=True)
class ClassroomKeys:
    """A classroom server's join code (for students) and lecturer key (for the lecturer's page)."""

    code: str
    lecturer_key: str

    def environment(self) -> dict[str, str]:
        from bargaining_chips.viz import classroom

        return {classroom.CLASSROOM_ENV: "1", classroom.CODE_ENV: self.code,
                classroom.LECTURER_ENV: self.lecturer_key}


def classroom_keys() -> ClassroomKeys:
    from bargaining_chips.viz import classroom

    return ClassroomKeys(classroom.new_code(), classroom.new_lecturer_key())


def server_environment(scenario: str | None, solara_home: str,
                       keys: ClassroomKeys | None = None,
                       out: Path | None = None) -> dict[str, str]:
    """The child's environment: ours, the project on the path, Solara configured for a class
    (and, in classroom mode, the join code and the lecturer key); how long a vanished page keeps
    its session (:data:`SOLO_CULL_TIMEOUT`, :data:`CLASSROOM_CULL_TIMEOUT`); where played games are saved, as an absolute
    path: the server runs in the project's folder)."""
    env = dict(os.environ)
    if out is not None:
        env["BARGAINING_CHIPS_PLAY_OUT"] = str(Path(out).resolve())
    for name in ("BARGAINING_CHIPS_CLASSROOM", "BARGAINING_CHIPS_JOIN_CODE",
                 "BARGAINING_CHIPS_LECTURER_KEY"):
        env.pop(name, None)
    if keys is not None:
        env.update(keys.environment())
    env.setdefault("SOLARA_KERNEL_CULL_TIMEOUT",
                   SOLO_CULL_TIMEOUT if keys is None else CLASSROOM_CULL_TIMEOUT)
    env.update(SOLARA_ENV)
    env.setdefault("SOLARA_HOME", solara_home)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    if scenario is not None:
        env[SCENARIO_ENV] = scenario
    return env


def _check_ready(scenario: str | None) -> None:
    """Fail early, in one line, on what would otherwise break the page later."""
    for module in ("solara", "altair"):  # Mesa's visualization imports both
        if importlib.util.find_spec(module) is None:
            raise UserError(
                f"the dashboard needs {module}, part of the viz extra: pip install -e '.[viz]'"
            )
    if scenario is not None:
        from bargaining_chips.model import load_scenario

        load_scenario(scenario)  # raises ScenarioError (a UserError) with the field at fault
    from bargaining_chips.viz import install_assets

    cache = install_assets.default_cache_dir()
    packages, _ = install_assets.discover_assets()
    if not any(install_assets.missing_files(p, cache) for p in packages):
        return
    print("Solara's front-end assets are not on this machine yet; fetching them once "
          "from the npm registry (python -m bargaining_chips.viz.install_assets)", file=sys.stderr)  # fmt: skip
    try:
        status = install_assets.install(cache, log=lambda line: print(line, file=sys.stderr))
    except (RuntimeError, OSError) as err:
        status, reason = 1, str(err)
    else:
        reason = "some files are still missing"
    if status != 0:
        print(f"warning: could not fill Solara's asset cache {cache} ({reason}); without internet "
              "the page stays blank. Retry with: python -m bargaining_chips.viz.install_assets", file=sys.stderr)  # fmt: skip


def wait_until_listening(child: subprocess.Popen, host: str, port: int, timeout: float) -> bool:
    """Poll until the server accepts connections; False if it exited or ``timeout`` passed."""
    target = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            return False
        try:
            with socket.create_connection((target, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def run_demo(args: argparse.Namespace) -> int:
    """Start the server, print its address once it listens, and wait until it stops or Ctrl+C.

    SIGTERM is treated like Ctrl+C, so stopping this process also stops the server.
    """
    _check_ready(args.scenario)
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port}: expected 0 (a free port) or 1-65535")
    warning = network_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    try:
        port = args.port or free_port(args.host)
    except OSError as err:
        raise UserError(f"--host {args.host}: cannot bind there ({err.strerror})") from None
    solara_home = tempfile.mkdtemp(prefix="bargaining-chips-solara-")
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    child = None
    try:
        keys = classroom_keys() if getattr(args, "classroom", False) else None
        child = subprocess.Popen(
            server_command(args.host, port),
            env=server_environment(args.scenario, solara_home, keys,
                                   getattr(args, "out", None)),
            cwd=PROJECT_ROOT,
        )
        if wait_until_listening(child, args.host, port, timeout=120):
            url = browser_url(args.host, port)
            print(f"Bargaining Chips dashboard: {url}", flush=True)
            if keys is not None:
                print(f"Lecturer's view: {url}?lecturer={keys.lecturer_key}", flush=True)
                print(f"Join code for students: {keys.code}", flush=True)
            print("(Ctrl+C stops it)", flush=True)
        return child.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(solara_home, ignore_errors=True)
