"""Authoring commands: ``check`` (validate a scenario or a sweep config without running it) and
``schema`` (the scenario's JSON Schema, for editors that complete and check TOML)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bargaining_chips.model.errors import UserError

SCENARIO_KEYS = ("issues", "actors")
CONFIG_KEYS = ("levers", "uncertainties", "design", "replications", "root_seed")


def register(subparsers: argparse._SubParsersAction) -> None:
    c = subparsers.add_parser(
        "check",
        help="validate a scenario or a sweep/sensitivity config without running it",
        description="Validate FILE as the commands that use it would: a scenario (it has [issues] "
        "and [actors]) is loaded and compiled; a sweep or sensitivity config is validated, its "
        "design built and every swept path tried on its scenario; a calibration config (it has "
        "[priors] and facts) has its priors tried and its facts file checked against its "
        "scenario. Prints one line 'OK: ...' "
        "(exit 0), or the one-line error (exit 2). Nothing is run or written.",
        epilog="examples:\n  python run.py check model/scenarios/us_japan_2025.toml\n"
        "  python run.py check experiments/configs/deadline_credibility.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("file", type=Path, metavar="FILE", help="a scenario or config .toml file")
    c.set_defaults(handler=check_command)

    s = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a scenario (or, with --config, of a sweep config)",
        description="Print the JSON Schema of a scenario file on stdout (or of a sweep config with "
        "--config). Editors that read schemas for TOML (Taplo, VS Code's Even Better TOML) then "
        "complete and check the file: save the output and put '#:schema ./scenario.schema.json' "
        "on the file's first line.",
        epilog="examples:\n  python run.py schema > scenario.schema.json\n"
        "  python run.py schema --config > sweep.schema.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--config", action="store_true", help="the sweep config's schema instead")
    s.set_defaults(handler=schema_command)


def check_command(args: argparse.Namespace) -> int:
    print(check_file(args.file))
    return 0


def check_file(path: Path) -> str:
    """Validate ``path`` as a scenario or a sweep config; returns the OK line, raises UserError."""
    from bargaining_chips.model.loader import read_toml, resolve_scenario

    if not path.is_file():
        raise UserError(f"{path}: no such file; give the path of a scenario or config .toml file")
    raw = read_toml(path)
    if all(k in raw for k in SCENARIO_KEYS):
        return _check_scenario(resolve_scenario(path))
    if "priors" in raw and "facts" in raw:
        return _check_calibration(path)
    if any(k in raw for k in CONFIG_KEYS):
        return _check_config(path)
    raise UserError(
        f"{path}: neither a scenario (it needs [issues] and [actors] tables) nor a sweep config "
        "(it needs [levers.\"PATH\"] or [uncertainties.\"PATH\"] tables)"
    )


def _check_scenario(path: Path) -> str:
    from bargaining_chips.model.compiled import compile_scenario
    from bargaining_chips.model.loader import load_scenario

    spec = load_scenario(path)
    setup = compile_scenario(spec)
    return (f"OK: {path} is a valid scenario '{spec.name}' ({len(spec.issues)} issues, "
            f"{len(spec.actors)} actors, {len(setup.rounds)} rounds)")


def _check_calibration(path: Path) -> str:
    """A calibration config: its priors checked against the scenario, its facts file read and
    every fact checked against the scenario's actors, issues, deadlines and calendar."""
    from bargaining_chips.experiments.calibrate.run import prepare

    config, facts = prepare(path)
    return (f"OK: {path} is a valid calibration config '{config.name}' ({len(config.priors)} "
            f"priors, {len(facts.ids)} facts, {config.draws:,} draws, method {config.method})")


def _check_config(path: Path) -> str:
    from bargaining_chips.experiments.sweep.config import load_config
    from bargaining_chips.experiments.sweep.design import Design
    from bargaining_chips.experiments.sweep.models import default_model, validate_parameters

    config = load_config(path)
    design = Design(config)
    validate_parameters(config, design, default_model(), str(path))
    return (f"OK: {path} is a valid {config.design.kind} config '{config.name}' "
            f"({len(config.parameters)} parameters, {design.runs_total:,} runs)")


def schema_command(args: argparse.Namespace) -> int:
    print(json.dumps(config_schema() if args.config else scenario_schema(), indent=2))
    return 0


def scenario_schema() -> dict[str, Any]:
    """``Scenario.model_json_schema()``, without the field the loader fills in (``origin``)."""
    from bargaining_chips.model.scenario import Scenario

    schema = Scenario.model_json_schema()
    schema.get("properties", {}).pop("origin", None)
    # A categorical issue lists its options and names its no-deal option; the loader fills in
    # min, max and step (model.scenario.IssueSpec): the file needs a range or options.
    issue = schema["$defs"]["IssueSpec"]
    issue["required"] = [k for k in issue.get("required", []) if k not in ("min", "max", "no_deal")]
    issue["anyOf"] = [{"required": ["min", "max", "no_deal"]}, {"required": ["options"]}]
    no_deal = issue["properties"]["no_deal"]
    issue["properties"]["no_deal"] = {"title": no_deal.get("title", "No Deal"),
                                      "anyOf": [{"type": "number"}, {"type": "string"}]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def config_schema() -> dict[str, Any]:
    """``SweepConfig.model_json_schema()``."""
    from bargaining_chips.experiments.sweep.config import SweepConfig

    schema = SweepConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
