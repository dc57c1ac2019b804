"""Sub-commands ``sweep``, ``summarize`` and ``sensitivity`` of ``run.py``.

Only argument parsing lives here; the work is done by :mod:`experiments.sweep.runner`,
:mod:`experiments.sweep.summarize` and :mod:`experiments.sensitivity.study`, imported inside the
handlers so ``python run.py --help`` stays fast. The options of where and how runs execute become
one :class:`~experiments.sweep.options.RunOptions`, shared by ``sweep`` and ``sensitivity``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bargaining_chips.experiments.sweep.options import RunOptions

SWEEP_EPILOG = """\
examples:
  python run.py sweep experiments/configs/strategy_grid.toml --out results/strategy_grid
  python run.py sweep CONFIG --out DIR --backend serial            debug in one process
  python run.py sweep CONFIG --out DIR --backend dask              a local Dask cluster
  python run.py sweep CONFIG --out DIR --backend dask --address tcp://scheduler:8786

A sweep interrupted at any moment (Ctrl-C, a killed process) continues where it stopped when the
same command is run again: runs already in DIR are skipped (--no-resume refuses a DIR with runs).
"""

SENSITIVITY_EPILOG = """\
examples:
  python run.py sensitivity experiments/configs/sobol_default.toml --out results/sobol
  python run.py sensitivity experiments/configs/morris_default.toml --out results/morris

Writes DIR/indices.csv (Sobol' S1/ST/S2 or Morris mu*/sigma with confidence intervals),
DIR/tornado.csv (one-at-a-time swings) and a PNG per outcome; DIR/runs and DIR/oat hold the runs.
"""


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", type=Path, help="sweep config file (TOML)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--backend", default="process", metavar="{serial,process,dask}",
        help="where runs execute (default: process, a local process pool)",
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    parser.add_argument("--address", default=None, help="Dask scheduler address (with --backend dask)")
    parser.add_argument(
        "--resume", action=argparse.BooleanOptionalAction, default=True,
        help="skip runs already in --out (default: on)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--format", dest="plot_format", choices=("png", "svg", "pdf"),
                        default="png", help="the plots' file format (default: png)")
    parser.add_argument("--dpi", type=int, default=200,
                        help="resolution of raster plots, dots per inch (default: 200)")


def run_options(args: argparse.Namespace) -> RunOptions:
    """The :class:`RunOptions` of the command-line options :func:`_add_run_options` adds."""
    from bargaining_chips.experiments.sweep.options import RunOptions

    return RunOptions(
        backend=args.backend, workers=args.workers, address=args.address, resume=args.resume,
        quiet=args.quiet,
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sweep``, ``summarize`` and ``sensitivity`` to ``run.py``'s parser."""
    sweep = subparsers.add_parser(
        "sweep", help="run a seeded parameter sweep from a config file",
        description="Run every run of a sweep config (seeded, chunked, resumable) into --out; "
        "then write summary.csv and the config's plots there.",
        epilog=SWEEP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_run_options(sweep)
    sweep.set_defaults(handler=sweep_command)

    summarize = subparsers.add_parser(
        "summarize", help="print outcome means with confidence intervals per parameter point",
        description="Print the outcome means of a sweep's results with 95% confidence intervals "
        "(Wilson for proportions, t for means) per parameter point.",
    )
    summarize.add_argument("dir", type=Path, help="a sweep's output folder")
    summarize.add_argument("--csv", type=Path, default=None, help="also write the tidy table here")
    summarize.add_argument(
        "--outcome", action="append", default=None, metavar="NAME",
        help="outcome column to show (repeatable; default: the config's outcomes, else all)",
    )
    summarize.set_defaults(handler=summarize_command)

    sensitivity = subparsers.add_parser(
        "sensitivity", help="Sobol' or Morris sensitivity study: indices, tables and plots",
        description="Run a Sobol' or Morris design (plus a one-at-a-time sweep for the tornado "
        "chart) and write the indices with confidence intervals and their plots to --out.",
        epilog=SENSITIVITY_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_run_options(sensitivity)
    sensitivity.add_argument(
        "--no-tornado", dest="tornado", action="store_false",
        help="skip the one-at-a-time sweep and its tornado chart",
    )
    sensitivity.set_defaults(handler=sensitivity_command)


def sweep_command(args: argparse.Namespace) -> int:
    """``run.py sweep``: run the sweep, then write its summary table and plots."""
    from bargaining_chips.experiments.sweep.config import load_config
    from bargaining_chips.experiments.sweep.runner import run_sweep

    options = run_options(args)
    config = load_config(args.config)
    report = run_sweep(args.config, args.out, options)
    written = write_sweep_outputs(config, args.out, args.plot_format, args.dpi)
    if not args.quiet:
        rate = report.runs_done / report.elapsed if report.elapsed else 0.0
        print(
            f"{config.name}: {report.runs_done} runs in {report.elapsed:.1f} s ({rate:.0f}/s, "
            f"{report.backend} x{report.workers}); {report.runs_before} already done; "
            f"{report.errors} errors; results in {args.out}"
        )
        for path in written:
            print(f"  wrote {path}")
    return 0


def write_sweep_outputs(config, out: Path, fmt: str = "png", dpi: int = 200) -> list[Path]:  # noqa: ANN001 - SweepConfig, lazily imported
    """Write ``summary.csv`` and the config's ``[[plots]]`` (under ``plots/``, as ``fmt`` at
    ``dpi``) for a finished sweep, labelled from the sweep's scenario."""
    from bargaining_chips.experiments.labels import labels_for
    from bargaining_chips.experiments.sweep.config import DEFAULT_MODEL
    from bargaining_chips.experiments.sweep.plots import render_plots
    from bargaining_chips.experiments.sweep.store import ResultStore
    from bargaining_chips.experiments.sweep.summarize import summarize

    frame = ResultStore(out).load()
    table = summarize(frame, outcomes=list(config.outcomes) or None)
    path = Path(out) / "summary.csv"
    table.to_csv(path, index=False)
    written = [path]
    from bargaining_chips.model.errors import UserError

    labels = labels_for(config.scenario or "us_japan_2025" if config.model == DEFAULT_MODEL else None)
    for spec in config.plots if len(frame) else ():
        try:
            written += render_plots(frame, [spec], Path(out) / "plots", labels, fmt, dpi)
        except UserError as err:  # e.g. every run failed: the table is still worth having
            print(f"plot {spec.kind} skipped: {err}", file=sys.stderr)
    return written


def summarize_command(args: argparse.Namespace) -> int:
    """``run.py summarize``: print (and optionally export) the table of outcome means."""
    from bargaining_chips.experiments.sweep.store import PARAM_PREFIX, ResultStore, load_results
    from bargaining_chips.experiments.sweep.summarize import format_summary, summarize

    outcomes = args.outcome or _config_outcomes(args.dir)
    columns = None
    if outcomes:  # read only what the table needs: big sweeps stay small in memory
        folder = args.dir if (args.dir / "manifest.json").exists() else args.dir / "runs"
        names = ResultStore(folder).column_names()
        columns = [c for c in names if c.startswith(PARAM_PREFIX) or c == "status"] + outcomes
    frame = load_results(args.dir, columns=columns)
    table = summarize(frame, outcomes=outcomes)
    print(format_summary(table))
    if args.csv is not None:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.csv, index=False)
        print(f"wrote {args.csv}", file=sys.stderr)
    return 0


def _config_outcomes(directory: Path) -> list[str] | None:
    import json

    for manifest in (directory / "manifest.json", directory / "runs" / "manifest.json"):
        if manifest.exists():
            outcomes = json.loads(manifest.read_text(encoding="utf-8"))["config"].get("outcomes")
            return list(outcomes) or None
    return None


def sensitivity_command(args: argparse.Namespace) -> int:
    """``run.py sensitivity``: run the study, print the indices, write tables and plots."""
    from bargaining_chips.experiments.sensitivity.study import run_sensitivity

    report = run_sensitivity(args.config, args.out, run_options(args), tornado=args.tornado,
                             plot_format=args.plot_format, dpi=args.dpi)
    if not args.quiet:
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_rows", 500):
            shown = report.indices.drop(columns=["method"])
            if shown["parameter_2"].isna().all():
                shown = shown.drop(columns=["parameter_2"])
            print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        for outcome, reason in report.skipped.items():
            print(f"skipped {outcome}: {reason}")
        for path in report.files:
            print(f"  wrote {path}")
    return 0
