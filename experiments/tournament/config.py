"""Tournament configs: strategies, scenarios and seeds, validated, then written as a sweep.

Example (``experiments/configs/tournaments/strategy_ranking.toml``)::

    name = "ranking"
    root_seed = 2025
    seeds = 100                      # runs per pairing and scenario (common to every pairing)
    self_play = true                 # each strategy also meets itself

    [strategies]                     # label = a strategy table, as in a scenario
    boulware = { name = "boulware" }
    bayes_trade_off = { bidding = "trade_off", model = "bayesian" }

    [[scenarios]]
    name = "us_japan_2025"           # a bundled name or a path
    sides = ["US", "Japan"]          # the two seats (default: the first two governments)
    set = { "protocol.information" = "private" }    # --set overrides for this scenario

Every ordered pair of strategies plays (the first label in the first seat, the second in the
second), so each pair meets in each role: S² pairings with self-play, S(S − 1) without, times the
scenarios, times ``seeds``. As a sweep (:func:`sweep_config`) the pairing and the scenario are the
two levers and the whole tournament rides in one constant (its JSON), so the sweep's fingerprint —
and so resume — tells tournaments apart; seeds are common random numbers: replication r has the
same seed in every pairing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bargaining_chips.experiments.sweep.config import SweepConfig, parse_config
from bargaining_chips.experiments.tournament.match import (
    PAIRING,
    SCENARIO,
    SPEC,
    VERSUS,
    seats,
    setup_for,
)
from bargaining_chips.model import inputs
from bargaining_chips.model.errors import UserError
from bargaining_chips.model.suggest import unknown_field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScenarioEntry(_Frozen):
    """One scenario of a tournament: its name or path, the two seats, and overrides."""

    name: str
    sides: tuple[str, str] | None = None
    set: dict[str, Any] = Field(default_factory=dict)


class TournamentConfig(_Frozen):
    """A whole tournament (see the module docstring)."""

    name: str = "tournament"
    description: str = ""
    root_seed: int = Field(default=0, ge=0, le=2**63 - 1)
    seeds: int = Field(default=10, ge=1, le=100_000)
    self_play: bool = True
    strategies: dict[str, dict[str, Any]]
    scenarios: tuple[ScenarioEntry, ...]
    max_runs: int | None = Field(default=None, ge=1)

    @field_validator("strategies")
    @classmethod
    def _strategies(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        if len(value) < 2:
            raise ValueError("a tournament needs at least two strategies")
        for label in value:
            if VERSUS in label or not label.strip():
                raise ValueError(f"strategy label {label!r}: use a non-empty name without ' vs '")
        return value

    @model_validator(mode="after")
    def _scenarios(self) -> TournamentConfig:
        if not self.scenarios:
            raise ValueError("scenarios: list at least one [[scenarios]] table")
        keys = [s.name for s in self.scenarios]
        if len(set(keys)) != len(keys):
            raise ValueError("scenarios: each scenario may be listed once")
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.strategies)

    @property
    def pairings(self) -> tuple[tuple[str, str], ...]:
        """Every ordered pair (first seat, second seat), self-play included if asked for."""
        return tuple((a, b) for a in self.labels for b in self.labels if self.self_play or a != b)

    @property
    def design_size(self) -> int:
        """Pairings × scenarios × seeds."""
        return len(self.pairings) * len(self.scenarios) * self.seeds

    def spec_json(self) -> str:
        """What a run needs to play a pairing (the strategy tables, each scenario's seats and
        overrides), as canonical JSON: the sweep's one constant."""
        return json.dumps(
            {"strategies": self.strategies,
             "scenarios": {s.name: {"sides": s.sides, "set": s.set} for s in self.scenarios}},
            sort_keys=True, separators=(",", ":"))


def sweep_config(config: TournamentConfig) -> SweepConfig:
    """The sweep that plays ``config``: one lever over the pairings, one over the scenarios."""
    return parse_config({
        "name": config.name,
        "description": config.description,
        "root_seed": config.root_seed,
        "replications": config.seeds,
        "common_random_numbers": True,
        "outcomes": ["score_first", "score_second", "agreement", "pareto_distance",
                     "nash_distance", "agreement_round"],
        "design": {"kind": "grid"},
        "levers": {
            PAIRING: {"values": [f"{a}{VERSUS}{b}" for a, b in config.pairings]},
            SCENARIO: {"values": [s.name for s in config.scenarios]},
        },
        "constants": {SPEC: config.spec_json()},
        **({"max_runs": config.max_runs} if config.max_runs else {}),
    }, source=f"tournament {config.name}")


def parse_tournament(data: dict[str, Any], source: str = "<tournament>") -> TournamentConfig:
    """Validate a mapping (as read from TOML), then check every strategy and scenario by loading
    each scenario with each strategy in each seat; raise ``UserError`` naming the field."""
    inputs.check_tree(dict(data), source)
    try:
        config = TournamentConfig.model_validate(dict(data))
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = unknown_field(TournamentConfig, first["loc"], "the tournament config (README)")
        raise UserError(f"{source}: {where}: {message}") from None
    for k, entry in enumerate(config.scenarios):
        try:
            first, second = seats(entry.name, entry.sides, entry.set)
        except UserError as err:
            raise UserError(f"{source}: scenarios.{k}: {err}") from None
        for label, table in config.strategies.items():
            try:
                setup_for(entry.name, entry.set, {first: table, second: table})
            except UserError as err:
                raise UserError(f"{source}: strategies.{label}: {err}") from None
    return config


def load_tournament(path: str | Path) -> TournamentConfig:
    """Read and validate a tournament config file (TOML)."""
    path = Path(path)
    return parse_tournament(inputs.read_toml(path, "tournament config"), source=str(path))
