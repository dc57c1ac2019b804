"""The ``run`` command: one run of a scenario, its transcript, summary and files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bargaining_chips.experiments.cli import arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run",
        help="run a scenario once: transcript, summary and files (the default command)",
        description="Run a scenario once; print the dated transcript and summary; write "
        "summary.json, the per-round tables, transcript.txt, the coalition graphs and the plots "
        "(PNG, SVG or PDF) to --out.",
        epilog="examples:\n"
        "  python run.py run --seed 3 --json\n"
        "  python run.py run --format pdf --out results/paper     plots as PDF, for print\n"
        "  python run.py run --scenario rubinstein --set actors.P1.discount=0.95 --json\n"
        "  python run.py run --set actors.Japan.strategy.beta=0.5 "
        "--set deadlines.G7.extension_probability=0.3 --out results/fast_japan\n"
        "time as the parties play it (see the README):\n"
        "  python run.py run --set actors.Japan.strategy.beta=0.3 --out results/missed_g7"
        "     a missed G7 target\n"
        "  python run.py run --seed 2 --set actors.US.reservation=0.85 --out results/moved_pause"
        "     the US moves the end of the pause\n"
        "  python run.py run --set issues.reciprocal_tariff.max=35 "
        "--set threats.letter.issue=reciprocal_tariff --set threats.letter.no_deal=35 "
        "--set threats.letter.date=2025-06-01 --set threats.letter.by=US "
        "--set threats.letter.credibility=0.8 --out results/threat     an escalated threat",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_arguments(p)
    p.add_argument("--seed", type=arguments.seed, default=0,
                   help=f"the run's seed, 0 to {arguments.MAX_SEED} (default 0)")
    p.add_argument("--out", type=Path, default=Path("results"),
                   help="folder for the result files (default results/)")
    p.add_argument("--json", action="store_true",
                   help="print only the summary, as one JSON object, on stdout")
    p.add_argument("--no-plots", action="store_true",
                   help="write the tables and summary but not the plots (faster)")
    arguments.add_plot_arguments(p)
    p.set_defaults(handler=run_command)


def add_scenario_arguments(p: argparse.ArgumentParser) -> None:
    """--scenario and --set, shared by every command that loads a scenario."""
    p.add_argument("--scenario", default="us_japan_2025", metavar="PATH|NAME",
                   help="a bundled scenario's name (us_japan_2025, rubinstein, ...) or a .toml path")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario value by its dotted path, e.g. "
                   "actors.Japan.strategy.beta=0.5 or deadlines.G7.extension_probability=0.3 "
                   "(repeatable)")


def parse_overrides(assignments: list[str]) -> dict:
    from bargaining_chips.model.overrides import parse_assignment

    return dict(parse_assignment(a) for a in assignments)


def run_command(args: argparse.Namespace) -> int:
    from bargaining_chips.experiments.report import transcript
    from bargaining_chips.experiments.report.run_files import write_all
    from bargaining_chips.model.loader import load_scenario
    from bargaining_chips.model.metrics import summary
    from bargaining_chips.model.negotiation import NegotiationModel

    arguments.check_plot_arguments_used(args, not args.no_plots, "with --no-plots",
                                        "leave out --no-plots to draw the plots")
    spec = load_scenario(args.scenario, parse_overrides(args.overrides))
    arguments.check_output_folder(args.out)
    model = NegotiationModel(spec, seed=args.seed)
    model.run()
    result = summary(model)
    written = write_all(model, result, args.out, plots=not args.no_plots,
                        fmt=args.plot_format, dpi=args.dpi)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, allow_nan=False))
        return 0
    out = sys.stdout
    for line in transcript.transcript(model) + transcript.summary_lines(model, result):
        print(line, file=out)
    print(f"\n{written_line(written, args.out)}", file=out)
    return 0


def written_line(written: list[Path], out: Path) -> str:
    """"wrote 27 files to results/: summary.json, …, graphs/ (16 files)"."""
    shown: dict[str, int] = {}
    for path in written:
        rel = path.relative_to(out) if path.is_relative_to(out) else path
        key = f"{rel.parts[0]}/" if len(rel.parts) > 1 else str(rel)
        shown[key] = shown.get(key, 0) + 1
    parts = [k if not k.endswith("/") else f"{k} ({n} files)" for k, n in shown.items()]
    return f"wrote {len(written)} files to {out}/: {', '.join(parts)}"
