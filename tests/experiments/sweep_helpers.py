"""Models and configs shared by the experiment tests (not collected as tests).

``die_once`` is the toy ``noisy_linear`` except that, the first time it sees ``x`` at or above
``kill_at``, it leaves a marker file and kills its own process with SIGKILL — a worker dying in the
middle of a sweep, exactly once.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep.config import SweepConfig, parse_config


def die_once(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """``noisy_linear``, but the worker kills itself once (see the module docstring)."""
    marker = Path(str(params["marker"]))
    if float(params.get("x", 0.0)) >= float(params["kill_at"]) and not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return noisy_linear({k: v for k, v in params.items() if k in noisy_linear.parameters}, seed)


die_once.parameters = noisy_linear.parameters | {"marker", "kill_at"}  # type: ignore[attr-defined]


def linear_config(**overrides: Any) -> SweepConfig:
    """A small grid for the toy linear model (``model=noisy_linear``): 3 x 2 points x
    ``replications``."""
    data: dict[str, Any] = {
        "name": "linear",
        "root_seed": 11,
        "replications": 5,
        "design": {"kind": "grid"},
        "levers": {"x": {"values": [0.0, 0.5, 1.0]}},
        "uncertainties": {"z": {"range": [0.0, 1.0], "steps": 2}},
        "constants": {"noise": 0.5},
    }
    data.update(overrides)
    return parse_config(data)


def ishigami_config(samples: int = 1024, kind: str = "sobol", **overrides: Any) -> SweepConfig:
    """The Ishigami function's inputs (``model=ishigami``) over [-pi, pi]^3 with a Sobol' (or
    other) design."""
    import math

    box = {"range": [-math.pi, math.pi]}
    data: dict[str, Any] = {
        "name": "ishigami",
        "root_seed": 3,
        "design": {"kind": kind, "samples": samples},
        "uncertainties": {"x1": box, "x2": box, "x3": box},
        "outcomes": ["y"],
    }
    data.update(overrides)
    return parse_config(data)


def dated(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """``noisy_linear`` plus an ``agreement_date`` (an ISO date with a deal, else null), like the
    negotiation summary: the sweep table must store it as a date."""
    row = noisy_linear({k: v for k, v in params.items() if k in noisy_linear.parameters}, seed)
    row["agreement_date"] = f"2025-06-{row['round'] + 10:02d}" if row["deal"] else None
    return row


dated.parameters = noisy_linear.parameters  # type: ignore[attr-defined]
