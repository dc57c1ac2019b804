"""The strategy interface.

A strategy is a small class: a registered ``name``, its parameters in ``__init__`` (and so in its
``repr``, ``Boulware(beta=0.2)``, which labels a sweep row by itself), one method to propose and one
to respond. It sees the negotiation only through a :class:`~agents.view.NegotiationView`.

Most strategies think in utility levels: :class:`LevelStrategy` turns "ask for level L now" into
efficient terms worth L and answers offers with the acceptance rule of Faratin, Sierra & Jennings
(1998): accept an offer at least as good as the counter-offer one would make next; when no round can
follow, accept anything at least as good as no deal.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from bargaining_chips.agents.messages import Offer, Response

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView


class ParameterError(ValueError):
    """A strategy parameter out of its range: ``param`` names it, ``expected`` says what is valid."""

    def __init__(self, param: str, expected: str) -> None:
        self.param = param
        self.expected = expected
        super().__init__(f"{param}: {expected}")


def check_range(param: str, value: float, lo: float, hi: float, *, open_lo: bool = False) -> float:
    """Validate ``lo <= value <= hi`` (``lo < value`` when ``open_lo``) and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(param, f"expected a number, got {value!r}")
    ok = (value > lo if open_lo else value >= lo) and value <= hi
    if not ok:
        bracket = "(" if open_lo else "["
        raise ParameterError(param, f"{value!r} is out of range; expected {bracket}{lo:g}, {hi:g}]")
    return float(value)


@dataclass(frozen=True)
class Game:
    """A game a strategy is the equilibrium play of, in the terms a scenario states it: the
    protocol (``protocol.type``), how many governments sit at the table (None: any number) and
    whether they must all have the same discount factor."""

    protocol: str
    governments: int | None = None
    common_discount: bool = False


class Strategy:
    """Base class: subclasses set ``name`` and implement ``propose`` and ``respond``."""

    name: ClassVar[str] = ""
    #: The games the strategy is the equilibrium play of, the one to suggest first; None: it plays
    #: in any scenario (the heuristic strategies). Equilibrium strategies are defined for their
    #: games only and declare them here; the model checks a scenario against the declaration when
    #: it loads it (model.references), so a mismatch is a scenario error, not a crash.
    games: ClassVar[tuple[Game, ...] | None] = None

    def propose(self, view: NegotiationView) -> np.ndarray:
        """Terms to offer this round, one value per issue in the issues' own units."""
        raise NotImplementedError

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        """Answer the offer on the table."""
        raise NotImplementedError

    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float | None:
        """The least utility this strategy would accept now, if it has one (for transcripts)."""
        return None

    def answer(self, view: NegotiationView, offer: Offer) -> tuple[Response, float | None]:
        """The response and the threshold it was judged by (what the model records)."""
        return self.respond(view, offer), self.acceptance_threshold(view, offer)

    def params(self) -> dict[str, object]:
        """The constructor's parameters and their current values."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({inner})"


class LevelStrategy(Strategy):
    """A strategy that chooses a utility level to ask for; terms follow efficiently."""

    def level(self, view: NegotiationView, round_index: int, their_last: Offer | None) -> float:
        """The utility this actor asks for in round ``round_index``, given the others' latest offer."""
        raise NotImplementedError

    def propose(self, view: NegotiationView) -> np.ndarray:
        their = _latest_from_others(view)
        target = max(self.level(view, view.round_index, their), view.reservation)
        return view.offer_at(min(target, 1.0))

    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float:
        """The utility of the counter-offer this actor would make next (its reservation when no
        round can follow)."""
        if view.is_last_round:
            return view.reservation
        next_level = self.level(view, view.round_index + 1, offer)
        return min(max(next_level, view.reservation), 1.0)

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        return self.answer(view, offer)[0]

    def answer(self, view: NegotiationView, offer: Offer) -> tuple[Response, float]:
        threshold = self.acceptance_threshold(view, offer)
        accept = view.utility(offer.terms) >= threshold - 1e-12
        return (Response.ACCEPT if accept else Response.REJECT), threshold


def _latest_from_others(view: NegotiationView) -> Offer | None:
    for offer in reversed(view.history):
        if offer.proposer != view.name:
            return offer
    return None
