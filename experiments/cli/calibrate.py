"""Sub-commands ``calibrate`` and ``forecast`` of ``run.py``: argument parsing only; the work is
done by :mod:`experiments.calibrate`."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from bargaining_chips.experiments.cli import arguments

CALIBRATE_EPILOG = """\
examples:
  python run.py calibrate experiments/configs/calibrate/us_japan_may2025.toml --out results/may2025
  python run.py calibrate CONFIG --out DIR --backend serial --workers 1     debug in one process
  python run.py forecast results/may2025 --after 2025-05-28

Draws the config's priors, plays each draw checking the facts round by round (a run that breaks
one stops there) and keeps the draws whose runs bear out every fact (rejection ABC), through the
sweep machinery: an interrupted calibration continues where it stopped when the same command is
run again, on any backend. DIR/posterior.csv lists the accepted draws with their seeds and the
command that replays each; DIR/facts.csv each fact with the share of the draws reaching it
that kept it;
DIR/manifest.json the facts, priors, method, seeds, acceptance rate and effective sample size;
DIR/draws and DIR/prior the two sweeps (the draws, and the prior predictive run to the end).

With method = "abc-smc" (pip install -e ".[abc]"), pyabc's ABC-SMC: generations of weighted
particles, each within a smaller epsilon of the facts (a run's distance: the facts it breaks,
an offer counted by how far it lies outside its band), every batch of particles run through the
same sweep machinery (DIR/smc/); DIR/posterior.csv holds the last generation with its weights,
DIR/history.db pyabc's history, and the manifest each generation's epsilon, acceptance rate and
effective sample size.
"""

FORECAST_EPILOG = """\
examples:
  python run.py forecast results/may2025                    after the facts' as_of date
  python run.py forecast results/may2025 --after 2025-05-28 --format pdf

Prints, posterior beside prior: each parameter's mean and 5-95% range; P(deal by each calendar
date after --after); the agreed terms' 5/50/95% quantiles; P(each target missed, each deadline
moved). Writes the tables (CSV) and plots to DIR/forecast/.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` and ``forecast`` to ``run.py``'s parser."""
    parser = subparsers.add_parser(
        "calibrate", help="infer uncertain parameters from dated facts (rejection ABC, ABC-SMC)",
        description="Calibrate a scenario's uncertain parameters to the facts observed by a "
        "date: draw from the priors, keep the draws whose runs bear out every fact.",
        epilog=CALIBRATE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config", type=Path, help="calibration config file (TOML)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--backend", default="process", metavar="{serial,process,dask}",
                        help="where runs execute (default: process, a local process pool)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    parser.add_argument("--address", default=None, help="Dask scheduler address (with --backend dask)")
    parser.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                        help="skip draws already in --out (default: on)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--yes", action="store_true",
                        help="go ahead with more than 1,000,000 draws (or set max_runs)")
    parser.set_defaults(handler=calibrate_command)

    parser = subparsers.add_parser(
        "forecast", help="what a calibration expects after a date, beside the prior",
        description="Forecast from a calibration's accepted draws: posterior marginals, "
        "P(deal by each later date), agreed terms and deadline moves, beside the prior.",
        epilog=FORECAST_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("dir", type=Path, help="the folder 'run.py calibrate' wrote")
    parser.add_argument("--after", type=_date, default=None, metavar="DATE",
                        help="forecast what follows this date (YYYY-MM-DD; default: the facts' "
                        "as_of)")
    parser.add_argument("--no-plots", action="store_true", help="tables only")
    arguments.add_plot_arguments(parser)
    parser.set_defaults(handler=forecast_command)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; give YYYY-MM-DD") from None


def calibrate_command(args: argparse.Namespace) -> int:
    """``run.py calibrate``: run it, print what was accepted, list the files written."""
    from bargaining_chips.experiments.calibrate.run import run_calibration
    from bargaining_chips.experiments.sweep.options import RunOptions

    arguments.check_output_folder(args.out)
    options = RunOptions(backend=args.backend, workers=args.workers, address=args.address,
                         resume=args.resume, quiet=args.quiet, yes=args.yes)
    try:
        report = run_calibration(args.config, args.out, options)
    except OSError as err:
        from bargaining_chips.experiments.sweep.runner import _write_error

        raise _write_error(args.out, err) from None
    sweep = report.draws
    rate = sweep.runs_done / sweep.elapsed if sweep.elapsed else 0.0
    done = (f"{sweep.runs_done} run in {sweep.elapsed:.1f} s, {rate:.0f}/s, "
            f"{sweep.backend} x{sweep.workers}; {sweep.runs_before} already done")
    if report.generations is not None:
        last, n = report.generations[-1], len(report.generations)
        print(f"ABC-SMC: {report.total} runs in {n} generation{'s' if n != 1 else ''} ({done}); "
              f"the last: {report.accepted} particles, acceptance rate "
              f"{last['acceptance_rate']:.4f}, effective sample size {report.ess:.0f}")
    else:
        print(f"{report.total} draws ({done}); "
              f"accepted {report.accepted}: acceptance rate {report.acceptance_rate:.4f}, "
              f"effective sample size {report.ess:.0f}")
    for g in report.generations or ():
        print(f"  generation {g['generation']}: epsilon {g['epsilon']:.4g}, accepted "
              f"{g['accepted']} of {g['evaluations']:,} (rate {g['acceptance_rate']:.4f}, "
              f"{g['runs']:,} runs), effective sample size {g['ess']:.0f}")
    for fid, rate in report.fact_rates.items():
        if report.generations is not None:
            print(f"  fact {fid}: kept by a weighted {rate['kept']:.3f} of the last generation")
            continue
        print(f"  fact {fid}: kept by {rate['kept']:.3f} of the {rate['decided']:,} draws "
              "that reached it")
    for path in report.files:
        print(f"  wrote {path}")
    if report.accepted == 0:
        print("no draw bore out every fact: widen the priors or the facts' bands, or draw more")
    return 0


def forecast_command(args: argparse.Namespace) -> int:
    """``run.py forecast``: print the forecast and write its tables and plots."""
    from bargaining_chips.experiments.calibrate.forecast import (
        forecast,
        format_forecast,
        write_forecast,
    )

    result = forecast(args.dir, args.after)
    print(format_forecast(result))
    if not args.no_plots and result.posterior_draws:
        files = write_forecast(result, args.dir, args.plot_format, args.dpi)
    else:
        from bargaining_chips.experiments.calibrate.forecast import write_tables

        files = write_tables(result, args.dir)
    for path in files:
        print(f"  wrote {path}")
    return 0
