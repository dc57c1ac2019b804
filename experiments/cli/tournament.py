"""Sub-command ``tournament`` of ``run.py``: argument parsing only; the work is done by
:mod:`experiments.tournament`."""

from __future__ import annotations

import argparse

from bargaining_chips.experiments.cli import arguments

EPILOG = """\
examples:
  python run.py tournament experiments/configs/tournaments/strategy_ranking.toml --out results/tournament
  python run.py tournament CONFIG --out DIR --backend serial       debug in one process

Every strategy of the config meets every other, in each seat, on every scenario, for every seed,
through the sweep machinery: an interrupted tournament continues where it stopped when the same
command is run again. DIR/ranking.csv ranks the strategies (mean utility, agreement rate, distance
to the Pareto frontier and to the Nash point, rounds to agreement, each with a 95% interval);
DIR/pairwise.csv and DIR/plots/pairwise.png the mean score of each strategy against each other;
DIR/plots/scores.png each strategy's score distribution; DIR/results.parquet one row per match.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``tournament`` to ``run.py``'s parser."""
    parser = subparsers.add_parser(
        "tournament", help="rank strategies: every one meets every other, in each role",
        description="Play a tournament config (strategies x strategies x scenarios x seeds) "
        "into --out and write its ranking table, pairwise heatmap and score distributions.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config",
                        help="tournament config file (TOML)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--backend", default="process", metavar="{serial,process,dask}",
                        help="where runs execute (default: process, a local process pool)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    parser.add_argument("--address", default=None, help="Dask scheduler address (with --backend dask)")
    parser.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                        help="skip matches already in --out (default: on)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--yes", action="store_true",
                        help="go ahead with a design of more than 1,000,000 matches")
    arguments.add_plot_arguments(parser)
    parser.set_defaults(handler=tournament_command)


def tournament_command(args: argparse.Namespace) -> int:
    """``run.py tournament``: play it, print the ranking, list the files written."""
    from pathlib import Path

    from bargaining_chips.experiments.sweep.options import RunOptions
    from bargaining_chips.experiments.tournament import load_tournament, run_tournament

    config = load_tournament(args.config)
    out = Path(args.out)
    arguments.check_output_folder(out)
    options = RunOptions(backend=args.backend, workers=args.workers, address=args.address,
                         resume=args.resume, quiet=args.quiet, yes=args.yes)
    try:
        report = run_tournament(config, out, options, plot_format=args.plot_format, dpi=args.dpi)
    except OSError as err:
        from bargaining_chips.experiments.sweep.runner import _write_error

        raise _write_error(out, err) from None
    if not args.quiet:
        sweep = report.sweep
        rate = sweep.runs_done / sweep.elapsed if sweep.elapsed else 0.0
        print(f"{config.name}: {config.design_size} matches ({sweep.runs_done} played in "
              f"{sweep.elapsed:.1f} s, {rate:.0f}/s, {sweep.backend} x{sweep.workers}; "
              f"{sweep.runs_before} already done; {sweep.errors} errors)")
        shown = report.ranking[["rank", "strategy", "matches", "mean_utility", "utility_low",
                                "utility_high", "agreement_rate", "pareto_distance",
                                "nash_distance", "rounds_to_agreement"]]
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        for path in report.files:
            print(f"  wrote {path}")
    return 0
