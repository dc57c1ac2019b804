"""Test doubles for played games: a seat that replays the moves a person made, and an offer's
terms in the form the page sends them."""

from __future__ import annotations

from typing import Any

import numpy as np

from bargaining_chips.agents.strategies import Strategy
from bargaining_chips.viz.play import controls_for


class Scripted(Strategy):
    """A seat's recorded moves, replayed: its proposals and answers, in order (no threshold)."""

    def __init__(self, proposals, answers) -> None:
        self.proposals, self.answers = list(proposals), list(answers)

    def propose(self, view) -> np.ndarray:
        return np.array(self.proposals.pop(0), dtype=float)

    def respond(self, view, offer):
        return self.answers.pop(0)


def terms_of(spec, **changes: float) -> dict[str, Any]:
    """Every issue's control at its default value, with ``changes`` applied (the page's form)."""
    out = {c.issue: c.value for c in controls_for(spec)}
    out.update(changes)
    return out
