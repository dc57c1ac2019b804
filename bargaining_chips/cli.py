"""Bargaining Chips — the command line: ``bargaining-chips`` once installed, ``python run.py`` in a
checkout (a shim that calls :func:`main`), ``python -m bargaining_chips`` anywhere.

Thin by design: it builds the argument parser from the command modules listed below and hands the
parsed arguments to their handlers. Every command module exposes ``register(subparsers)``, which adds
its sub-command and sets ``handler`` (a function of the parsed arguments returning an exit status).

Exit status: 0 success; 2 bad input (one line on stderr); 1 internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import warnings

# Each module adds one or more sub-commands; the order is the order of `--help`.
COMMAND_MODULES = (
    "bargaining_chips.experiments.cli.run",
    "bargaining_chips.experiments.cli.sweep",
    "bargaining_chips.experiments.cli.tournament",
    "bargaining_chips.experiments.cli.calibrate",
    "bargaining_chips.experiments.cli.theory",
    "bargaining_chips.experiments.cli.author",
    "bargaining_chips.viz.cli",
)

# Optional packages and the extra that installs each (a missing one is a user error, not a crash).
OPTIONAL_PACKAGES = {
    "pyarrow": "sweep", "SALib": "sweep", "tqdm": "sweep",
    "dask": "dask", "distributed": "dask",
    "solara": "viz", "ipyvue": "viz", "ipyvuetify": "viz", "altair": "viz",
}

DESCRIPTION = """\
An agent-based negotiation game: the 2025 US-Japan tariff talks played round by round to the G7
summit, with firms lobbying behind their governments.

With no command, runs the default scenario once (seed 0), prints the dated transcript and a summary,
and writes the results to results/.
"""

EPILOG = """\
examples:
  python run.py                                  the default scenario, seed 0
  python run.py run --seed 3 --json              one JSON summary on stdout
  python run.py run --set actors.Japan.strategy.beta=0.5 --out results/slow_japan
  python run.py run --set deadlines.G7.extension_probability=0.3
  python run.py sweep experiments/configs/deadline_credibility.toml --out results/deadline
  python run.py summarize results/deadline       outcome means with confidence intervals
  python run.py sensitivity experiments/configs/sobol_default.toml --out results/sobol
  python run.py tournament experiments/configs/tournaments/strategy_ranking.toml --out results/tournament
  python run.py calibrate experiments/configs/calibrate/us_japan_may2025.toml --out results/may2025
  python run.py forecast results/may2025 --after 2025-05-28   what the facts say comes next
  python run.py validate                         the classic bargaining results, PASS/FAIL
  python run.py check my_scenario.toml           validate a scenario or config without running it
  python run.py schema > scenario.schema.json    the scenario's JSON Schema, for editors
  python run.py demo                             the browser dashboard on 127.0.0.1
  python run.py <command> --help                 the options of one command
"""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``error: PROG: MESSAGE; see PROG --help``)
    with exit status 2, like every other bad input; argparse's own prints the usage first."""

    def error(self, message: str):  # noqa: ANN201 - never returns
        self.exit(2, f"error: {self.prog}: {message}; see {self.prog} --help\n")


def build_parser(prog: str = "bargaining-chips") -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=prog,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="<command>")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


@contextlib.contextmanager
def scenario_warnings_on_stderr():
    """Print each scenario warning (a setting legitimate but inert here) as one line on stderr,
    ``warning: <file>: <field>: <what to do>``; other warnings as Python shows them."""
    from bargaining_chips.model.errors import ScenarioWarning

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        if issubclass(category, ScenarioWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:
            shown(message, category, filename, lineno, file, line)

    with warnings.catch_warnings():
        warnings.simplefilter("default", ScenarioWarning)
        warnings.showwarning = show
        try:
            yield
        finally:
            warnings.showwarning = shown


def main(argv: list[str] | None = None, prog: str = "bargaining-chips") -> int:
    """Run one command; returns its exit status. ``prog`` is how the help names the command."""
    from bargaining_chips.model.errors import UserError

    parser = build_parser(prog)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv or ["run"])
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    try:
        with scenario_warnings_on_stderr():
            return int(args.handler(args) or 0)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as err:
        extra = OPTIONAL_PACKAGES.get((err.name or "").split(".")[0])
        if extra is None:
            raise
        print(f"error: this command needs {err.name}, part of the '{extra}' extra: "
              f"pip install 'bargaining-chips[{extra}]' (in a checkout: pip install -e '.[{extra}]')", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (`… | head`): stop quietly, as Unix tools do. Python
        # would otherwise report the failed flush of stdout at exit; point it at devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool a pipe cut off

