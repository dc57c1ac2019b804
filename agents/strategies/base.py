"""The strategy interface.

A strategy is a small class: a registered ``name``, its parameters in ``__init__`` (and so in its
``repr``, ``Boulware(beta=0.2)``, which labels a sweep row by itself), one method to propose and one
to respond. It sees the negotiation only through a :class:`~agents.view.NegotiationView`.

Most strategies think in utility levels: :class:`LevelStrategy` turns "ask for level L now" into
efficient terms worth L and answers offers with the acceptance rule of Faratin, Sierra & Jennings
(1998): accept an offer at least as good as the counter-offer one would make next; when no round can
follow, accept anything at least as good as no deal.

Discounting. An agreement in round k (0-based) is worth δ^k times its utility, while no deal is
worth the reservation utility r whenever the talks end (undiscounted: the engine's definition,
``model.metrics.outcome_utilities``). So in round k an agreement is worth at least no deal only if
its undiscounted utility is at least r / δ^k, the *discounted floor* (:func:`reservation_now`).
Every strategy proposes and accepts only terms at or above it; once no terms can reach it in the
next round (r / δ^(k+1) > 1), no later agreement is worth having and a level strategy walks away
instead of rejecting. With δ = 1 the floor is r in every round and play is unchanged.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from bargaining_chips.agents.messages import Offer, Response

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView


#: Utilities are normalised: the best terms for an actor are worth 1 to it.
BEST = 1.0


def reservation_now(view: NegotiationView, round_index: int | None = None) -> float:
    """The discounted floor r / δ^k in round ``round_index`` (default: the current round): the least
    undiscounted utility an agreement in that round must have to be worth the reservation r, which
    no deal pays undiscounted. ∞ when δ^k underflows to 0 and r > 0; exactly r when δ = 1."""
    k = view.round_index if round_index is None else round_index
    r, delta = view.reservation, view.discount
    if delta == 1.0 or r == 0.0:
        return r
    factor = delta**k
    return r / factor if factor > 0.0 else math.inf


def no_deal_ahead(view: NegotiationView) -> bool:
    """True when no agreement in a later round can be worth the reservation: the talks end now in
    effect (the last round, or a discounted floor beyond every agreement next round)."""
    return view.is_last_round or reservation_now(view, view.round_index + 1) > BEST


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


class Parametrised:
    """An object whose constructor's parameters are attributes of the same names (a strategy, an
    opponent model): it lists them and is written as its constructor call."""

    def params(self) -> dict[str, object]:
        """The constructor's parameters and their current values."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({inner})"


class Strategy(Parametrised):
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



class LevelStrategy(Strategy):
    """A strategy that chooses a utility level to ask for; terms follow efficiently.

    Under discounting the level is read in undiscounted utility and floored by the discounted
    floor: in round k it asks for u* = max(level, r / δ^k) (see the module docstring), so a
    concession curve that would fall below what no deal is worth stops there. It accepts an offer
    worth at least its next counter-offer and never one worth less than r / δ^k; when no later round
    can give it r (:func:`no_deal_ahead`), it accepts anything worth r / δ^k now and, before the
    last round, walks away from anything less.
    """

    def level(self, view: NegotiationView, round_index: int, their_last: Offer | None) -> float:
        """The utility this actor asks for in round ``round_index``, given the others' latest offer."""
        raise NotImplementedError

    def propose(self, view: NegotiationView) -> np.ndarray:
        their = _latest_from_others(view)
        target = max(self.level(view, view.round_index, their), reservation_now(view))
        return view.offer_at(min(target, BEST))

    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float:
        """The utility of the counter-offer this actor would make next, at least the discounted
        floor now (the floor alone when no later agreement can be worth the reservation)."""
        floor = reservation_now(view)
        if no_deal_ahead(view):
            return floor
        k = view.round_index + 1
        next_level = max(self.level(view, k, offer), reservation_now(view, k))
        return max(min(next_level, BEST), floor)

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        return self.answer(view, offer)[0]

    def answer(self, view: NegotiationView, offer: Offer) -> tuple[Response, float]:
        threshold = self.acceptance_threshold(view, offer)
        if view.utility(offer.terms) >= threshold - 1e-12:
            return Response.ACCEPT, threshold
        return _refusal(view), threshold


def _refusal(view: NegotiationView) -> Response:
    """Reject, or walk away when waiting cannot help: no later agreement is worth the reservation
    and a round would still follow (in the last round a rejection ends the talks anyway)."""
    if not view.is_last_round and reservation_now(view, view.round_index + 1) > BEST:
        return Response.WALK_AWAY
    return Response.REJECT


def _latest_from_others(view: NegotiationView) -> Offer | None:
    for offer in reversed(view.history):
        if offer.proposer != view.name:
            return offer
    return None
