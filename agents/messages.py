"""Protocol messages: the small frozen types negotiators exchange.

A leaf module: it imports nothing of the package, so the strategies and the model (whose
protocols carry these messages between the governments) both import it without importing each
other."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np


class Response(enum.Enum):
    """A responder's answer to an offer on the table."""

    ACCEPT = "accept"
    REJECT = "reject"
    WALK_AWAY = "walk_away"


@dataclass(frozen=True, eq=False)
class Offer:
    """Terms proposed by ``proposer`` in round ``round_no`` (1-based): one value per issue, in the
    scenario's issue order and the issues' own units. ``terms`` is read-only."""

    proposer: str
    round_no: int
    terms: np.ndarray

    def __post_init__(self) -> None:
        self.terms.setflags(write=False)

    def as_dict(self, issue_names: tuple[str, ...]) -> dict[str, float]:
        return {name: float(v) for name, v in zip(issue_names, self.terms, strict=True)}
