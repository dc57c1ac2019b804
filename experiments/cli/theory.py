"""The theory commands: ``validate`` (the classic results, reproduced) and ``solutions``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bargaining_chips.experiments.cli import arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    from bargaining_chips.experiments.cli.run import add_scenario_arguments

    p = subparsers.add_parser(
        "validate",
        help="reproduce the classic bargaining results and compare with theory (PASS/FAIL)",
        description="Run every theory scenario (Rubinstein, Ståhl, Nash/Kalai–Smorodinsky, "
        "Zeuthen, Faratin, Baron–Ferejohn, the deadline effect) through the model and print, "
        "for each case, the theory's value, the simulated value, the tolerance and PASS/FAIL. "
        "Exits with status 1 if any check fails. See docs/theory.md.",
        epilog="examples:\n  python run.py validate\n  python run.py validate --plots results/theory\n"
        "  python run.py validate --plots results/theory --format svg",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--plots", type=Path, default=None, metavar="DIR",
                   help="also write the deadline-effect histogram (500 seeds) to DIR")
    arguments.add_plot_arguments(p)
    p.set_defaults(handler=validate_command)

    s = subparsers.add_parser(
        "solutions",
        help="Nash, Kalai–Smorodinsky and max-welfare points of a two-government scenario",
        description="Print the Nash (generalised by the actors' bargaining_power), "
        "Kalai–Smorodinsky and maximum-welfare outcomes of a scenario with two governments: "
        "their terms and utilities, over the disagreement point of reservation utilities.",
        epilog="examples:\n"
        "  python run.py solutions --scenario nash_split --set actors.P2.curvature.share=0.5\n"
        "  python run.py solutions --scenario nash_split --set actors.P1.reservation=0.2 "
        "--set actors.P2.reservation=0.1 --json\n"
        "  python run.py solutions --scenario nash_split --set actors.P2.curvature.share=0.5 "
        "--set actors.P1.bargaining_power=0.7 --set actors.P2.bargaining_power=0.3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_arguments(s)
    s.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    s.set_defaults(handler=solutions_command)


def validate_command(args: argparse.Namespace) -> int:
    from bargaining_chips.experiments.theory import validation

    arguments.check_plot_arguments_used(args, args.plots is not None, "without --plots DIR",
                                        "add --plots DIR to write the plots")
    if args.plots is not None:
        arguments.check_output_folder(args.plots, "--plots")
        rounds = validation.deadline_rounds(500)
        path = write_deadline_plot(rounds, args.plots, args.plot_format, args.dpi)
        checks = [c for case in validation.CASES if case is not validation.deadline_checks
                  for c in case()]
        checks += validation.deadline_checks(rounds=rounds)
    else:
        path = None
        checks = validation.all_checks()
    for line in validation.table_lines(checks):
        print(line)
    if path is not None:
        print(f"wrote {path}")
    return 0 if all(c.passed for c in checks) else 1


def write_deadline_plot(rounds: tuple[list[int | None], int], out: Path, fmt: str = "png",
                        dpi: int = arguments.DEFAULT_DPI) -> Path:
    """The deadline-effect histogram of ``rounds`` as ``out/deadline_effect.FMT`` at ``dpi``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bargaining_chips.experiments.report import output
    from bargaining_chips.experiments.theory import plots as theory_plots

    fig, ax = plt.subplots(figsize=(8, 4.5))
    theory_plots.plot_deadline_histogram(theory_plots.deadline_table(*rounds), ax=ax)
    path = out / f"deadline_effect.{fmt}"
    output.save_figure(path, fig, fmt, dpi)
    return path


def solutions_command(args: argparse.Namespace) -> int:
    from bargaining_chips.experiments.cli.run import parse_overrides
    from bargaining_chips.model.loader import load_scenario
    from bargaining_chips.model.solutions import solution_lines, solutions

    spec = load_scenario(args.scenario, parse_overrides(args.overrides))
    result = solutions(spec)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, allow_nan=False))
    else:
        print("\n".join(solution_lines(result)))
    return 0
