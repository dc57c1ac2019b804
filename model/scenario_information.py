"""Scenario schema of what each side knows: a government's prior belief about another government.

Under ``protocol.information = "private"`` each government knows its own utility and holds a belief
about every other government at the table: its issue weights, its directions where they are
unknown, and its reservation utility. ``actors.Japan.beliefs.US`` is Japan's prior about the US,
and names the opponent model that learns from the US's offers (:mod:`agents.opponents`):

    [actors.Japan.beliefs.US]
    model = "bayesian"                       # frequency | bayesian | perfect
    weights = { reciprocal = 0.4, autos = 0.3, chips = 0.3 }   # expected weights (normalised)
    concentration = 2.0                      # a Dirichlet around them; left out: a point belief
    reservation = [0.2, 0.6]                 # an interval, uniformly; a number: a point
    prefers = { chips = "high" }             # believed directions (left out: the true ones)

Left out entirely, a government's belief about another is the uninformed prior: the Bayesian model,
every weight vector equally likely (equal expected weights, concentration 1), and a reservation
anywhere in [0, 1]. Given ``weights`` without ``concentration``, the weights are a point belief; a
point belief with one reservation value is held for sure and never changes. Every value has a
dotted path (``actors.Japan.beliefs.US.concentration``) for ``--set`` and sweeps;
:func:`model.references.check_beliefs` checks what the tables refer to.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


def check_weights(value: dict[str, float]) -> dict[str, float]:
    """Issue weights as a scenario gives them (an actor's, in :mod:`model.scenario`, or a
    belief's): each in [0, 1], at least one positive."""
    for issue, w in value.items():
        if not 0.0 <= w <= 1.0:
            raise ValueError(f"weight of {issue!r} is {w:g}; weights must lie in [0, 1]")
    if sum(value.values()) <= 0:
        raise ValueError("at least one weight must be positive")
    return value


class BeliefSpec(BaseModel):
    """One government's prior about one other government (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    model: str = "bayesian"
    params: dict[str, Any] = Field(default_factory=dict)
    weights: dict[str, float] | None = None
    concentration: float | None = Field(default=None, gt=0.0, le=1e6)
    reservation: float | tuple[float, float] | None = None
    prefers: dict[str, Literal["high", "low"]] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        return value if value is None else check_weights(value)

    @field_validator("reservation")
    @classmethod
    def _reservation(cls, value: float | tuple[float, float] | None):
        if value is None:
            return value
        lo, hi = (value, value) if isinstance(value, int | float) else value
        if not 0.0 <= lo <= hi <= 1.0:
            raise ValueError(
                f"reservation {value!r}: expected a number in [0, 1] or [low, high] with "
                "0 <= low <= high <= 1")
        return value

    @property
    def reservation_interval(self) -> tuple[float, float]:
        """[low, high] the reservation is believed to lie in ([0, 1] when left out)."""
        r = self.reservation
        if r is None:
            return (0.0, 1.0)
        if isinstance(r, int | float):
            return (float(r), float(r))
        return (float(r[0]), float(r[1]))
