"""Sub-commands ``sweep``, ``summarize``, ``export`` and ``sensitivity`` of ``run.py``.

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

from bargaining_chips.experiments.cli import arguments

if TYPE_CHECKING:
    from bargaining_chips.experiments.sweep.options import RunOptions

SWEEP_EPILOG = """\
examples:
  python run.py sweep experiments/configs/strategy_grid.toml --out results/strategy_grid
  python run.py sweep CONFIG --out DIR --backend serial            debug in one process
  python run.py sweep CONFIG --out DIR --backend dask              a local Dask cluster
  python run.py sweep CONFIG --out DIR --backend dask --address tcp://scheduler:8786

A sweep interrupted at any moment (Ctrl-C, a killed process, a full disk) continues where it
stopped when the same command is run again: runs already in DIR are skipped (--no-resume refuses a
DIR with runs). When every run is in, DIR/results.parquet holds one row per run, DIR/means.csv the
outcome means per parameter point, DIR/plots/ the config's plots.

A config describes a study (a scenario and parameters), never code. --model MODULE:FUNCTION sweeps
another function f(params, seed) -> dict instead of the negotiation model: it imports that module
and runs its code, so use it only with code you trust.
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
    parser.add_argument(
        "--model", default=None, metavar="MODULE:FUNCTION",
        help="sweep this function f(params, seed) -> dict instead of the negotiation model "
        "(imports and RUNS that code: only code you trust)",
    )
    parser.add_argument(
        "--yes", action="store_true",
        help="go ahead with a design of more than 1,000,000 runs (or set max_runs in the config)",
    )
    parser.add_argument(
        "--part-rows", type=int, default=10_000, metavar="N",
        help="rows per Parquet part while the sweep runs (default 10000)",
    )
    parser.add_argument(
        "--worker-timeout", type=float, default=60.0, metavar="SECONDS",
        help="dask: stop (resumable) after this long with no worker at all (default 60)",
    )
    arguments.add_plot_arguments(parser)


def run_options(args: argparse.Namespace) -> RunOptions:
    """The :class:`RunOptions` of the command-line options :func:`_add_run_options` adds."""
    from bargaining_chips.experiments.sweep.options import RunOptions

    return RunOptions(
        backend=args.backend, workers=args.workers, address=args.address, resume=args.resume,
        quiet=args.quiet, yes=args.yes, worker_timeout=args.worker_timeout,
        part_rows=args.part_rows,
    )


def model_option(args: argparse.Namespace):  # noqa: ANN201 - a ModelFunction or None
    """The function ``--model`` names (imported now: this runs its module's code), or None."""
    if args.model is None:
        return None
    from bargaining_chips.experiments.sweep.models import import_model

    return import_model(args.model)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sweep``, ``summarize`` and ``sensitivity`` to ``run.py``'s parser."""
    sweep = subparsers.add_parser(
        "sweep", help="run a seeded parameter sweep from a config file",
        description="Run every run of a sweep config (seeded, chunked, resumable) into --out; "
        "then write results.parquet, means.csv and the config's plots there.",
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

    export = subparsers.add_parser(
        "export", help="write a sweep's per-run table as Parquet or CSV",
        description="Write the per-run table of a sweep (one row per run: run columns, "
        "param.<path> columns, outcomes) as one Parquet or CSV file.",
    )
    export.add_argument("dir", type=Path, help="a sweep's output folder")
    export.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    export.add_argument(
        "--out", type=Path, default=None,
        help="file to write (default: DIR/results.parquet's table as DIR/runs.csv or "
        "DIR/runs.parquet)",
    )
    export.set_defaults(handler=export_command)

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
    arguments.check_output_folder(args.out)
    model = model_option(args)
    report = run_sweep(args.config, args.out, options, model=model)
    try:
        written = write_sweep_outputs(config, args.out, args.plot_format, args.dpi,
                                      labelled=model is None)
    except OSError as err:  # a full disk while drawing: one line; the runs are all kept
        from bargaining_chips.experiments.sweep.runner import _write_error

        raise _write_error(args.out, err) from None
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


def write_sweep_outputs(config, out: Path, fmt: str = "png", dpi: int = 200,  # noqa: ANN001 - SweepConfig, lazily imported
                        labelled: bool = True) -> list[Path]:
    """Write ``means.csv`` (outcome means per parameter point) and the config's ``[[plots]]``
    (under ``plots/``, as ``fmt`` at ``dpi``) for a finished sweep; ``results.parquet`` holds the
    per-run rows. With ``labelled`` (the negotiation model), axes are labelled from the scenario."""
    from bargaining_chips.experiments.atomic import write_atomic
    from bargaining_chips.experiments.labels import labels_for
    from bargaining_chips.experiments.sweep.plots import render_plots
    from bargaining_chips.experiments.sweep.store import RESULTS, ResultStore
    from bargaining_chips.experiments.sweep.summarize import summarize

    frame = ResultStore(out).load()
    table = summarize(frame, outcomes=list(config.outcomes) or None)
    path = Path(out) / "means.csv"
    write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))
    written = [Path(out) / RESULTS, path]
    from bargaining_chips.model.errors import UserError

    labels = labels_for(config.scenario or "us_japan_2025" if labelled else None)
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
        _write_table(args.csv, lambda tmp: table.to_csv(tmp, index=False))
        print(f"wrote {args.csv}", file=sys.stderr)
    return 0


def _write_table(path: Path, write) -> None:  # noqa: ANN001 - Callable[[Path], None]
    """Write a file atomically; a folder that cannot be written is one line, exit 2."""
    from bargaining_chips.experiments.atomic import write_atomic
    from bargaining_chips.model.errors import UserError

    if path.is_dir():
        raise UserError(f"{path}: is a folder; name a file to write")
    try:
        write_atomic(path, write)
    except OSError as err:
        raise UserError(f"{path}: cannot write ({err.strerror or err})") from None


def export_command(args: argparse.Namespace) -> int:
    """``run.py export``: the per-run table of a sweep as one Parquet or CSV file."""
    from bargaining_chips.experiments.sweep.store import load_table

    table = load_table(args.dir)
    out = args.out or args.dir / f"runs.{args.format}"
    if args.format == "parquet":
        import pyarrow.parquet as pq

        _write_table(out, lambda tmp: pq.write_table(table, tmp))
    else:
        frame = table.to_pandas()
        _write_table(out, lambda tmp: frame.to_csv(tmp, index=False))
    print(f"wrote {table.num_rows} runs to {out}", file=sys.stderr)
    return 0


def _config_outcomes(directory: Path) -> list[str] | None:
    import json

    from bargaining_chips.model.errors import UserError

    for manifest in (directory / "manifest.json", directory / "runs" / "manifest.json"):
        if manifest.exists():
            try:
                outcomes = json.loads(manifest.read_text(encoding="utf-8"))["config"].get("outcomes")
            except (ValueError, KeyError, TypeError, AttributeError) as err:  # bad JSON or text
                raise UserError(f"{manifest}: not a readable sweep manifest ({type(err).__name__}); "
                                "run the sweep again into a new --out") from None
            return list(outcomes or ()) or None
    return None


def sensitivity_command(args: argparse.Namespace) -> int:
    """``run.py sensitivity``: run the study, print the indices, write tables and plots."""
    from bargaining_chips.experiments.sensitivity.study import run_sensitivity
    from bargaining_chips.experiments.sweep.config import load_config

    load_config(args.config)  # a bad config is named before the output folder is looked at
    arguments.check_output_folder(args.out)
    try:
        report = run_sensitivity(
            args.config, args.out, run_options(args), tornado=args.tornado,
            model=model_option(args), plot_format=args.plot_format, dpi=args.dpi,
        )
    except OSError as err:  # writing the tables or plots: one line; the runs are kept
        from bargaining_chips.experiments.sweep.runner import _write_error

        raise _write_error(args.out, err) from None
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
